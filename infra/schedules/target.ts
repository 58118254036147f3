/**
 * An EventBridge Scheduler schedule for one Alex schedule, the same from the CDK app (configured
 * re-analyses) and from the API (a user's schedules, through @aws-sdk/client-scheduler): the
 * jobs queue as target with a scheduled message the planner accepts, the slot time filled in by
 * Scheduler, retries for an hour, then the jobs DLQ (whose alarm and `alex dlq` already watch it).
 */
import { DETAIL_VERSION } from '#events/catalog.ts';
import type { Task } from '#events/values.ts';

export const SCHEDULE_GROUP = 'alex-schedules';
/** The role Scheduler assumes to send to the jobs queue and its DLQ; the core stack owns it. */
export const SCHEDULER_ROLE_NAME = 'alex-scheduler';
/** Scheduler's retry policy on the target: a slot keeps trying for an hour, then dead-letters. */
export const SCHEDULE_RETRY = { maximumEventAgeInSeconds: 3600, maximumRetryAttempts: 20 } as const;

export const SCHEDULER_PLACEHOLDERS = {
  scheduledTime: '<aws.scheduler.scheduled-time>',
  executionId: '<aws.scheduler.execution-id>',
} as const;

/** The message body as Scheduler's input template: Scheduler replaces the two placeholders. */
export function scheduledInputTemplate(scheduleId: string, userId: string, tasks: readonly Task[] | null): string {
  return JSON.stringify({
    version: DETAIL_VERSION,
    scheduleId,
    userId,
    scheduledTime: SCHEDULER_PLACEHOLDERS.scheduledTime,
    executionId: SCHEDULER_PLACEHOLDERS.executionId,
    ...(tasks ? { tasks } : {}),
  });
}

export interface TargetArns {
  jobsQueueArn: string;
  jobsDeadLetterQueueArn: string;
  roleArn: string;
}

/** The target in CloudFormation's and the CDK's shape (camelCase); `toSdkTarget` gives the API's. */
export function scheduleTarget(arns: TargetArns, scheduleId: string, userId: string, tasks: readonly Task[] | null) {
  return {
    arn: arns.jobsQueueArn,
    roleArn: arns.roleArn,
    input: scheduledInputTemplate(scheduleId, userId, tasks),
    deadLetterConfig: { arn: arns.jobsDeadLetterQueueArn },
    retryPolicy: { ...SCHEDULE_RETRY },
  };
}

export function toSdkTarget(target: ReturnType<typeof scheduleTarget>) {
  return {
    Arn: target.arn,
    RoleArn: target.roleArn,
    Input: target.input,
    DeadLetterConfig: { Arn: target.deadLetterConfig.arn },
    RetryPolicy: {
      MaximumEventAgeInSeconds: target.retryPolicy.maximumEventAgeInSeconds,
      MaximumRetryAttempts: target.retryPolicy.maximumRetryAttempts,
    },
  };
}

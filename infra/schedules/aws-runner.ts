/**
 * On AWS, each user schedule is an EventBridge Scheduler schedule of the same id in the Alex
 * group, created and deleted by the API through @aws-sdk/client-scheduler. Its target is the
 * one the CDK app gives configured schedules (target.ts), so both are proven by the same tests.
 */
import {
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  type SchedulerClient,
} from '@aws-sdk/client-scheduler';
import type { ScheduleRunner } from './schedules.ts';
import { SCHEDULE_GROUP, scheduleTarget, type TargetArns, toSdkTarget } from './target.ts';

export function awsScheduleRunner(client: SchedulerClient, arns: TargetArns): ScheduleRunner {
  return {
    async created(s) {
      await client.send(
        new CreateScheduleCommand({
          Name: s.id,
          GroupName: SCHEDULE_GROUP,
          Description: `Alex: scheduled analysis of ${s.userId}'s portfolio`.slice(0, 512),
          ScheduleExpression: s.expression,
          ScheduleExpressionTimezone: s.timezone,
          FlexibleTimeWindow: { Mode: 'OFF' },
          Target: toSdkTarget(scheduleTarget(arns, s.id, s.userId, s.tasks)),
        }),
      );
    },
    async removed(s) {
      try {
        await client.send(new DeleteScheduleCommand({ Name: s.id, GroupName: SCHEDULE_GROUP }));
      } catch (error) {
        // Already gone (deleted by hand, or a retried removal): the row goes all the same.
        if (!(error instanceof ResourceNotFoundException)) throw error;
      }
    },
  };
}

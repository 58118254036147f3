/**
 * Scheduled analyses on AWS, on the synthesized core stack: each configured schedule targets the
 * jobs queue with an input that, rendered as Scheduler renders it (a sample scheduled time and
 * execution id), the planner's own parser accepts, with the jobId derived from schedule and slot;
 * retries then the jobs DLQ; a role Scheduler alone may assume, that can only send to those queues.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SCHEDULE_NAMESPACE, scheduledJobId, uuidV5 } from '#events/scheduled-request.ts';
import { resolveConfig } from '#infra/cdk/config.ts';
import { STACK_NAMES } from '#infra/cdk/names.ts';
import { CoreStack } from '#infra/cdk/stacks/core-stack.ts';
import { TemplateLinter } from '#infra/cdk/template-lint.ts';
import { parsePlannerMessage } from '#services/planner/domain.ts';
import { renderCfn } from '#test/support/cfn-render.ts';

const SAMPLE = { scheduledTime: '2027-03-29T06:00:00Z', executionId: 'd32c5kddcf5bb8c3' };
let outdir: string;
let stack: CoreStack;
let resources: Record<string, { Type: string; Properties: Record<string, any> }>;

beforeAll(() => {
  outdir = mkdtempSync(join(tmpdir(), 'alex-sched-cdk-'));
  const app = new App({ outdir });
  const config = resolveConfig({
    scheduledReanalysis: {
      enabled: true,
      expression: 'cron(0 6 ? * MON *)',
      timezone: 'Europe/London',
      userIds: ['household-42', 'sam@example.com'],
    },
  });
  stack = new CoreStack(app, STACK_NAMES.core, { env: { region: config.region }, config });
  resources = app.synth().getStackByName(STACK_NAMES.core).template.Resources;
}, 300_000);
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

const ofType = (type: string) =>
  Object.entries(resources)
    .filter(([, r]) => r.Type === type)
    .map(([id, r]) => ({ id, ...r.Properties }) as Record<string, any>);
const idOf = (queueName: string) => ofType('AWS::SQS::Queue').find((q) => q.QueueName === queueName)!.id;

describe('scheduled analyses on AWS', () => {
  it("renders each schedule's input into a message the planner accepts, jobId derived from schedule and slot", () => {
    const schedules = ofType('AWS::Scheduler::Schedule');
    expect(schedules.map((s) => s.Description).sort()).toEqual([
      "Re-analysis of household-42's portfolio (scheduledReanalysis)",
      "Re-analysis of sam@example.com's portfolio (scheduledReanalysis)",
    ]);
    for (const schedule of schedules) {
      const userId = schedule.Description.match(/of (.+)'s portfolio/)[1];
      const scheduleId = uuidV5(SCHEDULE_NAMESPACE, `config/${userId}`);
      expect(schedule).toMatchObject({
        Name: scheduleId,
        GroupName: 'alex-schedules',
        ScheduleExpression: 'cron(0 6 ? * MON *)',
        ScheduleExpressionTimezone: 'Europe/London',
      });
      // As Scheduler does at run time: the two context attributes replaced in the input.
      const body = (schedule.Target.Input as string)
        .replace('<aws.scheduler.scheduled-time>', SAMPLE.scheduledTime)
        .replace('<aws.scheduler.execution-id>', SAMPLE.executionId);
      expect(parsePlannerMessage(body)).toEqual({
        kind: 'request',
        replayName: null,
        request: {
          version: 1,
          jobId: scheduledJobId(scheduleId, SAMPLE.scheduledTime),
          userId,
          requestedAt: SAMPLE.scheduledTime,
        },
      });
    }
  });

  it('targets the jobs queue, retries for an hour, then dead-letters to the jobs DLQ', () => {
    for (const { Target } of ofType('AWS::Scheduler::Schedule')) {
      expect(Target.Arn).toEqual({ 'Fn::GetAtt': [idOf('alex-jobs'), 'Arn'] });
      expect(Target.DeadLetterConfig).toEqual({ Arn: { 'Fn::GetAtt': [idOf('alex-jobs-dlq'), 'Arn'] } });
      expect(Target.RetryPolicy).toEqual({ MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 20 });
    }
  });

  it("gives Scheduler a role only this account's Alex schedules may assume, able only to send to those two queues", () => {
    const role = ofType('AWS::IAM::Role').find((r) => r.RoleName === 'alex-scheduler')!;
    const [trust] = role.AssumeRolePolicyDocument.Statement;
    expect(trust.Principal).toEqual({ Service: 'scheduler.amazonaws.com' });
    expect(trust.Condition.StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
    expect(
      renderCfn(trust.Condition.ArnLike['aws:SourceArn'], {
        'AWS::Partition': 'aws',
        'AWS::AccountId': '123456789012',
      }),
    ).toBe('arn:aws:scheduler:eu-west-1:123456789012:schedule/alex-schedules/*');
    const statements = ofType('AWS::IAM::Policy')
      .filter((p) => p.Roles.some((r: { Ref: string }) => r.Ref === role.id))
      .flatMap((p) => p.PolicyDocument.Statement);
    expect(statements.map((s) => [[s.Action].flat().sort(), s.Resource])).toEqual([
      [['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'], { 'Fn::GetAtt': [idOf('alex-jobs'), 'Arn'] }],
      [
        ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage'],
        { 'Fn::GetAtt': [idOf('alex-jobs-dlq'), 'Arn'] },
      ],
    ]);
  });

  it('passes the registry schemas and cdk-nag', () => {
    const template = { Resources: resources };
    expect(new TemplateLinter().lint(template as never)).toEqual([]);
    const report = new AwsSolutionsChecks(stack.node.root).validateScope(stack);
    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
  });
});

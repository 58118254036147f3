/**
 * The API's schedules on AWS: the real @aws-sdk/client-scheduler against a loopback server that
 * speaks Scheduler's REST-JSON wire format. Adding a schedule creates one Scheduler schedule of
 * the same id in Alex's group whose input, rendered as Scheduler renders it, the planner's parser
 * accepts; removing deletes it; a refused create leaves no row behind.
 */
import { createServer, type IncomingMessage } from 'node:http';
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { scheduledJobId } from '#events/scheduled-request.ts';
import { awsScheduleRunner } from '#infra/schedules/aws-runner.ts';
import { ScheduleService } from '#infra/schedules/schedules.ts';
import { listSchedules } from '#infra/schedules/store.ts';
import type { SqlDatabase } from '#services/common/sql-database.ts';
import { parsePlannerMessage } from '#services/planner/domain.ts';
import { migratedDatabase } from '#test/support/api.ts';
import { listen, loopbackClientConfig, shutDown } from '#test/support/loopback.ts';

const ARNS = {
  jobsQueueArn: 'arn:aws:sqs:eu-west-1:123456789012:alex-jobs',
  jobsDeadLetterQueueArn: 'arn:aws:sqs:eu-west-1:123456789012:alex-jobs-dlq',
  roleArn: 'arn:aws:iam::123456789012:role/alex-scheduler',
};
const server = createServer(handle);
let received: Array<{ method: string; path: string; query: string; body: any }>;
let refuse = false;
let db: SqlDatabase;
let service: ScheduleService;

async function handle(request: IncomingMessage, response: import('node:http').ServerResponse) {
  let text = '';
  for await (const chunk of request) text += chunk;
  const url = new URL(request.url!, 'http://local');
  received.push({
    method: request.method!,
    path: url.pathname,
    query: url.search,
    body: text ? JSON.parse(text) : null,
  });
  if (refuse) {
    response.writeHead(400, { 'content-type': 'application/json', 'x-amzn-errortype': 'ValidationException' });
    response.end(JSON.stringify({ message: 'Invalid request provided' }));
    return;
  }
  if (request.method === 'DELETE' && received.filter((r) => r.method === 'DELETE').length > 1) {
    response.writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'ResourceNotFoundException' });
    response.end(JSON.stringify({ message: 'Schedule not found' }));
    return;
  }
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(
    request.method === 'POST' ? JSON.stringify({ ScheduleArn: `arn:aws:scheduler:::${url.pathname}` }) : '{}',
  );
}

beforeAll(async () => {
  const endpoint = await listen(server);
  db = await migratedDatabase();
  service = new ScheduleService(db, awsScheduleRunner(new SchedulerClient(loopbackClientConfig(endpoint)), ARNS));
}, 60_000);
afterAll(async () => {
  await shutDown(server);
  await db.close();
});
beforeEach(() => {
  received = [];
  refuse = false;
});

describe('schedules on AWS', () => {
  it('creates one Scheduler schedule per user schedule, targeting the jobs queue with a message the planner accepts', async () => {
    const view = await service.add(
      'household-42',
      { expression: 'cron(0 6 ? * MON *)', timezone: 'Europe/London', tasks: ['charts'] },
      new Date('2027-01-01T00:00:00Z'),
    );
    expect(received).toHaveLength(1);
    const [create] = received;
    expect(create).toMatchObject({ method: 'POST', path: `/schedules/${view.id}` });
    expect(create!.body).toMatchObject({
      GroupName: 'alex-schedules',
      ScheduleExpression: 'cron(0 6 ? * MON *)',
      ScheduleExpressionTimezone: 'Europe/London',
      FlexibleTimeWindow: { Mode: 'OFF' },
      Target: {
        Arn: ARNS.jobsQueueArn,
        RoleArn: ARNS.roleArn,
        DeadLetterConfig: { Arn: ARNS.jobsDeadLetterQueueArn },
        RetryPolicy: { MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 20 },
      },
    });
    const body = (create!.body.Target.Input as string)
      .replace('<aws.scheduler.scheduled-time>', '2027-01-04T06:00:00Z')
      .replace('<aws.scheduler.execution-id>', 'd32c5kddcf5bb8c3');
    expect(parsePlannerMessage(body)).toMatchObject({
      kind: 'request',
      request: {
        jobId: scheduledJobId(view.id, '2027-01-04T06:00:00Z'),
        userId: 'household-42',
        tasks: ['charts'],
      },
    });
  });

  it('deletes the Scheduler schedule on removal, and removes the row even when it is already gone', async () => {
    const view = await service.add('ana', { expression: 'rate(1 day)' }, new Date('2027-01-01T00:00:00Z'));
    const other = await service.add('ana', { expression: 'rate(2 days)' }, new Date('2027-01-01T00:00:00Z'));
    expect(await service.remove('ana', view.id)).toBe(true);
    expect(await service.remove('ana', other.id)).toBe(true); // the loopback answers 404 to this one
    const deletes = received.filter((r) => r.method === 'DELETE');
    expect(deletes.map((r) => [r.path, new URLSearchParams(r.query).get('groupName')])).toEqual([
      [`/schedules/${view.id}`, 'alex-schedules'],
      [`/schedules/${other.id}`, 'alex-schedules'],
    ]);
    expect(await listSchedules(db, 'ana')).toEqual([]);
  });

  it('leaves nothing stored when Scheduler refuses the schedule', async () => {
    refuse = true;
    await expect(service.add('ben', { expression: 'rate(1 day)' }, new Date())).rejects.toThrow(
      'Invalid request provided',
    );
    expect(await listSchedules(db, 'ben')).toEqual([]);
  });
});

/**
 * Job deadlines. The planner schedules an AnalysisDeadlineReached for each job it creates; the
 * aggregator receives it on its own queue when the deadline has passed. On AWS that is an SQS
 * message with DelaySeconds (at most 15 minutes: a later deadline is delivered early and the
 * aggregator sends it on again); locally, a delayed message on the local queue. The message is
 * an EventBridge-shaped envelope, so the aggregator reads it like every other input.
 */
import { randomUUID } from 'node:crypto';
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { catalog } from '#events/catalog.ts';
import type { DetailBody } from './emit.ts';
import { traceFields } from './tracing.ts';

/** The detail without its version, which the catalog's stamps on. */
export type DeadlineDetail = DetailBody<'AnalysisDeadlineReached'>;

/** SQS's longest delay. */
export const MAX_DELAY_SECONDS = 900;

export interface DeadlineScheduler {
  schedule(detail: DeadlineDetail, now: Date): Promise<void>;
}

export function deadlineEnvelope(detail: DeadlineDetail, now: Date, region: string, account: string): string {
  return JSON.stringify({
    version: '0',
    id: randomUUID(),
    'detail-type': 'AnalysisDeadlineReached',
    // The planner's source even when the aggregator sends a deadline on: the catalog names one producer.
    source: catalog.AnalysisDeadlineReached.sources[0],
    account,
    time: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region,
    resources: [],
    detail: catalog.AnalysisDeadlineReached.detail.parse({
      ...detail,
      ...traceFields(), // the deadline is part of the job's trace
      version: catalog.AnalysisDeadlineReached.version,
    }),
  });
}

/** Seconds to wait before delivering, capped at SQS's maximum delay. */
export function delaySeconds(deadline: string, now: Date): number {
  return Math.min(MAX_DELAY_SECONDS, Math.max(0, Math.ceil((Date.parse(deadline) - now.getTime()) / 1000)));
}

export class SqsDeadlineScheduler implements DeadlineScheduler {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  async schedule(detail: DeadlineDetail, now: Date): Promise<void> {
    // https://sqs.<region>.amazonaws.com/<account>/<queue>
    const [, account = 'unknown'] = new URL(this.queueUrl).pathname.split('/');
    const region = process.env.AWS_REGION ?? 'us-east-1';
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl,
        MessageBody: deadlineEnvelope(detail, now, region, account),
        DelaySeconds: delaySeconds(detail.deadline, now),
      }),
    );
  }
}

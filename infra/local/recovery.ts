/**
 * Finishing what a killed owner left. It runs only while the new owner holds the home's lock,
 * so nothing else can be working: (1) the queues come back from their journal with every message
 * the dead process had received visible again at once (locally we know its receiver is gone; SQS
 * would wait out the visibility timeout); (2) idempotency records it left `INPROGRESS` are
 * removed, or the redelivered messages would be refused as "already in progress" until they
 * dead-letter; (3) every unfinished job gets a deadline message if none is queued, so it ends,
 * exactly once, through the aggregator's usual claim, even when its queue state was lost.
 */
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { DeadlineScheduler } from '#services/common/deadlines.ts';
import { FINISHED_STATUSES } from '#services/common/job-store.ts';
import type { SqlDatabase } from '#services/common/sql-database.ts';
import type { LocalQueue } from './queue.ts';

/** Deletes in-progress idempotency records; returns how many. Only safe while holding the home's lock. */
export async function clearInProgressRecords(dynamo: DynamoDBClient, tableName: string): Promise<number> {
  const documents = DynamoDBDocumentClient.from(dynamo);
  let cleared = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: '#status = :inProgress',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':inProgress': 'INPROGRESS' },
        ProjectionExpression: 'id',
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of page.Items ?? []) {
      await documents.send(new DeleteCommand({ TableName: tableName, Key: { id: item.id } }));
      cleared += 1;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  return cleared;
}

type UnfinishedJob = {
  id: string;
  user_id: string;
  status: string;
  deadline: string | null;
};

/**
 * Schedules a deadline for every unfinished job that has none queued on the aggregator's
 * queue; returns the jobs given one. A deadline already past is delivered at once.
 */
export async function ensureDeadlines(
  db: SqlDatabase,
  aggregatorQueue: LocalQueue,
  deadlines: DeadlineScheduler,
  now: Date,
): Promise<string[]> {
  const finished = FINISHED_STATUSES.map((status) => `'${status}'`).join(', ');
  const jobs = await db.query<UnfinishedJob>(
    `SELECT id, user_id, status, deadline FROM jobs WHERE status NOT IN (${finished})`,
  );
  if (jobs.length === 0) return [];
  const queued = new Set<string>();
  for (const message of aggregatorQueue.peekAll()) {
    const jobId = deadlineJobOf(message.body);
    if (jobId) queued.add(jobId);
  }
  const scheduled: string[] = [];
  for (const job of jobs) {
    if (queued.has(job.id)) continue;
    const deadline = job.deadline ?? now.toISOString();
    await deadlines.schedule({ jobId: job.id, userId: job.user_id, deadline }, now);
    scheduled.push(job.id);
  }
  return scheduled;
}

function deadlineJobOf(body: string): string | undefined {
  if (!body.includes('"AnalysisDeadlineReached"')) return undefined;
  try {
    const envelope = JSON.parse(body) as { 'detail-type'?: string; detail?: { jobId?: string } };
    return envelope['detail-type'] === 'AnalysisDeadlineReached' ? envelope.detail?.jobId : undefined;
  } catch {
    return undefined;
  }
}

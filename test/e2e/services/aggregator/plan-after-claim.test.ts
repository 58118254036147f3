/**
 * A plan that arrives again after its job was claimed, against dynalite and PGlite. The plan's
 * first delivery stored it and then failed (so SQS redelivers it, past the idempotency record);
 * the specialists' last result claimed the job and, while it announces the result, the plan
 * comes back. The claim alone keeps that second finisher out: one write, one announcement.
 */
import { randomUUID } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DetailType } from '#events/catalog.ts';
import { countAnalyses, getAnalysis } from '#services/aggregator/analysis-store.ts';
import { createAggregatorHandler } from '#services/aggregator/handler.ts';
import { aggregator } from '#services/aggregator/service.ts';
import { exampleJobEvents, type JobEvents } from '#test/support/finished-job.ts';
import { eventRecord, lambdaContext, sqsEvent, testServiceContext } from '#test/support/lambda.ts';
import { startTestPorts, type TestPorts } from '#test/support/ports.ts';

let ports: TestPorts;
let job: JobEvents;
let dynamo: DynamoDBClient;
/** Set to make the aggregator's next read of the tracking table fail, as a dropped connection would. */
let failNextTrackingRead = false;

beforeAll(async () => {
  ports = await startTestPorts();
  job = await exampleJobEvents(ports.db);
  dynamo = new DynamoDBClient({
    endpoint: ports.dynamo.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  dynamo.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'QueryCommand' && failNextTrackingRead) {
        failNextTrackingRead = false;
        throw new Error('injected: the connection to DynamoDB dropped');
      }
      return next(args);
    },
    { step: 'initialize', name: 'injectTrackingReadFault' },
  );
}, 120_000);
afterAll(async () => {
  dynamo?.destroy();
  await ports?.close();
});

const context = lambdaContext('alex-aggregator');
const record = (detailType: DetailType, detail: unknown) =>
  sqsEvent(eventRecord(detailType, detail, { queue: 'alex-aggregator' }));

describe('a plan that arrives again after its job was claimed', () => {
  it('finishes nothing a second time: one consolidated write, one AnalysisCompleted', async () => {
    const jobId = randomUUID();
    const planned = job.planned(jobId);
    const writes: Array<{ jobId: string; inserted: boolean }> = [];
    const announced: string[] = [];
    const redeliveries: string[][] = [];
    const handler = createAggregatorHandler(
      testServiceContext(aggregator, {
        ...ports.ports,
        dynamo,
        publisher: {
          publish: async (events) => {
            for (const e of events) {
              if (e.detailType !== 'AnalysisCompleted') continue;
              announced.push((e.detail as { jobId: string }).jobId);
              // The finisher has claimed and written, and is announcing: now the plan comes back.
              if (redeliveries.length === 0) {
                const response = await handler(record('AnalysisPlanned', planned), context);
                redeliveries.push(response.batchItemFailures.map((f) => f.itemIdentifier));
              }
            }
          },
        },
      }).ctx,
      { onConsolidatedWrite: (id, inserted) => writes.push({ jobId: id, inserted }) },
    );

    failNextTrackingRead = true;
    const first = await handler(record('AnalysisPlanned', planned), context);
    expect(first.batchItemFailures).toHaveLength(1); // stored, then failed: SQS will redeliver it
    for (const task of ['report', 'charts', 'retirement'] as const) {
      const response = await handler(record('SpecialistCompleted', job.completed(jobId, task)), context);
      expect(response.batchItemFailures).toEqual([]);
    }

    expect(redeliveries).toEqual([[]]); // the plan came back, and was taken without error
    expect(writes).toEqual([{ jobId, inserted: true }]);
    expect(announced).toEqual([jobId]);
    expect(await countAnalyses(ports.db, jobId)).toBe(1);
    // Finished only once every task had reported, so nothing is missing.
    expect(await getAnalysis(ports.db, jobId)).toMatchObject({ status: 'completed', missing: [] });
  });
});

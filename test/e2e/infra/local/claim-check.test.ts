/**
 * A portfolio at the file's limits (2,000 positions in 50 accounts, every symbol distinct and
 * unknown, names at their longest) analyses successfully on the local runtime, and nothing on the
 * way exceeds its AWS service limit: each EventBridge entry and each SQS message (an envelope)
 * stays within 256 KiB, each DynamoDB item within 400 KB. The snapshot travels by reference, and
 * the reference is checked: the stored payload hashes to the reference's SHA-256.
 */
import { createHash } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, describe, expect, it } from 'vitest';
import type { Detail } from '#events/catalog.ts';
import { entrySize } from '#events/eventbridge-publisher.ts';
import { LocalRuntime } from '#infra/local/runtime.ts';
import { TABLES } from '#infra/topology.ts';
import { countAnalyses, getAnalysis } from '#services/aggregator/analysis-store.ts';
import { parsePortfolioFile } from '#services/common/portfolio-file.ts';
import { savePortfolio } from '#services/common/portfolio-store.ts';
import { LARGE_ACCOUNTS, LARGE_POSITIONS, largePortfolio } from '#test/support/large-portfolio.ts';
import { eventsOf, isJobEnd, jobRequest } from '../../support.ts';

/** AWS's limits: EventBridge entry and SQS message 256 KiB; DynamoDB item 400 KB. */
const EVENT_LIMIT = 262_144;
const SQS_LIMIT = 262_144;
const DYNAMODB_ITEM_LIMIT = 400 * 1024;

let runtime: LocalRuntime | undefined;
afterAll(() => runtime?.close());

/**
 * An upper bound of a DynamoDB item's size as DynamoDB counts it (attribute names plus values,
 * UTF-8): its JSON text, which adds quotes, colons and braces around the same bytes.
 */
function itemBytes(item: Record<string, unknown>): number {
  return Buffer.byteLength(JSON.stringify(item));
}

async function scanAll(table: string): Promise<Array<Record<string, unknown>>> {
  const items: Array<Record<string, unknown>> = [];
  let startKey: Record<string, never> | undefined;
  do {
    const page = await runtime!.dynamo.client.send(new ScanCommand({ TableName: table, ExclusiveStartKey: startKey }));
    items.push(...((page.Items ?? []) as Array<Record<string, unknown>>));
    startKey = page.LastEvaluatedKey as Record<string, never> | undefined;
  } while (startKey);
  return items;
}

describe('a portfolio at the file limits', () => {
  it('analyses 2,000 distinct unknown positions in 50 accounts with every event, message and item within its limit', async () => {
    const portfolio = parsePortfolioFile(JSON.stringify(largePortfolio()));
    expect(portfolio.positions).toHaveLength(LARGE_POSITIONS);
    expect(portfolio.accounts).toHaveLength(LARGE_ACCOUNTS);
    expect(new Set(portfolio.positions.map((p) => p.symbol)).size).toBe(LARGE_POSITIONS);

    runtime = await LocalRuntime.start({ msPerQueueSecond: 0.2 });
    await savePortfolio(runtime.db, portfolio);
    const request = { ...jobRequest(portfolio.user.id), deadlineSeconds: 600 };
    const done = runtime.waitForEvent(isJobEnd(request.jobId), 300_000);
    runtime.sendJob(JSON.stringify(request));
    const end = await done;
    await runtime.idle(120_000);

    expect(end['detail-type']).toBe('AnalysisCompleted');
    expect(runtime.deadLetters().map((letter) => letter.message.attributes.reason)).toEqual([]);
    expect(end.detail).toMatchObject({ status: 'completed', missing: [] });
    expect(await countAnalyses(runtime.db, request.jobId)).toBe(1);
    const analysis = await getAnalysis(runtime.db, request.jobId);
    expect(analysis!.classification).toHaveLength(LARGE_POSITIONS);

    // Every event of the job: within EventBridge's entry limit, and its envelope (the SQS body a
    // rule delivers) within SQS's message limit.
    const events = eventsOf(runtime, request.jobId);
    expect(events.length).toBeGreaterThan(20 + 20 + 1 + 3);
    for (const event of events) {
      const size = entrySize({
        Source: event.source,
        DetailType: event['detail-type'],
        Detail: JSON.stringify(event.detail),
        Time: new Date(event.time),
      });
      expect(size, `${event['detail-type']} entry`).toBeLessThanOrEqual(EVENT_LIMIT);
      expect(Buffer.byteLength(JSON.stringify(event)), `${event['detail-type']} message`).toBeLessThanOrEqual(
        SQS_LIMIT,
      );
    }

    // The plan went by reference, and the stored payload is what the reference says.
    const planned = events.find((e) => e['detail-type'] === 'AnalysisPlanned')!.detail as Detail<'AnalysisPlanned'>;
    expect(planned.snapshot).toBeUndefined();
    const ref = planned.snapshotRef!;
    expect(ref.bytes).toBeGreaterThan(EVENT_LIMIT);
    const body = await runtime.payloads.get(ref.sha256);
    expect(createHash('sha256').update(body!).digest('hex')).toBe(ref.sha256);
    expect(Buffer.byteLength(body!)).toBe(ref.bytes);
    expect(JSON.parse(body!).positions).toHaveLength(LARGE_POSITIONS);

    // Every DynamoDB item written on the way: the completion tracker's and the idempotency records.
    for (const table of [TABLES.completion, TABLES.idempotency]) {
      const items = await scanAll(table);
      expect(items.length, table).toBeGreaterThan(0);
      for (const item of items) expect(itemBytes(item), `${table} item`).toBeLessThanOrEqual(DYNAMODB_ITEM_LIMIT);
    }
  }, 600_000);
});

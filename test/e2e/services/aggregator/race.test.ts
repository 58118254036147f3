/**
 * The race the aggregator exists to win: the plan and every specialist's result arrive at the
 * same instant, each in its own invocation (as separate Lambda instances would take them), some
 * twice. Against dynalite and PGlite: exactly one consolidated write per job, one announcement.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Detail, DetailInput, DetailType } from '#events/catalog.ts';
import { LocalRuntime } from '#infra/local/runtime.ts';
import { TABLES } from '#infra/topology.ts';
import { countAnalyses } from '#services/aggregator/analysis-store.ts';
import { createAggregatorHandler } from '#services/aggregator/handler.ts';
import { aggregator } from '#services/aggregator/service.ts';
import { buildCharts } from '#services/charter/domain.ts';
import { OfflineModel } from '#services/common/model/offline.ts';
import { loadPortfolio, savePortfolio } from '#services/common/portfolio-store.ts';
import { buildSnapshot } from '#services/planner/domain.ts';
import { writeReport } from '#services/reporter/domain.ts';
import { projectRetirement } from '#services/retirement/domain.ts';
import { referenceClassification } from '#services/tagger/reference.ts';
import { eventRecord, lambdaContext, testServiceContext } from '#test/support/lambda.ts';
import { examplePortfolio } from '../../support.ts';

let runtime: LocalRuntime;
beforeAll(async () => {
  runtime = await LocalRuntime.start();
});
afterAll(() => runtime.close());

const context = lambdaContext('alex-aggregator');
const record = (detailType: DetailType, detail: unknown) =>
  eventRecord(detailType, detail, { queue: 'alex-aggregator' });

describe('the aggregator under a simultaneous finish', () => {
  it('writes exactly one consolidated analysis per job when everything arrives at once, twice', async () => {
    const file = examplePortfolio();
    await savePortfolio(runtime.db, file);
    const portfolio = (await loadPortfolio(runtime.db, file.user.id))!;
    const classifications = portfolio.positions
      .map((p) => referenceClassification(p.symbol))
      .filter((c) => c !== undefined);
    const snapshot = buildSnapshot(portfolio, classifications, new Date());
    const [report, retirement] = await Promise.all([
      writeReport(snapshot, new OfflineModel(), {}),
      Promise.resolve(projectRetirement(snapshot)),
    ]);
    const charts = buildCharts(snapshot);

    const writes: string[] = [];
    const announced: string[] = [];
    const { ctx } = testServiceContext(aggregator, {
      publisher: {
        publish: async (events) => {
          for (const e of events)
            if (e.detailType === 'AnalysisCompleted') announced.push((e.detail as { jobId: string }).jobId);
        },
      },
      deadLetters: {
        send: async () => {
          throw new Error('nothing here is bad input');
        },
      },
      dynamo: runtime.dynamo.client,
      tables: { idempotency: TABLES.idempotency, completion: TABLES.completion },
      db: async () => runtime.db,
    });
    const handler = createAggregatorHandler(ctx, { onConsolidatedWrite: (jobId) => writes.push(jobId) });

    const jobs = Array.from({ length: 8 }, () => randomUUID());
    await Promise.all(
      jobs.map(async (jobId) => {
        const now = new Date().toISOString();
        const planned: DetailInput<'AnalysisPlanned'> = {
          version: 1,
          jobId,
          userId: file.user.id,
          tasks: ['report', 'charts', 'retirement'],
          snapshot,
          requestedAt: now,
          plannedAt: now,
          deadline: new Date(Date.now() + 60_000).toISOString(),
        };
        const completed = (task: 'report' | 'charts' | 'retirement', result: unknown) =>
          ({ version: 1, jobId, task, result, completedAt: now, durationMs: 1 }) as Detail<'SpecialistCompleted'>;
        const records = [
          record('AnalysisPlanned', planned),
          record('SpecialistCompleted', completed('report', report)),
          record('SpecialistCompleted', completed('charts', charts)),
          record('SpecialistCompleted', completed('retirement', retirement)),
        ];
        // Every record twice, each in its own invocation, all started together.
        const responses = await Promise.all(
          [...records, ...records].map((r) => handler({ Records: [{ ...r, messageId: randomUUID() }] }, context)),
        );
        // A duplicate that found its twin still in progress fails and is redelivered, as SQS would.
        const retried = [...records, ...records].filter((_, i) => responses[i]!.batchItemFailures.length > 0);
        await Promise.all(retried.map((r) => handler({ Records: [{ ...r, messageId: randomUUID() }] }, context)));
      }),
    );

    for (const jobId of jobs) expect(await countAnalyses(runtime.db, jobId)).toBe(1);
    expect(writes.sort()).toEqual([...jobs].sort());
    expect(announced.sort()).toEqual([...jobs].sort());
  });
});

/** The aggregator's decisions, one message at a time, on dynalite and PGlite. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '#events/catalog.ts';
import { getAnalysis } from '#services/aggregator/analysis-store.ts';
import { createAggregatorHandler } from '#services/aggregator/handler.ts';
import { aggregator } from '#services/aggregator/service.ts';
import { buildCharts } from '#services/charter/domain.ts';
import { eventRecord, lambdaContext, sqsEvent, testServiceContext } from '#test/support/lambda.ts';
import { startTestPorts, type TestPorts } from '#test/support/ports.ts';

let ports: TestPorts;
beforeAll(async () => {
  ports = await startTestPorts();
}, 60_000);
afterAll(() => ports.close());

describe('the aggregator handler', () => {
  it('finishes a job as partial when one task failed, naming its code, with every step in the timeline', async () => {
    const { ctx, recorded } = testServiceContext(aggregator, ports.ports);
    const handle = createAggregatorHandler(ctx);
    const jobId = randomUUID();
    const at = (second: number) => `2026-11-30T00:00:${String(second).padStart(2, '0')}.000Z`;
    const planned = {
      ...catalog.AnalysisPlanned.example,
      jobId,
      tasks: ['charts', 'report'],
      requestedAt: at(0),
      plannedAt: at(3),
      deadline: new Date(Date.now() + 60_000).toISOString(),
    };
    const charts = buildCharts(catalog.AnalysisPlanned.detail.parse(planned).snapshot!);
    const deliver = (detailType: string, detail: unknown) =>
      handle(sqsEvent(eventRecord(detailType, detail, { queue: 'alex-aggregator' })), lambdaContext('alex-aggregator'));

    await deliver('ClassificationRequested', { version: 1, jobId, instruments: [{ symbol: 'FSKAX' }] });
    await deliver('InstrumentsClassified', { version: 1, jobId, instruments: [{ symbol: 'FSKAX', source: 'model' }] });
    await deliver('AnalysisPlanned', planned);
    await deliver('SpecialistCompleted', {
      version: 1,
      jobId,
      task: 'charts',
      result: charts,
      completedAt: at(4),
      durationMs: 5,
    });
    expect(recorded.published).toEqual([]);
    await deliver('SpecialistFailed', {
      version: 1,
      jobId,
      task: 'report',
      failedAt: at(5),
      error: { code: 'NoPricedPositions', message: 'nothing is priced' },
    });

    expect(recorded.published.map((e) => [e.detailType, e.source])).toEqual([['AnalysisCompleted', 'alex.aggregator']]);
    expect(recorded.published[0]!.detail).toMatchObject({
      status: 'partial',
      missing: [{ task: 'report', reason: 'NoPricedPositions: nothing is priced' }],
    });
    const analysis = await getAnalysis(ports.db, jobId);
    expect(analysis!.timeline.map((entry) => entry.detailType)).toEqual([
      'AnalysisRequested',
      'ClassificationRequested',
      'InstrumentsClassified',
      'AnalysisPlanned',
      'SpecialistCompleted',
      'SpecialistFailed',
      'AnalysisCompleted',
    ]);
  });

  it('skips a malformed classification step instead of dead-lettering it (its consumer does that)', async () => {
    const { ctx, recorded } = testServiceContext(aggregator, ports.ports);
    const response = await createAggregatorHandler(ctx)(
      sqsEvent(eventRecord('InstrumentsClassified', { version: 1, jobId: 'job-1', instruments: [] })),
      lambdaContext('alex-aggregator'),
    );
    expect(response.batchItemFailures).toEqual([]);
    expect(recorded.deadLetters).toEqual([]);
    expect(recorded.published).toEqual([]);
  });
});

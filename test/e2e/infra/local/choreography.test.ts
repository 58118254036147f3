/**
 * The whole choreography on the embedded local runtime: jobs queue → planner → tagger →
 * planner → specialists → aggregator → PostgreSQL, with the real handlers, dynalite and PGlite.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalRuntime } from '#infra/local/runtime.ts';
import { countAnalyses, getAnalysis } from '#services/aggregator/analysis-store.ts';
import { ConsolidatedAnalysis } from '#services/aggregator/consolidate.ts';
import { getJob } from '#services/common/job-store.ts';
import { eventsOf, isJobEnd, jobRequest, seeded, startWithExample } from '../../support.ts';

let runtime: LocalRuntime | undefined;
afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
});

describe('the local choreography', () => {
  it('analyses the example portfolio end to end and stores one consolidated analysis', async () => {
    const started = await startWithExample();
    runtime = started.runtime;
    const request = jobRequest(started.portfolio.user.id);
    const done = runtime.waitForEvent(isJobEnd(request.jobId), 60_000);
    runtime.sendJob(JSON.stringify(request));
    const end = await done;
    expect(end['detail-type']).toBe('AnalysisCompleted');
    await runtime.idle();

    const analysis = ConsolidatedAnalysis.parse(await getAnalysis(runtime.db, request.jobId));
    expect(analysis.status).toBe('completed');
    expect(analysis.missing).toEqual([]);

    // The portfolio section is computed from the file: quantities × prices + cash.
    const file = started.portfolio;
    const expectedTotal =
      file.positions.reduce((sum, p) => sum + Math.round(p.quantity * p.price! * 100) / 100, 0) +
      file.accounts.reduce((s, a) => s + a.cash, 0);
    expect(analysis.portfolio.totalValue).toBeCloseTo(expectedTotal, 1);
    expect(analysis.portfolio.positions).toHaveLength(file.positions.length);

    // Instruments outside the reference data went through the tagger.
    const types = eventsOf(runtime, request.jobId).map((e) => e['detail-type']);
    expect(types).toContain('ClassificationRequested');
    expect(types).toContain('InstrumentsClassified');
    const bySymbol = new Map(analysis.classification.map((c) => [c.symbol, c]));
    expect(bySymbol.get('VTI')?.source).toBe('reference');
    expect(bySymbol.get('FZROX')?.source).toBe('model');
    expect(bySymbol.get('FZROX')?.assetClass).toEqual({ equity: 100 });

    // Every part is there and real.
    expect(analysis.charts.map((c) => c.id)).toEqual(
      expect.arrayContaining(['asset-class', 'region', 'sector', 'account', 'top-holdings']),
    );
    const assetClass = analysis.charts.find((c) => c.id === 'asset-class')!;
    expect(assetClass.data.reduce((s, d) => s + d.value, 0)).toBeCloseTo(expectedTotal, 0);
    expect(analysis.retirement!.successProbability).toBeGreaterThan(0);
    expect(analysis.retirement!.successProbability).toBeLessThanOrEqual(1);
    expect(analysis.retirement!.bands.length).toBeGreaterThan(30);
    for (const heading of [
      'Executive Summary',
      'Portfolio Composition',
      'Diversification',
      'Risk Profile',
      'Retirement Readiness',
      'Recommendations',
      'Conclusion',
    ]) {
      expect(analysis.report!.markdown).toContain(heading);
    }
    expect(analysis.timeline.map((t) => t.detailType)).toEqual(
      expect.arrayContaining(['AnalysisRequested', 'AnalysisPlanned', 'SpecialistCompleted', 'AnalysisCompleted']),
    );
    // The example holds funds the reference data lacks: the tagger's round trip is in the timeline too.
    expect(analysis.timeline.map((t) => t.detailType).slice(0, 4)).toEqual([
      'AnalysisRequested',
      'ClassificationRequested',
      'InstrumentsClassified',
      'AnalysisPlanned',
    ]);

    expect(await countAnalyses(runtime.db, request.jobId)).toBe(1);
    expect((await getJob(runtime.db, request.jobId))?.status).toBe('completed');
  });

  // In process, and with the specialists in worker threads (each with its own DynamoDB client).
  it.each([false, true])(
    'delivers every event twice, in shuffled order, and still writes exactly one consolidated analysis (workers: %s)',
    async (workers) => {
      const writes: string[] = [];
      const started = await startWithExample({
        workers,
        faults: { duplicateRate: 1, shuffle: true, random: seeded(42) },
        hooks: { onConsolidatedWrite: (jobId) => writes.push(jobId) },
      });
      runtime = started.runtime;
      const requests = [
        jobRequest(started.portfolio.user.id),
        jobRequest(started.portfolio.user.id),
        jobRequest(started.portfolio.user.id),
      ];
      const ends = requests.map((r) => runtime!.waitForEvent(isJobEnd(r.jobId), 60_000));
      for (const request of requests) {
        // The client also sends its job twice, as an at-least-once client would.
        runtime.sendJob(JSON.stringify(request));
        runtime.sendJob(JSON.stringify(request));
      }
      await Promise.all(ends);
      await runtime.idle();

      for (const request of requests) {
        expect(await countAnalyses(runtime.db, request.jobId)).toBe(1);
        const events = eventsOf(runtime, request.jobId);
        // Each specialist did its work once: duplicates were absorbed by idempotency.
        const completed = events
          .filter((e) => e['detail-type'] === 'SpecialistCompleted')
          .map((e) => (e.detail as { task: string }).task);
        expect(completed.sort()).toEqual(['charts', 'report', 'retirement']);
      }
      expect(writes.sort()).toEqual(requests.map((r) => r.jobId).sort());
      expect(runtime.deadLetters()).toEqual([]);
    },
  );

  it("re-delivering a finished job's archived events changes nothing", async () => {
    const writes: string[] = [];
    const started = await startWithExample({ hooks: { onConsolidatedWrite: (jobId) => writes.push(jobId) } });
    runtime = started.runtime;
    const request = jobRequest(started.portfolio.user.id);
    const done = runtime.waitForEvent(isJobEnd(request.jobId), 60_000);
    runtime.sendJob(JSON.stringify(request));
    await done;
    await runtime.idle();
    const stored = await getAnalysis(runtime.db, request.jobId);

    const archived = eventsOf(runtime, request.jobId);
    for (const envelope of [...archived].reverse()) runtime.bus.putEnvelope(envelope, { replayName: 'test-replay' });
    await runtime.idle();

    expect(writes).toEqual([request.jobId]);
    expect(await getAnalysis(runtime.db, request.jobId)).toEqual(stored);
    expect(eventsOf(runtime, request.jobId)).toHaveLength(archived.length);
  });

  it('sends malformed job messages to the DLQ with their reason and keeps going', async () => {
    const started = await startWithExample();
    runtime = started.runtime;
    runtime.sendJob('this is not json');
    runtime.sendJob(
      JSON.stringify({ version: 1, userId: started.portfolio.user.id, requestedAt: new Date().toISOString() }),
    );
    runtime.sendJob(JSON.stringify({ ...jobRequest(started.portfolio.user.id), version: 2 }));
    const request = jobRequest(started.portfolio.user.id);
    const done = runtime.waitForEvent(isJobEnd(request.jobId), 60_000);
    runtime.sendJob(JSON.stringify(request));
    expect((await done)['detail-type']).toBe('AnalysisCompleted');
    await runtime.idle();

    const reasons = runtime.deadLetters().map((d) => d.message.attributes.reason);
    expect(reasons).toHaveLength(3);
    expect(reasons).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/not valid JSON/),
        expect.stringMatching(/jobId/),
        expect.stringMatching(/version/),
      ]),
    );
  });

  it('fails a job for a user with no stored portfolio, with the reason, and stores no analysis', async () => {
    const started = await startWithExample();
    runtime = started.runtime;
    const request = jobRequest('nobody-here');
    const done = runtime.waitForEvent(isJobEnd(request.jobId), 60_000);
    runtime.sendJob(JSON.stringify(request));
    const end = await done;
    expect(end['detail-type']).toBe('AnalysisFailed');
    expect((end.detail as { reason: string }).reason).toMatch(/No portfolio is stored for user "nobody-here"/);
    expect(await countAnalyses(runtime.db, request.jobId)).toBe(0);
    expect((await getJob(runtime.db, request.jobId))?.status).toBe('failed');
  });
});

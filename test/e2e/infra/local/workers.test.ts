/**
 * The local runtime with `workers: true`: reporter, charter and retirement run in worker
 * threads, with the same handlers, and the choreography gives the same results as in-process.
 */
import { threadId } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import { LocalRuntime } from '#infra/local/runtime.ts';
import { countAnalyses, getAnalysis } from '#services/aggregator/analysis-store.ts';
import { ConsolidatedAnalysis } from '#services/aggregator/consolidate.ts';
import { OfflineModel } from '#services/common/model/offline.ts';
import { ingestDocument } from '#services/researcher/ingest.ts';
import { eventsOf, isJobEnd, jobRequest, startWithExample } from '../../support.ts';

let runtime: LocalRuntime | undefined;
afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
});

describe('specialists in worker threads', () => {
  it('analyses the example portfolio end to end with one consolidated write', async () => {
    const writes: string[] = [];
    const started = await startWithExample({
      workers: true,
      hooks: { onConsolidatedWrite: (jobId) => writes.push(jobId) },
    });
    runtime = started.runtime;
    // One document in the knowledge base: the reporter's searches cross from its worker to the main thread.
    const { vectors } = runtime.research;
    await ingestDocument(
      { db: runtime.db, embedder: vectors.embedder, store: await vectors.store() },
      {
        documentId: 'notes/equities.md',
        source: 'notes/equities.md',
        format: 'markdown',
        content: '# Equities\n\nEquities are shares of companies; an equity asset class carries risk and return.',
      },
    );
    const request = jobRequest(started.portfolio.user.id);
    const done = runtime.waitForEvent(isJobEnd(request.jobId), 30_000);
    runtime.sendJob(JSON.stringify(request));
    expect((await done)['detail-type']).toBe('AnalysisCompleted');
    await runtime.idle();

    const analysis = ConsolidatedAnalysis.parse(await getAnalysis(runtime.db, request.jobId));
    expect(analysis.status).toBe('completed');
    expect(analysis.missing).toEqual([]);
    expect(analysis.report!.markdown).toContain('Executive Summary');
    expect(analysis.report!.citations?.map((c) => c.documentId)).toEqual(['notes/equities.md']);
    expect(analysis.charts.map((c) => c.id)).toEqual(
      expect.arrayContaining(['asset-class', 'region', 'sector', 'account', 'top-holdings']),
    );
    expect(analysis.retirement!.bands.length).toBeGreaterThan(30);
    expect(writes).toEqual([request.jobId]);
    expect(await countAnalyses(runtime.db, request.jobId)).toBe(1);

    // The specialists' events came from the workers, published on the main thread's bus.
    const completed = eventsOf(runtime, request.jobId).filter((e) => e['detail-type'] === 'SpecialistCompleted');
    expect(completed.map((e) => e.source).sort()).toEqual(['alex.charter', 'alex.reporter', 'alex.retirement']);
    // ...by three threads other than this one.
    expect(new Set(runtime.workerThreadIds).size).toBe(3);
    expect(runtime.workerThreadIds).not.toContain(threadId);
  });

  it("sends a malformed AnalysisPlanned to each specialist's DLQ with the reason, from the worker", async () => {
    const started = await startWithExample({ workers: true });
    runtime = started.runtime;
    // Matches the specialists' rules (source, detail-type, tasks) but carries no snapshot.
    runtime.putRaw({
      detailType: 'AnalysisPlanned',
      source: 'alex.planner',
      detail: {
        version: 1,
        jobId: crypto.randomUUID(),
        userId: 'sam',
        tasks: ['report', 'charts', 'retirement'],
        requestedAt: '2026-11-30T09:00:00.000Z',
        plannedAt: '2026-11-30T09:00:01.000Z',
        deadline: '2026-11-30T09:05:01.000Z',
      },
    });
    await runtime.idle();

    // The aggregator (in-process) refuses it too; the specialists' letters came from their workers.
    const letters = runtime.deadLetters().filter((l) => l.queue !== 'alex-aggregator-dlq');
    expect(letters.map((l) => l.queue).sort()).toEqual([
      'alex-charter-dlq',
      'alex-reporter-dlq',
      'alex-retirement-dlq',
    ]);
    for (const { message } of letters) {
      // Sent at once as bad input, through the worker's dead-letter port call, not after retries.
      expect(message.receiveCount).toBe(1);
      expect(message.attributes.reason).toMatch(/snapshot/);
    }
  });

  it('refuses options a worker thread cannot share, naming them', async () => {
    await expect(
      LocalRuntime.start({ workers: true, model: new OfflineModel(), now: () => new Date() }),
    ).rejects.toThrow(/workers: cannot be combined with model .*, now/);
  });
});

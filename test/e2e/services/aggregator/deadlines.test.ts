/**
 * Deadlines on the local runtime: a job whose specialists have not all reported by its deadline
 * is finished as partial or failed, exactly once; a late result is recorded but finishes
 * nothing again; a request replayed after its cause was fixed completes a failed job.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Detail } from '#events/catalog.ts';
import type { EventEnvelope } from '#events/envelope.ts';
import type { LocalRuntime } from '#infra/local/runtime.ts';
import { TABLES } from '#infra/topology.ts';
import { countAnalyses, getAnalysis } from '#services/aggregator/analysis-store.ts';
import { CompletionTracker } from '#services/aggregator/completion-tracker.ts';
import { getJob } from '#services/common/job-store.ts';
import { savePortfolio } from '#services/common/portfolio-store.ts';
import { projectRetirement } from '#services/retirement/domain.ts';
import { eventsOf, examplePortfolio, isJobEnd, jobRequest, startWithExample } from '../../support.ts';

let runtime: LocalRuntime | undefined;
afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
});

const ends = (events: EventEnvelope[]) =>
  events.filter((e) => e['detail-type'] === 'AnalysisCompleted' || e['detail-type'] === 'AnalysisFailed');

describe('job deadlines', () => {
  it('finishes a job as partial when a specialist never answers, and a late result changes nothing', async () => {
    const writes: string[] = [];
    ({ runtime } = await startWithExample({
      faults: { silentServices: ['retirement'] },
      hooks: { onConsolidatedWrite: (id) => writes.push(id) },
    }));
    // Long enough for the reporter and charter to answer on a loaded machine; retirement never does.
    const request = { ...jobRequest('rivera-household'), deadlineSeconds: 6 };
    const done = runtime.waitForEvent(isJobEnd(request.jobId), 30_000);
    runtime.sendJob(JSON.stringify(request));
    const end = await done;
    await runtime.idle();

    expect(end['detail-type']).toBe('AnalysisCompleted');
    expect(end.detail).toMatchObject({
      status: 'partial',
      missing: [{ task: 'retirement', reason: expect.stringMatching(/^no result by the deadline 20\d\d-/) }],
    });
    const stored = await getAnalysis(runtime.db, request.jobId);
    expect(stored?.status).toBe('partial');
    expect(stored?.report).not.toBeNull();
    expect(stored?.retirement).toBeNull();
    expect((await getJob(runtime.db, request.jobId))?.status).toBe('partial');

    // The retirement result turns up after the deadline.
    const planned = eventsOf(runtime, request.jobId).find((e) => e['detail-type'] === 'AnalysisPlanned')!
      .detail as Detail<'AnalysisPlanned'>;
    await runtime.publish([
      {
        detailType: 'SpecialistCompleted',
        source: 'alex.retirement',
        detail: {
          version: 1,
          jobId: request.jobId,
          task: 'retirement',
          result: projectRetirement(planned.snapshot!),
          completedAt: new Date().toISOString(),
          durationMs: 1,
        },
      },
    ]);
    await runtime.idle();

    const tracked = await new CompletionTracker(runtime.dynamo.client, TABLES.completion).load(request.jobId);
    expect(tracked.outcomes.get('retirement')?.outcome).toBe('completed');
    expect(await getAnalysis(runtime.db, request.jobId)).toEqual(stored);
    expect(writes).toEqual([request.jobId]);
    expect(ends(eventsOf(runtime, request.jobId))).toHaveLength(1);
  });

  it('fails a job whose specialists all stay silent, once, with every part missing', async () => {
    ({ runtime } = await startWithExample({ faults: { silentServices: ['reporter', 'charter', 'retirement'] } }));
    const request = { ...jobRequest('rivera-household'), deadlineSeconds: 1 };
    const done = runtime.waitForEvent(isJobEnd(request.jobId), 30_000);
    runtime.sendJob(JSON.stringify(request));
    const end = await done;
    await runtime.idle();
    expect(end['detail-type']).toBe('AnalysisFailed');
    expect((end.detail as Detail<'AnalysisFailed'>).failedTasks.map((t) => t.task).sort()).toEqual([
      'charts',
      'report',
      'retirement',
    ]);
    expect(await countAnalyses(runtime.db, request.jobId)).toBe(1);
    expect((await getJob(runtime.db, request.jobId))?.status).toBe('failed');
    expect(ends(eventsOf(runtime, request.jobId))).toHaveLength(1);
  });

  it('fails a job that was never planned by its deadline (the tagger never answered), once', async () => {
    ({ runtime } = await startWithExample({ faults: { silentServices: ['tagger'] } }));
    const request = { ...jobRequest('rivera-household'), deadlineSeconds: 1 };
    const done = runtime.waitForEvent(isJobEnd(request.jobId), 30_000);
    runtime.sendJob(JSON.stringify(request));
    const end = await done;
    await runtime.idle();
    expect(end['detail-type']).toBe('AnalysisFailed');
    expect((end.detail as Detail<'AnalysisFailed'>).reason).toMatch(
      /^Not planned by its deadline .* \(the job was still classifying\)/,
    );
    expect(await countAnalyses(runtime.db, request.jobId)).toBe(0);
    expect((await getJob(runtime.db, request.jobId))?.status).toBe('failed');
    expect(ends(eventsOf(runtime, request.jobId))).toHaveLength(1);
  });

  it('completes a failed job when its request is replayed after the cause is fixed', async () => {
    ({ runtime } = await startWithExample());
    const request = { ...jobRequest('late-household'), deadlineSeconds: 60 };
    const failed = runtime.waitForEvent(isJobEnd(request.jobId), 30_000);
    runtime.putRaw({ detailType: 'AnalysisRequested', source: 'partner.crm', detail: request });
    expect((await failed)['detail-type']).toBe('AnalysisFailed');
    await runtime.idle();

    // The cause: no portfolio was stored for the user. Store it, then replay the archive.
    const portfolio = examplePortfolio();
    await savePortfolio(runtime.db, { ...portfolio, user: { ...portfolio.user, id: 'late-household' } });
    const requested = eventsOf(runtime, request.jobId).find((e) => e['detail-type'] === 'AnalysisRequested')!;
    const completed = runtime.waitForEvent(
      (e) => e['detail-type'] === 'AnalysisCompleted' && (e.detail as { jobId: string }).jobId === request.jobId,
      30_000,
    );
    runtime.bus.putEnvelope(requested, { replayName: 'after-fix' });
    await completed;
    await runtime.idle();
    expect((await getJob(runtime.db, request.jobId))?.status).toBe('completed');
    expect(await countAnalyses(runtime.db, request.jobId)).toBe(1);

    // Replaying again changes nothing: the job is done.
    runtime.bus.putEnvelope(requested, { replayName: 'again' });
    await runtime.idle();
    expect(await countAnalyses(runtime.db, request.jobId)).toBe(1);
    expect(ends(eventsOf(runtime, request.jobId)).map((e) => e['detail-type'])).toEqual([
      'AnalysisFailed',
      'AnalysisCompleted',
    ]);
  });
});

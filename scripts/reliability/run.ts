/**
 * The reliability run: N analyses of the example portfolio through the local runtime with
 * faults on (duplicates, disorder, delays, lost acknowledgements, silent specialists, a
 * throttling model), then a replay of the whole archive. It measures what must never happen —
 * a lost job, a second consolidated write, work repeated by a replay — and what did happen.
 */
import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '#events/envelope.ts';
import { ThrottlingModel } from '#infra/local/faults.ts';
import { analysisRequest, isJobEndType } from '#infra/local/job-messages.ts';
import { seededRandom } from '#infra/local/random.ts';
import { replayArchive } from '#infra/local/replay.ts';
import { type FaultOptions, LocalRuntime } from '#infra/local/runtime.ts';
import { GuardedModel } from '#services/common/model/guard.ts';
import { OfflineModel } from '#services/common/model/offline.ts';
import { savePortfolio } from '#services/common/portfolio-store.ts';
import { referenceClassification } from '#services/tagger/reference.ts';
import { examplePortfolio } from '../bench/e2e.ts';

export interface ReliabilityOptions {
  jobs: number;
  seed: number;
  faults: Omit<FaultOptions, 'random'>;
  /** Seconds each job's specialists get before the job is finished as partial. */
  deadlineSeconds: number;
}

export const DEFAULT_FAULTS: ReliabilityOptions['faults'] = {
  duplicateRate: 0.25,
  shuffle: true,
  maxDeliveryDelayMs: 30,
  crashRate: 0.1,
  silentServices: ['reporter', 'charter', 'retirement'],
  silentRate: 0.02,
  modelThrottleRate: 0.1,
};

export interface ReliabilityReport {
  submitted: number;
  completed: number;
  partial: number;
  failed: number;
  /** Jobs with no AnalysisCompleted or AnalysisFailed: must be 0. */
  lost: number;
  /** Consolidated writes beyond one per job: must be 0. */
  duplicateWrites: number;
  /** AnalysisCompleted/AnalysisFailed beyond one per job. */
  duplicateAnnouncements: number;
  modelCalls: number;
  expectedModelCalls: number;
  throttledModelCalls: number;
  dlq: Array<{ queue: string; reason: string }>;
  replay: { replayed: number; newWrites: number; modelCalls: number; newAnnouncements: number };
  faults: ReliabilityOptions['faults'] & { seed: number; deadlineSeconds: number };
  seconds: number;
}

export async function runReliability(options: ReliabilityOptions): Promise<ReliabilityReport> {
  const started = performance.now();
  const random = seededRandom(options.seed);
  const model = new OfflineModel();
  const writes = new Map<string, number>();
  const runtime = await LocalRuntime.start({
    msPerQueueSecond: 0.2,
    model: new GuardedModel(model),
    faults: { ...options.faults, random },
    hooks: { onConsolidatedWrite: (jobId) => writes.set(jobId, (writes.get(jobId) ?? 0) + 1) },
  });
  try {
    const portfolio = examplePortfolio();
    await savePortfolio(runtime.db, portfolio);
    const ends = new Map<string, EventEnvelope[]>();
    const unsubscribe = runtime.bus.subscribe((event) => {
      // Replayed copies of old announcements are history, not new announcements.
      if (!isJobEndType(event['detail-type']) || event['replay-name']) return;
      const jobId = (event.detail as { jobId: string }).jobId;
      ends.set(jobId, [...(ends.get(jobId) ?? []), event]);
    });

    const jobIds = Array.from({ length: options.jobs }, () => randomUUID());
    const send = (jobId: string) =>
      runtime.sendJob(
        JSON.stringify(analysisRequest(portfolio.user.id, { jobId, deadlineSeconds: options.deadlineSeconds })),
      );
    // The first job goes alone and classifies the portfolio's unknown instruments; the rest come
    // in one burst. (Jobs racing to classify the same new instrument would each, rightly, ask.)
    send(jobIds[0]!);
    const firstGiveUp = Date.now() + (options.deadlineSeconds + 30) * 1000;
    while (!ends.has(jobIds[0]!) && Date.now() < firstGiveUp) await sleep(20);
    for (const jobId of jobIds.slice(1)) send(jobId);
    // Every job ends by its deadline at the latest; wait for that, then for the runtime to settle.
    const giveUp = Date.now() + (options.deadlineSeconds + 60) * 1000;
    while (jobIds.some((id) => !ends.has(id)) && Date.now() < giveUp) await sleep(50);
    await runtime.idle(120_000);

    const statusOf = (jobId: string) => {
      const first = ends.get(jobId)?.[0];
      if (!first) return 'lost';
      return first['detail-type'] === 'AnalysisFailed' ? 'failed' : (first.detail as { status: string }).status;
    };
    const statuses = jobIds.map(statusOf);
    const announcements = () => [...ends.values()].reduce((sum, list) => sum + list.length, 0);

    // Expected model calls: one report per job whose report was written, and one per instrument
    // the tagger classified with the model (it keeps what it stored, so each is asked once).
    const archive = runtime.archive.read();
    const reportsWritten = new Set(
      archive
        .filter((e) => e['detail-type'] === 'SpecialistCompleted' && (e.detail as { task: string }).task === 'report')
        .map((e) => (e.detail as { jobId: string }).jobId),
    );
    const askedTheModel = new Set<string>();
    for (const event of archive) {
      if (event['detail-type'] !== 'InstrumentsClassified') continue;
      const detail = event.detail as { instruments: Array<{ symbol: string }> };
      for (const instrument of detail.instruments)
        if (!referenceClassification(instrument.symbol)) askedTheModel.add(instrument.symbol);
    }
    const expectedModelCalls = reportsWritten.size + askedTheModel.size;
    const modelCalls = model.calls;
    const dlq = runtime
      .deadLetters()
      .map((entry) => ({ queue: entry.queue, reason: entry.message.attributes.reason ?? 'no reason recorded' }));

    // Replay the whole archive, as `alex replay` would, and measure what it changes.
    const writesBefore = sum(writes);
    const announcementsBefore = announcements();
    const replay = replayArchive(runtime, { replayName: 'reliability-replay' });
    await runtime.idle(120_000);
    unsubscribe();

    return {
      submitted: jobIds.length,
      completed: statuses.filter((s) => s === 'completed').length,
      partial: statuses.filter((s) => s === 'partial').length,
      failed: statuses.filter((s) => s === 'failed').length,
      lost: statuses.filter((s) => s === 'lost').length,
      duplicateWrites: writesBefore - writes.size,
      duplicateAnnouncements: announcementsBefore - ends.size,
      modelCalls,
      expectedModelCalls,
      throttledModelCalls:
        runtime.model instanceof GuardedModel && runtime.model.inner instanceof ThrottlingModel
          ? runtime.model.inner.throttled
          : 0,
      dlq,
      replay: {
        replayed: replay.replayed,
        newWrites: sum(writes) - writesBefore,
        modelCalls: model.calls - modelCalls,
        newAnnouncements: announcements() - announcementsBefore,
      },
      faults: { ...options.faults, seed: options.seed, deadlineSeconds: options.deadlineSeconds },
      seconds: Math.round((performance.now() - started) / 100) / 10,
    };
  } finally {
    await runtime.close();
  }
}

function sum(counts: Map<string, number>): number {
  return [...counts.values()].reduce((a, b) => a + b, 0);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Analyses of the example portfolio through the embedded local runtime (in memory, offline
 * model), submitted in overlapping waves; and the same work called directly, in process, with
 * the domain functions alone, to show what the choreography costs.
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { Detail } from '#events/catalog.ts';
import type { EventEnvelope } from '#events/envelope.ts';
import type { Classification, Task } from '#events/values.ts';
import { LocalRuntime } from '#infra/local/runtime.ts';
import type { CompletedDetail, Outcome } from '#services/aggregator/consolidate.ts';
import { consolidate } from '#services/aggregator/consolidate.ts';
import { buildCharts } from '#services/charter/domain.ts';
import { OfflineModel } from '#services/common/model/offline.ts';
import { type PortfolioFile, parsePortfolioFile } from '#services/common/portfolio-file.ts';
import type { StoredPortfolio } from '#services/common/portfolio-store.ts';
import { savePortfolio } from '#services/common/portfolio-store.ts';
import { buildSnapshot, deadlineOf, heldSymbols, unclassifiedInstruments } from '#services/planner/domain.ts';
import { writeReport } from '#services/reporter/domain.ts';
import { projectRetirement } from '#services/retirement/domain.ts';
import { classifyInstruments } from '#services/tagger/domain.ts';
import { atLeast, atMost, type BenchResult, percentile, result } from './results.ts';

export const EXAMPLE_PORTFOLIO = new URL('../../examples/portfolio.json', import.meta.url);
export const THROUGHPUT_TARGET_PER_SECOND = 50;
const E2E_ANALYSES = 200;
const E2E_WAVE = 25;
const WARM_UP_ANALYSES = 5;
export const OVERHEAD_TARGET = 3;

export function examplePortfolio(): PortfolioFile {
  return parsePortfolioFile(readFileSync(EXAMPLE_PORTFOLIO, 'utf8'));
}

/**
 * `workers`: the specialists run in worker threads, on the second core, as separate functions
 * would. The cost run should pass false: its counters wrap the main thread's DynamoDB client
 * and handlers, so the workers' DynamoDB calls would go uncounted.
 */
export async function startExampleRuntime({
  workers = true,
}: {
  workers?: boolean;
} = {}): Promise<{ runtime: LocalRuntime; portfolio: PortfolioFile }> {
  // Retries come back after a fifth of a millisecond per configured second, as in the e2e tests.
  const runtime = await LocalRuntime.start({ msPerQueueSecond: 0.2, workers });
  const portfolio = examplePortfolio();
  await savePortfolio(runtime.db, portfolio);
  return { runtime, portfolio };
}

/** Resolves each submitted job when its AnalysisCompleted (or AnalysisFailed) is on the bus. */
export class JobWatcher {
  private readonly waiting = new Map<string, (end: EventEnvelope) => void>();
  private readonly unsubscribe: () => void;

  constructor(private readonly runtime: LocalRuntime) {
    // One listener for all jobs: a waitForEvent per job would test every event against every job.
    this.unsubscribe = runtime.bus.subscribe((envelope) => {
      const type = envelope['detail-type'];
      if (type !== 'AnalysisCompleted' && type !== 'AnalysisFailed') return;
      const jobId = (envelope.detail as { jobId?: string }).jobId;
      const resolve = jobId === undefined ? undefined : this.waiting.get(jobId);
      if (!resolve) return;
      this.waiting.delete(jobId!);
      resolve(envelope);
    });
  }

  /** Sends one job as SendMessage would; resolves with its latency in milliseconds. */
  submit(userId: string, timeoutMs = 60_000): Promise<number> {
    const jobId = randomUUID();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting.delete(jobId);
        reject(new Error(`job ${jobId} did not finish within ${timeoutMs} ms`));
      }, timeoutMs);
      const submitted = performance.now();
      this.waiting.set(jobId, (end) => {
        clearTimeout(timer);
        if (end['detail-type'] !== 'AnalysisCompleted')
          reject(new Error(`job ${jobId} failed: ${JSON.stringify(end.detail)}`));
        else resolve(performance.now() - submitted);
      });
      this.runtime.sendJob(JSON.stringify({ version: 1, jobId, userId, requestedAt: new Date().toISOString() }));
    });
  }

  close(): void {
    this.unsubscribe();
  }
}

export interface LoadStats {
  jobs: number;
  wallMs: number;
  latenciesMs: number[];
}

/**
 * `jobs` analyses in waves of `waveSize`: the next wave is sent once half of the previous one
 * has finished, so the runtime always has work queued (as under real load) without one burst
 * of everything at once.
 */
export async function runLoad(
  runtime: LocalRuntime,
  userId: string,
  jobs: number,
  waveSize: number,
): Promise<LoadStats> {
  const watcher = new JobWatcher(runtime);
  try {
    const latencies: Promise<number>[] = [];
    const started = performance.now();
    for (let sent = 0; sent < jobs; ) {
      const wave: Promise<number>[] = [];
      for (let i = 0; i < waveSize && sent < jobs; i++, sent++) wave.push(watcher.submit(userId));
      latencies.push(...wave);
      if (sent < jobs) await halfOf(wave);
    }
    const latenciesMs = await Promise.all(latencies);
    return { jobs, wallMs: performance.now() - started, latenciesMs };
  } finally {
    watcher.close();
  }
}

function halfOf(promises: readonly Promise<unknown>[]): Promise<void> {
  const needed = Math.ceil(promises.length / 2);
  let done = 0;
  return new Promise((resolve, reject) => {
    for (const promise of promises) {
      promise.then(() => {
        if (++done === needed) resolve();
      }, reject);
    }
  });
}

/** The stored portfolio the planner would load, built from the file without a database. */
export function storedPortfolioOf(file: PortfolioFile): StoredPortfolio {
  return {
    user: { id: file.user.id, name: file.user.name, birthYear: file.user.birthYear },
    goals: file.goals,
    accounts: file.accounts.map((a) => ({ id: a.id, name: a.name, type: a.type, cash: a.cash })),
    positions: file.positions.map((p) => ({
      accountId: p.account,
      symbol: p.symbol,
      name: p.name ?? null,
      quantity: p.quantity,
      price: p.price ?? null,
    })),
  };
}

/**
 * One analysis with the domain functions alone: what the services compute, without the bus,
 * queues, tables, idempotency or (de)serialisation. `known` plays the instruments table: the
 * first analysis classifies the unknown instruments, later ones find them, as on the runtime.
 */
export async function analyseDirectly(
  portfolio: StoredPortfolio,
  known: Map<string, Classification>,
  model: OfflineModel,
): Promise<void> {
  const jobId = randomUUID();
  const requestedAt = new Date();
  const classifications = heldSymbols(portfolio).flatMap((symbol) => known.get(symbol) ?? []);
  const missing = unclassifiedInstruments(portfolio, classifications);
  if (missing.length > 0) {
    for (const classification of await classifyInstruments(missing, model, { jobId }))
      known.set(classification.symbol, classification);
  }
  const plannedAt = new Date();
  const snapshot = buildSnapshot(
    portfolio,
    heldSymbols(portfolio).flatMap((symbol) => known.get(symbol) ?? []),
    plannedAt,
  );
  const tasks: Task[] = ['report', 'charts', 'retirement'];
  const planned: Detail<'AnalysisPlanned'> = {
    version: 1,
    jobId,
    userId: portfolio.user.id,
    tasks,
    snapshot,
    requestedAt: requestedAt.toISOString(),
    plannedAt: plannedAt.toISOString(),
    deadline: deadlineOf(
      { version: 1, jobId, userId: portfolio.user.id, requestedAt: requestedAt.toISOString() },
      plannedAt,
    ),
  };
  const completed = (task: Task, result: unknown): Outcome => ({
    kind: 'completed',
    detail: {
      version: 1,
      jobId,
      task,
      result,
      completedAt: new Date().toISOString(),
      durationMs: 0,
    } as CompletedDetail,
  });
  const outcomes = new Map<Task, Outcome>([
    ['report', completed('report', await writeReport(snapshot, model, { jobId }))],
    ['charts', completed('charts', buildCharts(snapshot))],
    ['retirement', completed('retirement', projectRetirement(snapshot))],
  ]);
  consolidate(planned, outcomes, new Date());
}

/** Wall time of `count` direct analyses, one after another, after `warmups` unmeasured ones. */
export async function runDirect(file: PortfolioFile, count: number, warmups: number): Promise<number> {
  const portfolio = storedPortfolioOf(file);
  const known = new Map<string, Classification>();
  for (const instrument of file.instruments) known.set(instrument.symbol, { ...instrument, source: 'portfolio' });
  const model = new OfflineModel();
  for (let i = 0; i < warmups; i++) await analyseDirectly(portfolio, known, model);
  const started = performance.now();
  for (let i = 0; i < count; i++) await analyseDirectly(portfolio, known, model);
  return performance.now() - started;
}

export function e2eResults(load: LoadStats, directMs: number): BenchResult[] {
  const { latenciesMs } = load;
  return [
    result(
      'e2e.analysesPerSecond',
      load.jobs / (load.wallMs / 1000),
      'analyses/s',
      atLeast(THROUGHPUT_TARGET_PER_SECOND),
      1,
    ),
    result('e2e.latencyP50Ms', percentile(latenciesMs, 50), 'ms', undefined, 1),
    result('e2e.latencyP95Ms', percentile(latenciesMs, 95), 'ms', undefined, 1),
    result('e2e.latencyP99Ms', percentile(latenciesMs, 99), 'ms', undefined, 1),
    result('e2e.choreographyOverhead', load.wallMs / directMs, 'x direct in-process', atMost(OVERHEAD_TARGET)),
  ];
}

/**
 * The end-to-end figures: warm-up, then E2E_ANALYSES analyses in waves on a runtime with worker
 * threads, its peak RSS, and the same analyses called directly for the overhead.
 */
export async function measureEndToEnd(
  progress: (message: string) => void,
): Promise<{ results: BenchResult[]; note: string }> {
  progress('starting the local runtime');
  const { runtime, portfolio } = await startExampleRuntime();
  try {
    progress(`end to end: ${WARM_UP_ANALYSES} warm-up analyses, then ${E2E_ANALYSES} in waves of ${E2E_WAVE}`);
    await runLoad(runtime, portfolio.user.id, WARM_UP_ANALYSES, WARM_UP_ANALYSES);
    await runtime.idle();
    // The runtime's threads (workers, dynalite) share this process, so its RSS is the whole runtime's.
    let peakRss = process.memoryUsage.rss();
    const sampler = setInterval(() => {
      peakRss = Math.max(peakRss, process.memoryUsage.rss());
    }, 25);
    const load = await runLoad(runtime, portfolio.user.id, E2E_ANALYSES, E2E_WAVE);
    await runtime.idle();
    clearInterval(sampler);
    progress(`the same ${E2E_ANALYSES} analyses called directly`);
    const directMs = await runDirect(portfolio, E2E_ANALYSES, WARM_UP_ANALYSES);
    return {
      results: [...e2eResults(load, directMs), result('e2e.peakRssMb', peakRss / 1_000_000, 'MB', undefined, 0)],
      note: `End to end: ${E2E_ANALYSES} analyses in ${(load.wallMs / 1000).toFixed(2)} s; directly in process: ${(directMs / 1000).toFixed(2)} s (${(directMs / E2E_ANALYSES).toFixed(1)} ms each).`,
    };
  } finally {
    await runtime.idle().catch(() => undefined);
    await runtime.close();
  }
}

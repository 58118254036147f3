/**
 * e2e.largePortfolioMs: one analysis of a portfolio at the file's limits (2,000 positions in 50
 * accounts, every symbol distinct and unknown: test/support/large-portfolio.ts), from the request
 * to its AnalysisCompleted, on a fresh local runtime with the specialists in worker threads. It
 * includes classifying the 2,000 instruments (20 requests) and the claim checks of its snapshot
 * and results. Target: half a job's default deadline (300 s), so such a job finishes in time
 * even on a machine twice as slow or twice as loaded.
 */
import { randomUUID } from 'node:crypto';
import { analysisRequest, isJobEnd } from '#infra/local/job-messages.ts';
import { LocalRuntime } from '#infra/local/runtime.ts';
import { parsePortfolioFile } from '#services/common/portfolio-file.ts';
import { savePortfolio } from '#services/common/portfolio-store.ts';
import { largePortfolio } from '#test/support/large-portfolio.ts';
import { atMost, type BenchResult, result } from './results.ts';

export const LARGE_PORTFOLIO_TARGET_MS = 150_000;

export async function measureLargePortfolio(): Promise<{ ms: number; status: string }> {
  const runtime = await LocalRuntime.start({ msPerQueueSecond: 0.2, workers: true });
  try {
    const portfolio = parsePortfolioFile(JSON.stringify(largePortfolio()));
    await savePortfolio(runtime.db, portfolio);
    const jobId = randomUUID();
    const end = runtime.waitForEvent(isJobEnd(jobId), 600_000);
    const started = performance.now();
    runtime.sendJob(JSON.stringify(analysisRequest(portfolio.user.id, { jobId, deadlineSeconds: 600 })));
    const envelope = await end;
    const ms = performance.now() - started;
    const status =
      envelope['detail-type'] === 'AnalysisFailed' ? 'failed' : (envelope.detail as { status: string }).status;
    await runtime.idle(120_000);
    return { ms, status };
  } finally {
    await runtime.close();
  }
}

export function largePortfolioResults(measured: { ms: number; status: string }): BenchResult[] {
  // A valid portfolio that does not complete is a fault, not a slow figure.
  if (measured.status !== 'completed')
    throw new Error(`e2e.largePortfolioMs: the analysis ended ${measured.status}, not completed`);
  return [result('e2e.largePortfolioMs', measured.ms, 'ms', atMost(LARGE_PORTFOLIO_TARGET_MS), 0)];
}

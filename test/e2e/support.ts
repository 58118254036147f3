/** Shared setup for end-to-end tests: a local runtime in memory with the example portfolio loaded. */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Detail } from '#events/catalog.ts';
import type { EventEnvelope } from '#events/envelope.ts';
import { analysisRequest, isJobEnd } from '#infra/local/job-messages.ts';
import { LocalRuntime, type LocalRuntimeOptions } from '#infra/local/runtime.ts';
import { type PortfolioFile, parsePortfolioFile } from '#services/common/portfolio-file.ts';
import { savePortfolio } from '#services/common/portfolio-store.ts';

export const EXAMPLE_PATH = fileURLToPath(new URL('../../examples/portfolio.json', import.meta.url));

export function examplePortfolio(): PortfolioFile {
  return parsePortfolioFile(readFileSync(EXAMPLE_PATH, 'utf8'));
}

export async function startWithExample(options: LocalRuntimeOptions = {}) {
  const runtime = await LocalRuntime.start({ msPerQueueSecond: 0.2, ...options });
  const portfolio = examplePortfolio();
  await savePortfolio(runtime.db, portfolio);
  return { runtime, portfolio };
}

export function jobRequest(userId: string, jobId?: string): Detail<'AnalysisRequested'> {
  return analysisRequest(userId, { jobId });
}

export { isJobEnd };

/** Every event about one job that went over the bus, in order. */
export function eventsOf(runtime: LocalRuntime, jobId: string): EventEnvelope[] {
  return runtime.archive.read().filter((e) => (e.detail as { jobId?: string }).jobId === jobId);
}

/** A seeded generator, so shuffles are reproducible. */
export { seededRandom as seeded } from '#infra/local/random.ts';

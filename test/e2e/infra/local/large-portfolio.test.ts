/**
 * Valid means it will work: a portfolio with more unknown instruments than one
 * ClassificationRequested holds is classified in batches and completes, once, even when every
 * event is delivered twice in shuffled order.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { Detail } from '#events/catalog.ts';
import { LocalRuntime } from '#infra/local/runtime.ts';
import { countAnalyses } from '#services/aggregator/analysis-store.ts';
import { plannedSnapshot } from '#services/common/claim-check.ts';
import { getJob } from '#services/common/job-store.ts';
import { type PortfolioFile, parsePortfolioFile } from '#services/common/portfolio-file.ts';
import { savePortfolio } from '#services/common/portfolio-store.ts';
import { eventsOf, examplePortfolio, isJobEnd, jobRequest, seeded } from '../../support.ts';

let runtime: LocalRuntime | undefined;
afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
});

/** "QZAAA", "QZAAB", …: valid tickers that neither the reference data nor the example holds. */
function unknownSymbol(n: number): string {
  let letters = '';
  for (let i = 0; i < 3; i++, n = Math.floor(n / 26)) letters = String.fromCharCode(65 + (n % 26)) + letters;
  return `QZ${letters}`;
}

/** The example's owner and goals, with `accounts` accounts holding `symbols` distinct unknown symbols. */
function largePortfolio(accounts: number, symbols: number): PortfolioFile {
  const example = examplePortfolio();
  const ids = Array.from({ length: accounts }, (_, i) => `acct-${i}`);
  return parsePortfolioFile(
    JSON.stringify({
      user: { ...example.user, id: `large-${accounts}-${symbols}` },
      goals: example.goals,
      accounts: ids.map((id) => ({ id, name: `Account ${id}`, type: 'taxable', cash: 100 })),
      positions: Array.from({ length: symbols }, (_, i) => ({
        account: ids[i % accounts],
        symbol: unknownSymbol(i),
        quantity: 2,
        price: 5,
      })),
    }),
  );
}

async function analyse(portfolio: PortfolioFile, options: Parameters<typeof LocalRuntime.start>[0] = {}) {
  runtime = await LocalRuntime.start({ msPerQueueSecond: 0.2, ...options });
  await savePortfolio(runtime.db, portfolio);
  const request = jobRequest(portfolio.user.id);
  const done = runtime.waitForEvent(isJobEnd(request.jobId), 120_000);
  runtime.sendJob(JSON.stringify(request));
  const end = await done;
  await runtime.idle();
  return { runtime, request, end, events: eventsOf(runtime, request.jobId) };
}

function ofType<D extends 'ClassificationRequested' | 'AnalysisPlanned'>(
  events: ReturnType<typeof eventsOf>,
  type: D,
): Array<Detail<D>> {
  return events.filter((e) => e['detail-type'] === type).map((e) => e.detail as Detail<D>);
}

describe('a portfolio with more unknown instruments than one classification request holds', () => {
  it('classifies 101 distinct unknown symbols in two requests and plans the job once, despite duplicates and shuffling', async () => {
    const portfolio = largePortfolio(1, 101);
    const { runtime, request, end, events } = await analyse(portfolio, {
      faults: { duplicateRate: 1, shuffle: true, random: seeded(7) },
    });
    expect(end['detail-type']).toBe('AnalysisCompleted');
    expect(runtime.deadLetters()).toEqual([]);

    // 101 symbols at 100 a request: two requests, 100 and 1, together each symbol once.
    const requested = ofType(events, 'ClassificationRequested');
    const distinctRequests = new Map(requested.map((r) => [r.instruments.map((i) => i.symbol).join(','), r]));
    expect([...distinctRequests.values()].map((r) => r.instruments.length).sort((a, b) => a - b)).toEqual([1, 100]);
    const symbols = [...distinctRequests.values()].flatMap((r) => r.instruments.map((i) => i.symbol));
    expect(symbols.sort()).toEqual(portfolio.positions.map((p) => p.symbol).sort());

    // Exactly one plan went out, after every instrument was stored by the tagger: none carries
    // the planner's "nothing stored" marker (the offline model leaves these made-up symbols
    // unclassified, which is its stored answer).
    const planned = ofType(events, 'AnalysisPlanned');
    expect(new Set(planned.map((p) => p.plannedAt)).size).toBe(1);
    expect(planned[0]!.snapshot!.instruments).toHaveLength(101);
    expect(
      planned[0]!.snapshot!.instruments.filter((i) => i.rationale.includes('No classification was stored')),
    ).toEqual([]);
    expect(await countAnalyses(runtime.db, request.jobId)).toBe(1);
    expect((await getJob(runtime.db, request.jobId))?.status).toBe('completed');
  });

  it('completes 500 distinct unknown symbols across 50 accounts, classified in five requests', async () => {
    const portfolio = largePortfolio(50, 500);
    const { runtime, request, end, events } = await analyse(portfolio);
    expect(end['detail-type']).toBe('AnalysisCompleted');
    expect(runtime.deadLetters()).toEqual([]);
    expect(ofType(events, 'ClassificationRequested').map((r) => r.instruments.length)).toEqual([
      100, 100, 100, 100, 100,
    ]);
    const planned = ofType(events, 'AnalysisPlanned');
    expect(planned).toHaveLength(1);
    // About 205 KB of snapshot: over the 128 KiB a field may take inline, so it went by reference.
    expect(planned[0]!.snapshot).toBeUndefined();
    const snapshot = await plannedSnapshot(runtime.payloads, planned[0]!);
    expect(snapshot.positions).toHaveLength(500);
    expect(await countAnalyses(runtime.db, request.jobId)).toBe(1);
  }, 60_000);

  // About 410 bytes a made-up symbol (a position and its stored "unclassified" answer): 700 of
  // them are over the 128 KiB a detail field may take inline, so the snapshot travels by
  // reference (claim check) and the specialists and the aggregator fetch it.
  it('analyses a portfolio whose snapshot is too large for one event, the snapshot going by reference', async () => {
    const portfolio = largePortfolio(50, 700);
    const { runtime, request, end, events } = await analyse(portfolio);
    expect(end['detail-type']).toBe('AnalysisCompleted');
    expect((end.detail as Detail<'AnalysisCompleted'>).status).toBe('completed');
    expect(runtime.deadLetters()).toEqual([]);
    const [planned, ...more] = ofType(events, 'AnalysisPlanned');
    expect(more).toEqual([]);
    expect(planned!.snapshot).toBeUndefined();
    expect(planned!.snapshotRef!.bytes).toBeGreaterThan(128 * 1024);
    expect((await getJob(runtime.db, request.jobId))?.status).toBe('completed');
  }, 60_000);
});

describe('portfolios at the edges of what the validator accepts', () => {
  const example = examplePortfolio();
  const year = new Date().getUTCFullYear();
  it.each([
    [
      'every yearly amount at its $1,000,000,000 limit',
      { annualContribution: 1e9, annualSpending: 1e9, otherIncome: 1e9 },
      {},
    ],
    ['an owner already past retirement age, one year short of life expectancy', {}, { birthYear: year - 94 }],
  ])(
    'completes with %s',
    async (_name, goals, user) => {
      const portfolio = parsePortfolioFile(
        JSON.stringify({ ...example, user: { ...example.user, ...user }, goals: { ...example.goals, ...goals } }),
      );
      const { runtime, request, end } = await analyse(portfolio);
      expect(end['detail-type']).toBe('AnalysisCompleted');
      expect(runtime.deadLetters()).toEqual([]);
      expect(await countAnalyses(runtime.db, request.jobId)).toBe(1);
    },
    60_000,
  );
});

/**
 * The consolidated analysis from a hand-made plan and outcomes: status, what is missing and why,
 * the timeline's order, and the portfolio section's totals and percents (worked out below).
 */
import { describe, expect, it } from 'vitest';
import type { Detail } from '#events/catalog.ts';
import type { Task } from '#events/values.ts';
import { ConsolidatedAnalysis, consolidate, finalStatusOf, type Outcome } from '#services/aggregator/consolidate.ts';

// Cash 100 in a1; VTI 566.667 in a1, BND 333.333 and an unpriced XYZ in a2. Total 1,000.
const snapshot = {
  userId: 'u1',
  asOf: '2026-11-21T09:29:08.000Z',
  currency: 'USD',
  owner: { name: 'Ada', birthYear: 1980 },
  goals: {},
  accounts: [
    { id: 'a1', name: 'Brokerage', type: 'taxable', cash: 100 },
    { id: 'a2', name: 'IRA', type: 'ira', cash: 0 },
    { id: 'a3', name: 'Empty', type: 'taxable', cash: 0 },
  ],
  positions: [
    { accountId: 'a1', symbol: 'VTI', quantity: 2, price: 283.3335, priceSource: 'file', value: 566.667 },
    { accountId: 'a2', symbol: 'BND', quantity: 1, price: 333.333, priceSource: 'file', value: 333.333 },
    { accountId: 'a2', symbol: 'XYZ', quantity: 5, price: null, priceSource: 'missing', value: 0 },
  ],
  instruments: [
    { symbol: 'VTI', name: 'Vanguard Total Stock Market ETF' },
    { symbol: 'BND', name: 'Vanguard Total Bond Market ETF' },
  ],
};

const planned = {
  version: 1,
  jobId: 'job-1',
  userId: 'u1',
  tasks: ['report', 'charts', 'retirement'],
  snapshot,
  requestedAt: '2026-11-21T09:29:00.000Z',
  plannedAt: '2026-11-21T09:29:10.000Z',
  deadline: '2026-11-21T09:34:10.000Z',
} as unknown as Detail<'AnalysisPlanned'>;

const completed = (task: Task, result: unknown, completedAt: string, durationMs: number): Outcome =>
  ({ kind: 'completed', detail: { task, result, completedAt, durationMs } }) as unknown as Outcome;
const failed = (task: Task, failedAt: string, code: string, message: string): Outcome =>
  ({ kind: 'failed', detail: { task, failedAt, error: { code, message } } }) as unknown as Outcome;

const report = { markdown: '# Report' };
const charts = [{ id: 'allocation' }];
const retirement = { successProbability: 0.9 };
const completedAt = new Date('2026-11-21T09:34:10.000Z');

describe('finalStatusOf', () => {
  it('is completed when every planned task completed, failed when none did, partial otherwise', () => {
    const done = new Map<Task, Outcome>([['report', completed('report', report, 't', 1)]]);
    expect(finalStatusOf(['report'], done)).toBe('completed');
    expect(finalStatusOf(['report', 'charts'], done)).toBe('partial');
    expect(finalStatusOf(['charts'], done)).toBe('failed');
    const failedOnly = new Map<Task, Outcome>([['report', failed('report', 't', 'X', 'y')]]);
    expect(finalStatusOf(['report'], failedOnly)).toBe('failed');
  });
});

describe('consolidate', () => {
  it('keeps each completed result, and says why each other task is missing', () => {
    const outcomes = new Map<Task, Outcome>([
      ['report', completed('report', report, '2026-11-21T09:31:00.000Z', 1_200)],
      ['charts', failed('charts', '2026-11-21T09:30:30.000Z', 'NoPricedPositions', 'nothing is priced')],
    ]);
    const analysis = consolidate(planned, outcomes, completedAt, 'the deadline passed');
    expect(analysis).toMatchObject({
      jobId: 'job-1',
      userId: 'u1',
      status: 'partial',
      requestedAt: '2026-11-21T09:29:00.000Z',
      plannedAt: '2026-11-21T09:29:10.000Z',
      completedAt: '2026-11-21T09:34:10.000Z',
    });
    expect(analysis.missing).toEqual([
      { task: 'charts', reason: 'NoPricedPositions: nothing is priced' },
      { task: 'retirement', reason: 'the deadline passed' },
    ]);
    expect(analysis.report).toEqual(report);
    expect(analysis.charts).toEqual([]);
    expect(analysis.retirement).toBeNull();
    expect(analysis.classification).toEqual(snapshot.instruments);
  });

  it('takes every result when all tasks completed', () => {
    const outcomes = new Map<Task, Outcome>([
      ['retirement', completed('retirement', retirement, '2026-11-21T09:30:03.000Z', 3)],
      ['charts', completed('charts', { charts }, '2026-11-21T09:30:02.000Z', 2)],
      ['report', completed('report', report, '2026-11-21T09:30:01.000Z', 1)],
    ]);
    const analysis = consolidate(planned, outcomes, completedAt);
    expect(analysis.status).toBe('completed');
    expect(analysis.missing).toEqual([]);
    expect([analysis.report, analysis.charts, analysis.retirement]).toEqual([report, charts, retirement]);
    expect(analysis.timeline.at(-1)).toEqual({ detailType: 'AnalysisCompleted', time: '2026-11-21T09:34:10.000Z' });
  });

  it('never takes a result filed under another task', () => {
    const outcomes = new Map<Task, Outcome>([['report', completed('charts', { charts }, 't', 1)]]);
    const analysis = consolidate(planned, outcomes, completedAt);
    expect(analysis.report).toBeNull();
    expect(analysis.charts).toEqual([]);
  });

  it('says "no result arrived" by default, and ends a job with no result in AnalysisFailed', () => {
    const analysis = consolidate(planned, new Map(), completedAt);
    expect(analysis.status).toBe('failed');
    expect(analysis.missing.map((m) => m.reason)).toEqual([
      'no result arrived',
      'no result arrived',
      'no result arrived',
    ]);
    expect(analysis.timeline.at(-1)).toEqual({ detailType: 'AnalysisFailed', time: '2026-11-21T09:34:10.000Z' });
  });

  it('orders the timeline by time, with the classification steps right after the request', () => {
    const outcomes = new Map<Task, Outcome>([
      ['report', completed('report', report, '2026-11-21T09:31:00.000Z', 1_200)],
      ['charts', failed('charts', '2026-11-21T09:30:30.000Z', 'NoPricedPositions', 'nothing is priced')],
    ]);
    // Given in the wrong order, with whole-second times that sort after the plan.
    const steps = [
      { detailType: 'InstrumentsClassified', at: '2026-11-21T09:29:20Z', note: '1 instrument' },
      { detailType: 'ClassificationRequested', at: '2026-11-21T09:29:20Z' },
    ];
    const { timeline } = consolidate(planned, outcomes, completedAt, 'the deadline passed', steps);
    expect(timeline).toEqual([
      { detailType: 'AnalysisRequested', time: '2026-11-21T09:29:00.000Z' },
      { detailType: 'ClassificationRequested', time: '2026-11-21T09:29:20Z' },
      { detailType: 'InstrumentsClassified', time: '2026-11-21T09:29:20Z', note: '1 instrument' },
      { detailType: 'AnalysisPlanned', time: '2026-11-21T09:29:10.000Z', note: 'tasks: report, charts, retirement' },
      { detailType: 'SpecialistFailed', time: '2026-11-21T09:30:30.000Z', task: 'charts', note: 'NoPricedPositions' },
      { detailType: 'SpecialistCompleted', time: '2026-11-21T09:31:00.000Z', task: 'report', note: '1200 ms' },
      { detailType: 'AnalysisCompleted', time: '2026-11-21T09:34:10.000Z' },
    ]);
  });

  it('values the portfolio: totals, each account with its cash, each position’s name and percent', () => {
    const { portfolio } = consolidate(planned, new Map(), completedAt);
    expect(portfolio).toMatchObject({
      asOf: '2026-11-21T09:29:08.000Z',
      currency: 'USD',
      owner: { name: 'Ada', birthYear: 1980 },
      totalValue: 1_000, // 566.667 + 333.333 + 100 cash
      investedValue: 900,
      cashValue: 100,
    });
    expect(portfolio.accounts.map((a) => [a.id, a.value])).toEqual([
      ['a1', 666.67], // 100 cash + VTI, in cents
      ['a2', 333.33],
      ['a3', 0],
    ]);
    expect(portfolio.accounts[0]).toEqual({ id: 'a1', name: 'Brokerage', type: 'taxable', cash: 100, value: 666.67 });
    // 56.6667% and 33.3333% to two places; the unpriced position is worth nothing.
    expect(portfolio.positions.map((p) => [p.symbol, p.name, p.percent])).toEqual([
      ['VTI', 'Vanguard Total Stock Market ETF', 56.67],
      ['BND', 'Vanguard Total Bond Market ETF', 33.33],
      ['XYZ', 'XYZ', 0],
    ]);
    expect(portfolio.positions[2]).toMatchObject({ quantity: 5, price: null, priceSource: 'missing', value: 0 });
  });

  it('rounds the totals to cents and gives every position 0% of an empty portfolio', () => {
    const cents = {
      ...planned,
      snapshot: {
        ...snapshot,
        accounts: [{ id: 'a1', name: 'B', type: 'taxable', cash: 0.004 }],
        positions: [{ accountId: 'a1', symbol: 'VTI', quantity: 1, price: 10.006, priceSource: 'file', value: 10.006 }],
      },
    } as unknown as Detail<'AnalysisPlanned'>;
    const { portfolio } = consolidate(cents, new Map(), completedAt);
    expect([portfolio.totalValue, portfolio.investedValue, portfolio.cashValue]).toEqual([10.01, 10.01, 0]);

    const empty = {
      ...planned,
      snapshot: { ...snapshot, accounts: [{ id: 'a1', name: 'B', type: 'taxable', cash: 0 }], positions: [] },
    } as unknown as Detail<'AnalysisPlanned'>;
    expect(consolidate(empty, new Map(), completedAt).portfolio.totalValue).toBe(0);
    const unpriced = {
      ...planned,
      snapshot: { ...snapshot, accounts: [], positions: [snapshot.positions[2]] },
    } as unknown as Detail<'AnalysisPlanned'>;
    expect(consolidate(unpriced, new Map(), completedAt).portfolio.positions[0]!.percent).toBe(0);
  });

  it('adds no step to the timeline when none is given', () => {
    const { timeline } = consolidate(planned, new Map(), completedAt);
    expect(timeline.map((entry) => entry.detailType)).toEqual([
      'AnalysisRequested',
      'AnalysisPlanned',
      'AnalysisFailed',
    ]);
  });

  it('puts the steps after the request even when a clock put an outcome before it', () => {
    const early = new Map<Task, Outcome>([['charts', failed('charts', '2026-11-21T09:28:59.000Z', 'X', 'y')]]);
    const steps = [{ detailType: 'ClassificationRequested', at: '2026-11-21T09:29:01Z' }];
    const { timeline } = consolidate(planned, early, completedAt, undefined, steps);
    expect(timeline.map((entry) => entry.detailType)).toEqual([
      'SpecialistFailed',
      'AnalysisRequested',
      'ClassificationRequested',
      'AnalysisPlanned',
      'AnalysisFailed',
    ]);
  });

  it('refuses a plan whose snapshot was not fetched yet, naming the job', () => {
    const byReference = { ...planned, snapshot: undefined } as unknown as Detail<'AnalysisPlanned'>;
    expect(() => consolidate(byReference, new Map(), completedAt)).toThrow(
      "consolidate: job job-1's snapshot must be fetched (snapshotRef) first",
    );
  });
});

describe('the ConsolidatedAnalysis schema', () => {
  const stored = () =>
    consolidate({ ...planned, snapshot: { ...snapshot, instruments: [] } } as never, new Map(), completedAt);

  it('accepts what consolidate produces', () => {
    expect(ConsolidatedAnalysis.parse(stored())).toEqual(stored());
  });

  it('refuses an analysis missing any part the API and the web read', () => {
    const analysis = stored();
    const broken: unknown[] = [
      { ...analysis, status: 'done' },
      { ...analysis, missing: [{ task: 'report' }] },
      { ...analysis, portfolio: { ...analysis.portfolio, owner: { name: 'Ada' } } },
      { ...analysis, portfolio: { ...analysis.portfolio, totalValue: undefined } },
      { ...analysis, portfolio: { ...analysis.portfolio, accounts: [{ id: 'a1' }] } },
      { ...analysis, portfolio: { ...analysis.portfolio, positions: [{ symbol: 'VTI' }] } },
      { ...analysis, timeline: [{ detailType: 'AnalysisRequested' }] },
    ];
    for (const value of broken)
      expect(ConsolidatedAnalysis.safeParse(value).success, JSON.stringify(value).slice(0, 80)).toBe(false);
    for (const status of ['completed', 'partial', 'failed'])
      expect(ConsolidatedAnalysis.safeParse({ ...analysis, status }).success, status).toBe(true);
  });
});

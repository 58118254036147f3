/**
 * Comparing two analyses: allocation changes in percentage points (a class missing from one side's
 * chart is 0% there; a side without the chart is unknown, never 0), the change in success
 * probability, and recommendations added, removed and kept. Expected values worked by hand.
 */
import { describe, expect, it } from 'vitest';
import { compareAnalyses } from '#infra/web/compare.ts';
import type { ConsolidatedAnalysis } from '#services/aggregator/consolidate.ts';

function analysis(options: {
  jobId: string;
  allocation?: Array<[string, number, number?]>;
  success?: number;
  recommendations?: string[];
}): ConsolidatedAnalysis {
  const charts = options.allocation
    ? [
        {
          id: 'asset-class',
          type: 'donut' as const,
          title: 'Asset classes',
          description: '',
          unit: 'USD' as const,
          data: options.allocation.map(([label, value, percent]) => ({ label, value, percent })),
        },
      ]
    : [];
  return {
    jobId: options.jobId,
    completedAt: '2026-11-29T12:00:00.000Z',
    portfolio: { totalValue: 100_000 },
    charts,
    retirement: options.success === undefined ? null : { successProbability: options.success },
    report: {
      recommendations: (options.recommendations ?? []).map((title) => ({ title })),
    },
  } as unknown as ConsolidatedAnalysis;
}

describe('compareAnalyses', () => {
  it('reports each asset class’s change in points, largest first, a class absent on one side counting as 0%', () => {
    const a = analysis({
      jobId: 'a',
      allocation: [
        ['Equity', 60_000, 60],
        ['Fixed income', 30_000, 30],
        ['Cash', 10_000, 10],
      ],
    });
    const b = analysis({
      jobId: 'b',
      allocation: [
        ['Equity', 70_000, 70],
        ['Fixed income', 25_000, 25],
        ['Real estate', 5_000, 5],
      ],
    });
    expect(compareAnalyses(a, b).allocation).toEqual([
      { label: 'Cash', a: 10, b: 0, change: -10 },
      { label: 'Equity', a: 60, b: 70, change: 10 },
      { label: 'Fixed income', a: 30, b: 25, change: -5 },
      { label: 'Real estate', a: 0, b: 5, change: 5 },
    ]);
  });

  it('computes shares from the values when the chart gives no percent', () => {
    // 30,000 of 40,000 = 75%, 10,000 = 25%; then 50/50.
    const a = analysis({
      jobId: 'a',
      allocation: [
        ['Equity', 30_000],
        ['Cash', 10_000],
      ],
    });
    const b = analysis({
      jobId: 'b',
      allocation: [
        ['Equity', 5_000],
        ['Cash', 5_000],
      ],
    });
    expect(compareAnalyses(a, b).allocation).toEqual([
      { label: 'Cash', a: 25, b: 50, change: 25 },
      { label: 'Equity', a: 75, b: 50, change: -25 },
    ]);
  });

  it('says unknown, not 0%, for a side whose analysis has no allocation chart', () => {
    const a = analysis({ jobId: 'a', allocation: [['Equity', 1, 100]] });
    const b = analysis({ jobId: 'b' });
    expect(compareAnalyses(a, b).allocation).toEqual([{ label: 'Equity', a: 100, b: null, change: null }]);
  });

  it('gives the change in success probability, and null when either side has no projection', () => {
    const change = compareAnalyses(analysis({ jobId: 'a', success: 0.82 }), analysis({ jobId: 'b', success: 0.9 }));
    expect(change.successProbability).toEqual({ a: 0.82, b: 0.9, change: 0.08 });
    const unknown = compareAnalyses(analysis({ jobId: 'a', success: 0.82 }), analysis({ jobId: 'b' }));
    expect(unknown.successProbability).toEqual({ a: 0.82, b: null, change: null });
  });

  it('lists recommendations added, removed and kept, by title', () => {
    const a = analysis({ jobId: 'a', recommendations: ['Rebalance', 'Lower fees'] });
    const b = analysis({ jobId: 'b', recommendations: ['Lower fees', 'Add bonds'] });
    expect(compareAnalyses(a, b).recommendations).toEqual({
      added: ['Add bonds'],
      removed: ['Rebalance'],
      kept: ['Lower fees'],
    });
  });
});

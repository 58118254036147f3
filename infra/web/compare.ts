/**
 * Two analyses side by side: what changed in the allocation by asset class (percentage points),
 * in the chance the money lasts, and in the recommendations (by title). Pure; the route loads
 * both analyses for the caller and the dashboard renders the answer.
 */
import type { ConsolidatedAnalysis } from '#services/aggregator/consolidate.ts';

const ASSET_CLASS_CHART = 'asset-class';

export interface Comparison {
  a: ComparedSide;
  b: ComparedSide;
  allocation: Array<{ label: string; a: number | null; b: number | null; change: number | null }>;
  successProbability: { a: number | null; b: number | null; change: number | null };
  recommendations: { added: string[]; removed: string[]; kept: string[] };
}

interface ComparedSide {
  jobId: string;
  completedAt: string;
  totalValue: number;
}

/** `a` is the earlier analysis by convention; changes read as b − a. */
export function compareAnalyses(a: ConsolidatedAnalysis, b: ConsolidatedAnalysis): Comparison {
  const shareA = allocation(a);
  const shareB = allocation(b);
  const labels = [...new Set([...(shareA?.keys() ?? []), ...(shareB?.keys() ?? [])])];
  // A class absent from one side's chart is 0% there; a side without the chart is unknown, never 0.
  const rows = labels.map((label) => {
    const before = shareA ? (shareA.get(label) ?? 0) : null;
    const after = shareB ? (shareB.get(label) ?? 0) : null;
    return { label, a: before, b: after, change: before === null || after === null ? null : round(after - before, 2) };
  });
  rows.sort((x, y) => Math.abs(y.change ?? 0) - Math.abs(x.change ?? 0) || x.label.localeCompare(y.label));
  const successA = a.retirement?.successProbability ?? null;
  const successB = b.retirement?.successProbability ?? null;
  const titlesA = new Set((a.report?.recommendations ?? []).map((r) => r.title));
  const titlesB = new Set((b.report?.recommendations ?? []).map((r) => r.title));
  return {
    a: side(a),
    b: side(b),
    allocation: rows,
    successProbability: {
      a: successA,
      b: successB,
      change: successA === null || successB === null ? null : round(successB - successA, 4),
    },
    recommendations: {
      added: [...titlesB].filter((title) => !titlesA.has(title)),
      removed: [...titlesA].filter((title) => !titlesB.has(title)),
      kept: [...titlesB].filter((title) => titlesA.has(title)),
    },
  };
}

function side(analysis: ConsolidatedAnalysis): ComparedSide {
  return { jobId: analysis.jobId, completedAt: analysis.completedAt, totalValue: analysis.portfolio.totalValue };
}

/** Percent of the portfolio by asset class, from the charter's chart; null when the analysis has none. */
function allocation(analysis: ConsolidatedAnalysis): Map<string, number> | null {
  const chart = analysis.charts.find((c) => c.id === ASSET_CLASS_CHART);
  if (!chart) return null;
  const shares = new Map<string, number>();
  const total = chart.data.reduce((sum, datum) => sum + datum.value, 0);
  for (const datum of chart.data) {
    const percent = datum.percent ?? (total > 0 ? (datum.value / total) * 100 : 0);
    shares.set(datum.label, round(percent, 2));
  }
  return shares;
}

function round(value: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round(value * f) / f;
}

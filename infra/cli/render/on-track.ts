/**
 * "On track?": the lines a report leads with — the chance the money lasts under each assumption
 * set, sustainable against planned spending, the uncertainty from unclassified holdings, and the
 * main action. Figures are rounded here once (whole percents, whole dollars), for both the HTML
 * and the markdown report, so no page shows 96.7% beside 97%.
 */
import type { Recommendation, RetirementResult } from '#events/values.ts';
import { formatUsd } from './svg-charts.ts';

export interface OnTrackLine {
  label: string;
  value: string;
}

export interface OnTrack {
  verdict: string;
  lines: OnTrackLine[];
  warning: string | null;
  action: string | null;
}

/** A probability (0..1) as a whole percent: the one rounding rule for success figures. */
export function successPercent(probability: number): string {
  return `${Math.round(probability * 100)}%`;
}

export function onTrack(
  retirement: RetirementResult | null | undefined,
  recommendations: readonly Recommendation[] = [],
): OnTrack | null {
  const outlook = retirement?.outlook;
  if (!retirement || !outlook) return null;
  const primary = outlook.scenarios.find((s) => s.id === outlook.primary) ?? outlook.scenarios[0]!;
  const lines: OnTrackLine[] = outlook.scenarios.map((s) => ({
    label: `Chance the money lasts — ${s.label}`,
    value:
      successPercent(s.successProbability) +
      (s.successRange && Math.round(s.successRange.low * 100) !== Math.round(s.successRange.high * 100)
        ? ` (${successPercent(s.successRange.low)}–${successPercent(s.successRange.high)} depending on what the unclassified holdings are)`
        : ''),
  }));
  for (const s of outlook.scenarios) {
    if (s.sustainableSpending === null) continue;
    lines.push({
      label: `Sustainable spending (90% success) — ${s.label}`,
      value: `${formatUsd(s.sustainableSpending)} a year, against ${formatUsd(outlook.plannedSpending)} planned`,
    });
  }
  lines.push({
    label: 'In a poor case (1 in 10) the money lasts to age',
    value: String(Math.floor(primary.moneyLastsToAgeP10)),
  });
  if (outlook.fees.annualCost > 0) {
    lines.push({
      label: 'Fund costs',
      value: `${outlook.fees.weightedExpenseRatioPercent.toFixed(2)}% a year: ${formatUsd(outlook.fees.annualCost)} this year, about ${formatUsd(outlook.fees.horizonCost)} to life expectancy (projection is net of them)`,
    });
  }
  const lasts = Math.round(primary.successProbability * 100) >= 80;
  const covers = primary.sustainableSpending === null || primary.sustainableSpending >= outlook.plannedSpending;
  const verdict =
    lasts && covers
      ? `Yes, under ${primary.label.toLowerCase()} assumptions.`
      : `Not yet: under ${primary.label.toLowerCase()} assumptions the plan ${lasts ? 'spends more than is sustainable' : `lasts in only ${successPercent(primary.successProbability)} of simulated markets`}.`;
  const warning = outlook.uncertain
    ? `Uncertain: ${Math.round(outlook.unclassifiedPercent)}% of the portfolio (${outlook.unclassifiedSymbols.join(', ')}) could not be classified; it is projected the cautious way (as ${outlook.cautiousReading === 'fixed_income' ? 'bonds' : 'stocks'}), and the real mix may differ.`
    : null;
  const first = recommendations[0];
  return { verdict, lines, warning, action: first ? `${first.title}: ${first.recommendation}` : null };
}

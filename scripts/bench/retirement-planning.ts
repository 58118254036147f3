/**
 * The full retirement projection of the planning example (examples/retirement-planning.json):
 * the headline scenarios, and the planning view — Social Security, a pension, taxes by account,
 * Guyton–Klinger, Monte Carlo and every historical year under both assumption sets, the
 * sensitivity table and the 90% spending search.
 */
import { projectRetirement } from '#services/retirement/domain.ts';
import { exampleSnapshot } from '#test/support/example-snapshot.ts';
import { atMost, type BenchResult, result } from './results.ts';
import { timeMedian } from './retirement.ts';

export const ANALYSIS_TARGET_MS = 150;

export function measureRetirementAnalysis(): BenchResult[] {
  const snapshot = exampleSnapshot('retirement-planning.json');
  const ms = timeMedian(() => projectRetirement(snapshot), 5, 2);
  return [result('retirement.analysisProjectionMs', ms, 'ms', atMost(ANALYSIS_TARGET_MS), 1)];
}

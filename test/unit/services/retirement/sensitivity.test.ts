/**
 * The sensitivity grid decides most cells from each path's known bounds instead of running them.
 * The reference here runs every cell on every path and bisects on full runs, as a plain
 * implementation would; the pruned figures must equal it exactly, with far fewer paths run.
 */
import { describe, expect, it } from 'vitest';
import { ASSET_CLASSES } from '#events/values.ts';
import { runCashflow } from '#services/retirement/cashflow.ts';
import { cashflowPlanOf, householdOf } from '#services/retirement/household.ts';
import { portfolioAllocation } from '#services/retirement/inputs.ts';
import { monteCarloPaths } from '#services/retirement/market-paths.ts';
import { assumptionSets } from '#services/retirement/market-sets.ts';
import { SpendingBounds, sensitivityOf } from '#services/retirement/sensitivity.ts';
import { exampleSnapshot } from '#test/support/example-snapshot.ts';

const GRID_PATHS = 300;
const snapshot = exampleSnapshot('retirement-planning.json');
const allocation = portfolioAllocation(snapshot);
const weights = Float64Array.from(ASSET_CLASSES, (c) => allocation.fractions[c] ?? 0);
const stockShare = (allocation.fractions.equity ?? 0) + (allocation.fractions.real_estate ?? 0);
const household = householdOf(snapshot, stockShare, allocation.annualFee);
const years = household.lifeExpectancy - household.currentAge + 2;
const constantDollar = { kind: 'constant-dollar' as const };

function fullRun(
  retirementAge: number,
  spending: number,
  market: ReturnType<typeof monteCarloPaths>,
  paths = GRID_PATHS,
): number {
  const plan = cashflowPlanOf(household, { retirementAge, spending, strategy: constantDollar });
  return runCashflow(plan, market, { paths }).successProbability;
}

describe.each(assumptionSets(undefined))('the sensitivity grid under the $label set', (set) => {
  const market = monteCarloPaths(weights, allocation.singleStocks, set.market, GRID_PATHS, years, 7);
  const { table, spendingFor90Percent } = sensitivityOf(household, market, GRID_PATHS);

  it('equals every cell run in full on every path', () => {
    const expected = table.retirementAges.map((age) =>
      table.spendingChanges.map((change) => fullRun(age, household.spending * (1 + change), market)),
    );
    expect(table.success).toEqual(expected);
  });

  it('finds the 90% spending that bisection on full runs finds', () => {
    // The reference bisection: from $0 to twice the plan, every step on all paths, to $100.
    let low = 0;
    let high = household.spending * 4;
    while (high - low > 100) {
      const mid = (low + high) / 2;
      if (fullRun(household.retirementAge, mid, market) >= 0.9) low = mid;
      else high = mid;
    }
    // Both stop within $100 of the same threshold on the same paths.
    expect(spendingFor90Percent).not.toBeNull();
    expect(Math.abs(spendingFor90Percent! - low)).toBeLessThanOrEqual(150);
    expect(fullRun(household.retirementAge, spendingFor90Percent! - 100, market)).toBeGreaterThanOrEqual(0.9);
    expect(fullRun(household.retirementAge, spendingFor90Percent! + 200, market)).toBeLessThan(0.9);
  });
});

describe('the spending bounds of one retirement age', () => {
  it('run only the paths an earlier answer does not settle', () => {
    const market = monteCarloPaths(
      weights,
      allocation.singleStocks,
      assumptionSets(undefined)[1]!.market,
      200,
      years,
      3,
    );
    const bounds = new SpendingBounds(household, market, 200, household.retirementAge);
    const high = bounds.success(household.spending * 1.1);
    expect(bounds.pathsRun).toBe(200);
    // Every path that paid the higher spending pays the lower one: only the failures run again.
    const low = bounds.success(household.spending * 0.9);
    expect(bounds.pathsRun).toBe(200 + Math.round((1 - high) * 200));
    expect(low).toBeGreaterThanOrEqual(high);
    // Asked again, nothing runs.
    expect(bounds.success(household.spending * 0.9)).toBe(low);
    expect(bounds.pathsRun).toBe(200 + Math.round((1 - high) * 200));
  });
});

describe('the spending bounds of a later retirement age', () => {
  it('start from the passes of the earlier age: a path that paid retiring earlier is not run again', () => {
    const market = monteCarloPaths(
      weights,
      allocation.singleStocks,
      assumptionSets(undefined)[0]!.market,
      200,
      years,
      3,
    );
    const age = household.retirementAge;
    const earlier = new SpendingBounds(household, market, 200, age);
    const paid = earlier.success(household.spending);
    const later = new SpendingBounds(household, market, 200, age + 1, earlier);
    const success = later.success(household.spending);
    expect(later.pathsRun).toBe(Math.round((1 - paid) * 200));
    expect(success).toBe(fullRun(age + 1, household.spending, market, 200));
  });
});

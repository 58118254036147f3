/**
 * The sensitivity table (success against retirement age and spending) and the spending that
 * reaches 90% success, on the first grid paths of the planning view's Monte Carlo draws (common
 * random numbers). On one path, constant-dollar spending that fails keeps failing at any higher
 * spending, and spending paid retiring at one age is paid retiring later, so each path's known
 * bounds decide most cells without running them: a row runs its highest spending on the paths
 * the row before did not already pass, then each lower cell and each bisection step only the
 * paths still undecided. The counts equal a full run of every cell (checked in the tests).
 */
import type { PlanningScenario } from '#events/values.ts';
import { round } from '#events/values.ts';
import { type MarketPaths, runCashflow } from './cashflow.ts';
import { cashflowPlanOf, type Household } from './household.ts';

export const SENSITIVITY_AGE_STEPS = [-2, -1, 0, 1, 2] as const;
export const SENSITIVITY_SPENDING_CHANGES = [-0.2, -0.1, 0, 0.1] as const;
export const TARGET_SUCCESS = 0.9;
/** Dollars a year: the 90% spending is reported to the nearest $100. */
const SEARCH_PRECISION = 100;
const CONSTANT_DOLLAR = { kind: 'constant-dollar' as const };

/**
 * What is known of each path at one retirement age: it succeeds at every spending up to
 * passesUpTo[i] and fails at every spending from failsFrom[i] on. A query runs only the paths
 * whose bounds do not settle it.
 */
export class SpendingBounds {
  private readonly passesUpTo: Float64Array;
  private readonly failsFrom: Float64Array;
  private readonly pending: Int32Array;
  /** Paths run so far, for the tests and the profile. */
  pathsRun = 0;

  /**
   * `earlier`: the bounds of an earlier retirement age on the same paths. Retiring later only
   * adds contributions and removes withdrawals before the later age, so what a path paid
   * retiring earlier it pays retiring later: the earlier age's passes carry over.
   */
  constructor(
    private readonly h: Household,
    private readonly market: MarketPaths,
    readonly paths: number,
    private readonly retirementAge: number,
    earlier?: SpendingBounds,
  ) {
    this.passesUpTo = earlier ? earlier.passesUpTo.slice() : new Float64Array(paths).fill(Number.NEGATIVE_INFINITY);
    this.failsFrom = new Float64Array(paths).fill(Number.POSITIVE_INFINITY);
    this.pending = new Int32Array(paths);
  }

  /** Share of the paths that pay `spending` (after tax, today's money) every year. */
  success(spending: number): number {
    let passes = 0;
    let count = 0;
    for (let i = 0; i < this.paths; i++) {
      if (spending <= this.passesUpTo[i]!) passes++;
      else if (spending < this.failsFrom[i]!) this.pending[count++] = i;
    }
    if (count > 0) {
      const only = this.pending.subarray(0, count);
      const plan = cashflowPlanOf(this.h, { retirementAge: this.retirementAge, spending, strategy: CONSTANT_DOLLAR });
      const { failed } = runCashflow(plan, this.market, { only });
      this.pathsRun += count;
      for (let k = 0; k < count; k++) {
        const i = only[k]!;
        if (failed[k] === 1) this.failsFrom[i] = spending;
        else {
          this.passesUpTo[i] = spending;
          passes++;
        }
      }
    }
    return passes / this.paths;
  }
}

export interface Sensitivity {
  table: PlanningScenario['sensitivity'];
  spendingFor90Percent: number | null;
}

/** The table and the 90% spending for one assumption set's draws, on their first `paths` paths. */
export function sensitivityOf(h: Household, market: MarketPaths, paths: number): Sensitivity {
  const ages = SENSITIVITY_AGE_STEPS.map((step) => h.retirementAge + step).filter(
    (age) => age >= h.currentAge && age < h.lifeExpectancy,
  );
  const changes = [...SENSITIVITY_SPENDING_CHANGES];
  // Highest spending first: it decides, for every path that passes it, all the lower cells.
  const descending = changes.map((_, j) => j).sort((a, b) => changes[b]! - changes[a]!);
  let planned: SpendingBounds | undefined;
  let earlier: SpendingBounds | undefined;
  // Ages ascending, so each row starts from the passes of the one before.
  const success = ages.map((age) => {
    const bounds = new SpendingBounds(h, market, paths, age, earlier);
    earlier = bounds;
    if (age === h.retirementAge) planned = bounds;
    const row = new Array<number>(changes.length);
    for (const j of descending) row[j] = bounds.success(h.spending * (1 + changes[j]!));
    return row;
  });
  const table = { paths, retirementAges: ages, spendingChanges: changes, success };
  planned ??= new SpendingBounds(h, market, paths, h.retirementAge);
  return { table, spendingFor90Percent: spendingForTarget(h, planned, table) };
}

/**
 * Bisection on constant-dollar spending: success falls as spending rises on the same paths. The
 * sensitivity table's row for the planned age already brackets the answer when it lies within
 * −20%…+10%; outside, the bracket is widened by halving or doubling. Stops at $100.
 */
function spendingForTarget(
  h: Household,
  bounds: SpendingBounds,
  table: PlanningScenario['sensitivity'],
): number | null {
  const succeeds = (spending: number) => bounds.success(spending) >= TARGET_SUCCESS;
  const row = table.success[table.retirementAges.indexOf(h.retirementAge)];
  let low = 0;
  let high = Math.max(h.spending, 1_000);
  if (row) {
    const passing = table.spendingChanges.filter((_, j) => row[j]! >= TARGET_SUCCESS);
    const failing = table.spendingChanges.filter((_, j) => row[j]! < TARGET_SUCCESS);
    if (passing.length > 0) low = h.spending * (1 + Math.max(...passing));
    high = failing.length > 0 ? h.spending * (1 + Math.min(...failing)) : low * 2;
  }
  if (low === 0 && !succeeds(0)) return null;
  while (succeeds(high) && high < 1e9) {
    low = high;
    high *= 2;
  }
  while (high - low > SEARCH_PRECISION) {
    const mid = (low + high) / 2;
    if (succeeds(mid)) low = mid;
    else high = mid;
  }
  return round(low, -2);
}

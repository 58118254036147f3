/**
 * The cash-flow engine shared by the Monte Carlo and historical methods.
 *
 * A plan is two phases on an annual grid: contributions at the start of each year until
 * retirement, then a withdrawal at the start of each year, held constant in real terms (so raised
 * by inflation every year). Everything is in real terms — today's money — so a method only has
 * to supply, for each simulated year, every path's real growth factor (1 + real return) of the
 * portfolio rebalanced to its allocation. The engine advances all paths one year at a time
 * (year-major), which keeps the state in a few contiguous typed arrays and lets each year's
 * percentiles be taken by selection on one reused column instead of storing every path.
 */
import * as z from 'zod';
import { InvalidInputError } from '#events/errors.ts';
import { ASSET_CLASSES, type AssetClass } from '#events/values.ts';
import type { SingleStock } from './assumptions.ts';
import { quantileInPlace, quantilesInPlace, selectInPlace } from './quantiles.ts';

export type AssetFractions = Partial<Record<AssetClass, number>>;

export interface RetirementPlan {
  /** Portfolio value today, in today's money. */
  initialBalance: number;
  /** Fractions by asset class summing to 1 (0.6 = 60%); the portfolio is rebalanced to it yearly. */
  allocation: AssetFractions;
  /** Years, from today, with a contribution at the start of the year. */
  accumulationYears?: number;
  /** Contribution per accumulation year, in today's money (so it grows with inflation). */
  annualContribution?: number;
  /** Years of withdrawals after the accumulation years. */
  withdrawalYears: number;
  /** First-year withdrawal in today's money; later withdrawals are raised by inflation. */
  annualWithdrawal?: number;
  /** Alternative to annualWithdrawal: the first-year withdrawal as a fraction of initialBalance. */
  withdrawalRate?: number;
  /** Share of paths that must succeed for the sustainable-withdrawal figure; 0.9 unless given. */
  targetSuccess?: number;
  /**
   * When in the year withdrawals are taken: `start` (the default, the cautious choice) or
   * `middle`, the annual-data stand-in for monthly withdrawals spread over the year.
   */
  withdrawalTiming?: WithdrawalTiming;
  /** Yearly fund costs as a fraction of the balance (0.002 = 0.2%), taken from every year's growth. */
  annualFee?: number;
  /** Single stocks held, part of the equity fraction; the Monte Carlo method gives each its own risk. */
  singleStocks?: SingleStock[];
}

export type WithdrawalTiming = 'start' | 'middle';

export interface ResolvedPlan {
  initialBalance: number;
  /** Weights in ASSET_CLASSES order, normalised to sum to exactly 1. */
  weights: Float64Array;
  accumulationYears: number;
  annualContribution: number;
  withdrawalYears: number;
  firstYearWithdrawal: number;
  targetSuccess: number;
  withdrawalTiming: WithdrawalTiming;
  annualFee: number;
  singleStocks: SingleStock[];
  /** accumulationYears + withdrawalYears. */
  years: number;
}

export interface YearBand {
  /** 0 is today (the starting balance); n is the end of simulated year n. */
  yearIndex: number;
  p10: number;
  p25: number;
  p50: number;
  p75: number;
  p90: number;
}

export interface PathStatistics {
  paths: number;
  years: number;
  /** Share of paths that paid every withdrawal in full and end with a balance above zero. */
  successProbability: number;
  /** Real balance percentiles, years + 1 entries (today included). */
  bands: YearBand[];
  medianEndingValue: number;
  p10EndingValue: number;
  firstYearWithdrawal: number;
  /**
   * 10th percentile of the number of withdrawal years paid in full: in one path in ten the money
   * lasts this long or less. Equal to withdrawalYears when at least 90% of paths last throughout.
   */
  fundedYearsP10: number;
  targetSuccess: number;
  /**
   * The highest first-year withdrawal (today's money) for which at least targetSuccess of these
   * same paths succeed; null when the plan has no withdrawal years.
   */
  sustainableWithdrawal: number | null;
  /** sustainableWithdrawal / initialBalance; null when either is missing or zero. */
  sustainableWithdrawalRate: number | null;
}

export type SimulationMethod = 'monte-carlo' | 'historical';

export interface SimulationResult extends PathStatistics {
  method: SimulationMethod;
  /** Every input the numbers depend on, for the record. */
  assumptions: Record<string, number | string | boolean>;
}

/** Fills growth[0..paths) with each path's real growth factor (>= 0) for simulated year `year`. */
export type GrowthSource = (year: number, growth: Float64Array) => void;

/** Allocations are fractions; a sum off by more than this is a mistake, not rounding. */
const FRACTION_SUM_TOLERANCE = 0.0005;
const MAX_YEARS = 150;

export const AssetFractionsSchema = z
  .partialRecord(z.enum(ASSET_CLASSES), z.number().min(0).max(1, 'must be a fraction between 0 and 1 (0.6 = 60%)'))
  .superRefine((weights, ctx) => {
    const total = Object.values(weights).reduce<number>((sum, weight) => sum + (weight ?? 0), 0);
    if (Math.abs(total - 1) > FRACTION_SUM_TOLERANCE) {
      ctx.addIssue({ code: 'custom', message: `fractions must sum to 1 (they sum to ${total})` });
    }
  });

const PlanSchema = z
  .object({
    initialBalance: z.number().finite().min(0),
    allocation: AssetFractionsSchema,
    accumulationYears: z.number().int().min(0).max(MAX_YEARS).default(0),
    annualContribution: z.number().finite().min(0).default(0),
    withdrawalYears: z.number().int().min(0).max(MAX_YEARS),
    annualWithdrawal: z.number().finite().min(0).optional(),
    withdrawalRate: z.number().min(0).max(1, 'must be a fraction (0.04 = 4%)').optional(),
    targetSuccess: z.number().gt(0).max(1).default(0.9),
    withdrawalTiming: z.enum(['start', 'middle']).default('start'),
    annualFee: z.number().min(0).max(0.1, 'must be a yearly fraction (0.002 = 0.2%)').default(0),
    singleStocks: z
      .array(
        z.object({
          symbol: z.string(),
          fraction: z.number().min(0).max(1),
          volatility: z.number().min(0).max(3, 'must be a yearly fraction (0.35 = 35%)'),
        }),
      )
      .default([]),
  })
  .superRefine((plan, ctx) => {
    if (plan.accumulationYears + plan.withdrawalYears < 1) {
      ctx.addIssue({ code: 'custom', path: ['withdrawalYears'], message: 'the plan must cover at least one year' });
    }
    if (plan.annualWithdrawal !== undefined && plan.withdrawalRate !== undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['withdrawalRate'],
        message: 'give either annualWithdrawal or withdrawalRate, not both',
      });
    }
    if (plan.withdrawalYears > 0 && plan.annualWithdrawal === undefined && plan.withdrawalRate === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['annualWithdrawal'],
        message: 'required (or withdrawalRate) when there are withdrawal years',
      });
    }
  });

export function resolvePlan(plan: RetirementPlan, what = 'options'): ResolvedPlan {
  const parsed = InvalidInputError.parse(PlanSchema, plan, what);
  const weights = new Float64Array(ASSET_CLASSES.length);
  let total = 0;
  ASSET_CLASSES.forEach((assetClass, index) => {
    const weight = parsed.allocation[assetClass] ?? 0;
    weights[index] = weight;
    total += weight;
  });
  for (let index = 0; index < weights.length; index++) weights[index] = weights[index]! / total;
  const firstYearWithdrawal =
    parsed.withdrawalYears === 0
      ? 0
      : (parsed.annualWithdrawal ?? (parsed.withdrawalRate ?? 0) * parsed.initialBalance);
  return {
    initialBalance: parsed.initialBalance,
    weights,
    accumulationYears: parsed.accumulationYears,
    annualContribution: parsed.annualContribution,
    withdrawalYears: parsed.withdrawalYears,
    firstYearWithdrawal,
    targetSuccess: parsed.targetSuccess,
    withdrawalTiming: parsed.withdrawalTiming,
    annualFee: parsed.annualFee,
    singleStocks: parsed.singleStocks,
    years: parsed.accumulationYears + parsed.withdrawalYears,
  };
}

/** Asset-class weights of a resolved plan, for the assumptions record. */
export function weightsByAssetClass(weights: Float64Array): Record<AssetClass, number> {
  return Object.fromEntries(ASSET_CLASSES.map((assetClass, index) => [assetClass, weights[index]!])) as Record<
    AssetClass,
    number
  >;
}

// One buffer reused across calls: a simulation needs six columns of `paths` doubles and nothing
// per path, so repeated calls (benchmarks, the withdrawal search) do not churn the heap.
let scratch = new Float64Array(0);
function scratchColumns(paths: number, columns: number): Float64Array[] {
  if (scratch.length < paths * columns) scratch = new Float64Array(paths * columns);
  return Array.from({ length: columns }, (_, column) => scratch.subarray(column * paths, (column + 1) * paths));
}

const BAND_PROBABILITIES = [0.1, 0.25, 0.5, 0.75, 0.9] as const;

/**
 * Runs `paths` paths of the plan. For each path the engine also tracks, alongside the real
 * balance, the same path's balance with no withdrawals (A) and the value of withdrawing one unit
 * a year (D). The balance is linear in the withdrawal W: A − W·D at the end, and a path that
 * runs dry never recovers (no contributions come after withdrawals start), so the path succeeds
 * exactly when W < A / D. The sustainable withdrawal at a target success share is therefore an
 * order statistic of A / D over the same paths — what a bisection on the same paths converges
 * to, computed exactly and for free.
 */
export function runPaths(plan: ResolvedPlan, paths: number, source: GrowthSource): PathStatistics {
  if (!Number.isInteger(paths) || paths < 1)
    throw new InvalidInputError(`paths: must be a positive integer, got ${paths}`);
  const { years, accumulationYears, withdrawalYears, annualContribution, initialBalance } = plan;
  const withdrawal = plan.firstYearWithdrawal;
  const [balance, withoutWithdrawals, unitWithdrawals, funded, growth, column] = scratchColumns(paths, 6) as [
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
    Float64Array,
  ];
  balance.fill(initialBalance);
  withoutWithdrawals.fill(initialBalance);
  unitWithdrawals.fill(0);
  funded.fill(withdrawalYears);

  const bands: YearBand[] = [band(0, initialBalance, initialBalance, initialBalance, initialBalance, initialBalance)];
  const quantiles = new Float64Array(BAND_PROBABILITIES.length);

  for (let year = 0; year < years; year++) {
    source(year, growth);
    // Fund costs come out of every year's growth, in both phases and for every method.
    if (plan.annualFee > 0) for (let i = 0; i < paths; i++) growth[i] = growth[i]! * (1 - plan.annualFee);
    if (year < accumulationYears) {
      for (let i = 0; i < paths; i++) {
        const g = growth[i]!;
        balance[i] = (balance[i]! + annualContribution) * g;
        withoutWithdrawals[i] = (withoutWithdrawals[i]! + annualContribution) * g;
      }
    } else if (plan.withdrawalTiming === 'middle') {
      // Half the year's growth, the withdrawal, then the other half: B' = (B·√g − W)·√g, still
      // linear in W, so the sustainable-withdrawal arithmetic below holds with √g per unit.
      const yearsPaid = year - accumulationYears;
      for (let i = 0; i < paths; i++) {
        const g = growth[i]!;
        const half = Math.sqrt(g);
        let afterWithdrawal = balance[i]! * half - withdrawal;
        if (withdrawal > 0 && afterWithdrawal <= 0) {
          if (funded[i] === withdrawalYears) funded[i] = yearsPaid;
          afterWithdrawal = 0;
        }
        balance[i] = afterWithdrawal * half;
        withoutWithdrawals[i] = withoutWithdrawals[i]! * g;
        unitWithdrawals[i] = unitWithdrawals[i]! * g + half;
      }
    } else {
      const yearsPaid = year - accumulationYears;
      for (let i = 0; i < paths; i++) {
        const g = growth[i]!;
        let afterWithdrawal = balance[i]! - withdrawal;
        if (withdrawal > 0 && afterWithdrawal <= 0) {
          // This year's withdrawal could not be paid in full: the path is depleted for good.
          if (funded[i] === withdrawalYears) funded[i] = yearsPaid;
          afterWithdrawal = 0;
        }
        balance[i] = afterWithdrawal * g;
        withoutWithdrawals[i] = withoutWithdrawals[i]! * g;
        unitWithdrawals[i] = (unitWithdrawals[i]! + 1) * g;
      }
    }
    column.set(balance);
    quantilesInPlace(column, paths, BAND_PROBABILITIES, quantiles);
    bands.push(band(year + 1, quantiles[0]!, quantiles[1]!, quantiles[2]!, quantiles[3]!, quantiles[4]!));
  }

  let successes = 0;
  for (let i = 0; i < paths; i++) if (funded[i] === withdrawalYears && balance[i]! > 0) successes++;

  const fundedP10 = quantileInPlace(funded, paths, 0.1);

  let sustainableWithdrawal: number | null = null;
  if (withdrawalYears > 0) {
    for (let i = 0; i < paths; i++) {
      const unit = unitWithdrawals[i]!;
      // unit is 0 only after a total loss (a growth factor of 0), when nothing is sustainable.
      column[i] = unit > 0 ? withoutWithdrawals[i]! / unit : 0;
    }
    // At least `needed` paths must have a maximum above W, so W's supremum is the needed-th largest.
    const needed = Math.ceil(plan.targetSuccess * paths - 1e-9);
    const index = paths - needed;
    selectInPlace(column, index, 0, paths - 1);
    sustainableWithdrawal = column[index]!;
  }

  const last = bands[bands.length - 1]!;
  return {
    paths,
    years,
    successProbability: successes / paths,
    bands,
    medianEndingValue: last.p50,
    p10EndingValue: last.p10,
    firstYearWithdrawal: withdrawal,
    fundedYearsP10: fundedP10,
    targetSuccess: plan.targetSuccess,
    sustainableWithdrawal,
    sustainableWithdrawalRate:
      sustainableWithdrawal !== null && initialBalance > 0 ? sustainableWithdrawal / initialBalance : null,
  };
}

function band(yearIndex: number, p10: number, p25: number, p50: number, p75: number, p90: number): YearBand {
  return { yearIndex, p10, p25, p50, p75, p90 };
}

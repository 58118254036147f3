/**
 * The planning engine: one household's accounts (taxable with its cost basis, pre-tax, Roth)
 * through contributions, then retirement years with guaranteed income (Social Security,
 * pensions), required minimum distributions, federal tax and a withdrawal strategy. All money is
 * real (today's dollars). Market paths are given as matrices of real growth factors and
 * inflation, so the same draws serve every run of a sensitivity grid (common random numbers).
 * The classic engine (engine.ts) stays for the plain constant-dollar studies.
 */
import { quantilesInPlace } from './quantiles.ts';
import { GUARDRAILS, type StrategyKind } from './strategies.ts';
import { marginalGainsRate, marginalOrdinaryRate, type TaxSchedule, taxOn } from './taxes.ts';

export const BUCKETS = ['taxable', 'pre_tax', 'roth'] as const;
export type Bucket = (typeof BUCKETS)[number];

export interface CashflowPlan {
  accumulationYears: number;
  withdrawalYears: number;
  /** Real contribution per accumulation year, split like today's balances. */
  contribution: number;
  taxable: number;
  /** Cost basis of the taxable account today. */
  taxableBasis: number;
  preTax: number;
  roth: number;
  /** Yearly fund costs as a fraction of the balance. */
  annualFee: number;
  /** Constant dollar: the after-tax spending wanted each year, guaranteed income included. */
  spending: number;
  strategy: StrategyKind;
  /** Constant percentage: the rate; Guyton–Klinger: the initial rate; VPW: unused. */
  strategyRate: number;
  /** Per withdrawal year: the VPW rate (VPW only). */
  vpwRates: Float64Array;
  /** Per withdrawal year: income kept level in real terms (COLA), and its taxable part. */
  incomeReal: Float64Array;
  incomeRealTaxable: Float64Array;
  /** Per withdrawal year: income fixed in dollars (no COLA), today's dollars, fully taxable. */
  incomeNominal: Float64Array;
  /** Per withdrawal year: the share of the pre-tax balance that must come out (0 before RMD age). */
  rmdFractions: Float64Array;
  /** Per withdrawal year: the standard deduction (with the age-65 additions). */
  deductions: Float64Array;
  tax: TaxSchedule;
  order: readonly Bucket[];
}

/** Market paths: year-major matrices, entry [year * paths + path]. */
export interface MarketPaths {
  paths: number;
  years: number;
  /** Real growth factor of the rebalanced portfolio (1 + real return), before fees. */
  growth: Float64Array;
  /** Inflation in the year, per path (historical), or null with `constantInflation`. */
  inflation: Float64Array | null;
  constantInflation: number;
}

export interface CashflowOptions {
  /** Use only the first `paths` paths (a smaller, same-seed sample for the sensitivity grid). */
  paths?: number;
  /**
   * Run only these paths (indices into the market's paths; overrides `paths`): result entry k is
   * path only[k]. The sensitivity grid re-runs just the paths its earlier cells left undecided.
   */
  only?: Int32Array;
  /** Spending and balance percentiles per year; off for the grid's success-only runs. */
  detail?: boolean;
}

export interface SpendingBand {
  /** Withdrawal year, 0 = first year of retirement. */
  year: number;
  p10: number;
  p50: number;
  p90: number;
}

export interface CashflowResult {
  paths: number;
  successProbability: number;
  /** 1 for each path that could not pay a year's spending in full. */
  failed: Uint8Array;
  /** Withdrawal years paid in full, 10th percentile. */
  fundedYearsP10: number;
  /** After-tax spending (guaranteed income included) by withdrawal year; empty without detail. */
  spending: SpendingBand[];
  /** Total balance today and at the end of the plan; empty without detail. */
  balance: SpendingBand[];
  /** Median of the tax paid over the retirement years, today's money; 0 without detail. */
  medianLifetimeTax: number;
}

const CENT = 0.01;
const BAND_PROBABILITIES = [0.1, 0.5, 0.9];
const MAX_GROSS_UP_STEPS = 12;

/** Per-path state, one typed array each, reused across runs of the same size. */
class State {
  taxable: Float64Array;
  basis: Float64Array;
  preTax: Float64Array;
  roth: Float64Array;
  price: Float64Array;
  withdrawal: Float64Array;
  lastReturn: Float64Array;
  lastInflation: Float64Array;
  funded: Float64Array;
  taxPaid: Float64Array;
  constructor(readonly n: number) {
    this.taxable = new Float64Array(n);
    this.basis = new Float64Array(n);
    this.preTax = new Float64Array(n);
    this.roth = new Float64Array(n);
    this.price = new Float64Array(n);
    this.withdrawal = new Float64Array(n);
    this.lastReturn = new Float64Array(n);
    this.lastInflation = new Float64Array(n);
    this.funded = new Float64Array(n);
    this.taxPaid = new Float64Array(n);
  }
}

// One state reused by every run (main runs, the grid, historical years alternate sizes): grown,
// never shrunk, so repeated runs allocate nothing per path.
let cached: State | undefined;
function stateFor(n: number): State {
  if (!cached || cached.n < n) cached = new State(n);
  return cached;
}

/** What one path's retirement year paid: after-tax spending and the tax; a shortfall above a cent fails it. */
interface YearOutcome {
  spending: number;
  tax: number;
  shortfall: number;
}

/** Runs the plan over the market paths. */
export function runCashflow(plan: CashflowPlan, market: MarketPaths, options: CashflowOptions = {}): CashflowResult {
  const only = options.only ?? identity(Math.min(options.paths ?? market.paths, market.paths));
  const n = only.length;
  const detail = options.detail ?? false;
  const years = plan.accumulationYears + plan.withdrawalYears;
  if (years > market.years) throw new Error(`the plan needs ${years} years of market paths, got ${market.years}`);
  const s = stateFor(n);
  s.taxable.fill(plan.taxable, 0, n);
  s.basis.fill(Math.min(plan.taxableBasis, plan.taxable), 0, n);
  s.preTax.fill(plan.preTax, 0, n);
  s.roth.fill(plan.roth, 0, n);
  s.price.fill(1, 0, n);
  s.withdrawal.fill(0, 0, n);
  s.lastReturn.fill(0, 0, n);
  s.lastInflation.fill(0, 0, n);
  s.funded.fill(plan.withdrawalYears, 0, n);
  s.taxPaid.fill(0, 0, n);
  const failed = new Uint8Array(n);
  const spendingColumn = new Float64Array(detail ? n : 0);
  const balanceColumn = new Float64Array(detail ? n : 0);
  const spending: SpendingBand[] = [];
  const balance: SpendingBand[] = [];
  const q = new Float64Array(3);
  if (detail) balance.push(bandOf(0, plan.taxable + plan.preTax + plan.roth, q, 'same'));
  const outcome: YearOutcome = { spending: 0, tax: 0, shortfall: 0 };
  const total = plan.taxable + plan.preTax + plan.roth;
  const shares = total > 0 ? [plan.taxable / total, plan.preTax / total, plan.roth / total] : [1, 0, 0];
  const fee = 1 - plan.annualFee;

  for (let year = 0; year < years; year++) {
    const row = year * market.paths;
    const t = year - plan.accumulationYears;
    if (t < 0) {
      for (let i = 0; i < n; i++) {
        const p = row + only[i]!;
        contribute(s, i, plan.contribution, shares);
        grow(s, i, market.growth[p]! * fee, market.inflation ? market.inflation[p]! : market.constantInflation);
      }
      continue;
    }
    for (let i = 0; i < n; i++) {
      // Without detail only success and the failing year are asked for, both fixed at the first
      // shortfall: a failed path is not advanced further.
      if (!detail && failed[i] === 1) continue;
      const p = row + only[i]!;
      if (t === 0) startWithdrawals(plan, s, i);
      else adjustWithdrawal(plan, s, i, t);
      payYear(plan, s, i, t, outcome);
      if (outcome.shortfall > CENT && failed[i] === 0) {
        failed[i] = 1;
        s.funded[i] = t;
      }
      s.taxPaid[i] = s.taxPaid[i]! + outcome.tax;
      if (detail) spendingColumn[i] = outcome.spending;
      grow(s, i, market.growth[p]! * fee, market.inflation ? market.inflation[p]! : market.constantInflation);
    }
    if (detail) spending.push(bandOf(t, spendingColumn, q, n, plan.strategy === 'constant-dollar'));
  }
  if (detail) {
    for (let i = 0; i < n; i++) balanceColumn[i] = balanceOf(s, i);
    balance.push(bandOf(years, balanceColumn, q, n));
  }
  return summarise(s, n, failed, spending, balance, detail);
}

// 0, 1, …, n − 1, kept for the largest n asked for so far: the plain runs index through it too.
let identityIndex = new Int32Array(0);
function identity(n: number): Int32Array {
  if (identityIndex.length < n) identityIndex = Int32Array.from({ length: n }, (_, i) => i);
  return identityIndex.subarray(0, n);
}

function summarise(
  s: State,
  n: number,
  failed: Uint8Array,
  spending: SpendingBand[],
  balance: SpendingBand[],
  detail: boolean,
): CashflowResult {
  let failures = 0;
  for (let i = 0; i < n; i++) failures += failed[i]!;
  const funded = s.funded.slice(0, n);
  const q = new Float64Array(1);
  quantilesInPlace(funded, n, [0.1], q);
  let medianLifetimeTax = 0;
  if (detail) {
    const taxes = s.taxPaid.slice(0, n);
    quantilesInPlace(taxes, n, [0.5], q.subarray(0, 1));
    medianLifetimeTax = q[0]!;
    quantilesInPlace(funded, n, [0.1], q);
  }
  return {
    paths: n,
    successProbability: (n - failures) / n,
    failed,
    fundedYearsP10: q[0]!,
    spending,
    balance,
    medianLifetimeTax,
  };
}

/**
 * `repeated`: most values are one value (constant-dollar spending, paid in full on most paths),
 * which a three-way quickselect passes over in linear time; a spread column goes to the
 * histogram of quantilesInPlace, which would instead sort the one crowded bin.
 */
function bandOf(
  year: number,
  values: Float64Array | number,
  q: Float64Array,
  n: number | 'same',
  repeated = false,
): SpendingBand {
  if (typeof values === 'number' || n === 'same') {
    const v = typeof values === 'number' ? values : 0;
    return { year, p10: v, p50: v, p90: v };
  }
  if (repeated) return { year, p10: type7(values, n, 0.1), p50: type7(values, n, 0.5), p90: type7(values, n, 0.9) };
  quantilesInPlace(values, n, BAND_PROBABILITIES, q);
  return { year, p10: q[0]!, p50: q[1]!, p90: q[2]! };
}

function grow(s: State, i: number, g: number, inflation: number): void {
  s.taxable[i] = s.taxable[i]! * g;
  s.preTax[i] = s.preTax[i]! * g;
  s.roth[i] = s.roth[i]! * g;
  // The basis is fixed in dollars, so in today's money inflation wears it down.
  s.basis[i] = s.basis[i]! / (1 + inflation);
  s.price[i] = s.price[i]! * (1 + inflation);
  s.lastReturn[i] = g * (1 + inflation) - 1;
  s.lastInflation[i] = inflation;
}

/** Hyndman–Fan type-7 quantile of values[0..n), as quantiles.ts computes it; reorders values. */
function type7(values: Float64Array, n: number, p: number): number {
  const h = (n - 1) * p;
  const lower = Math.floor(h);
  const low = select3(values, n, lower);
  if (h === lower || lower + 1 >= n) return low;
  // After selecting rank `lower`, the next order statistic is the smallest value above it.
  let next = Number.POSITIVE_INFINITY;
  for (let i = lower + 1; i < n; i++) if (values[i]! < next) next = values[i]!;
  return low + (h - lower) * (next - low);
}

/**
 * The k-th smallest of values[0..n) by quickselect with a three-way partition: spending columns
 * are mostly one value (the planned spending), which sends a two-way partition quadratic.
 */
function select3(values: Float64Array, n: number, k: number): number {
  let left = 0;
  let right = n - 1;
  while (left < right) {
    const pivot = values[(left + right) >>> 1]!;
    let lt = left;
    let gt = right;
    let i = left;
    while (i <= gt) {
      const v = values[i]!;
      if (v < pivot) {
        values[i] = values[lt]!;
        values[lt++] = v;
        i++;
      } else if (v > pivot) {
        values[i] = values[gt]!;
        values[gt--] = v;
      } else i++;
    }
    if (k < lt) right = lt - 1;
    else if (k > gt) left = gt + 1;
    else return pivot;
  }
  return values[k]!;
}

function contribute(s: State, i: number, contribution: number, shares: readonly number[]): void {
  if (contribution <= 0) return;
  const toTaxable = contribution * shares[0]!;
  s.taxable[i] = s.taxable[i]! + toTaxable;
  s.basis[i] = s.basis[i]! + toTaxable;
  s.preTax[i] = s.preTax[i]! + contribution * shares[1]!;
  s.roth[i] = s.roth[i]! + contribution * shares[2]!;
}

function balanceOf(s: State, i: number): number {
  return s.taxable[i]! + s.preTax[i]! + s.roth[i]!;
}

/** The first retirement year's gross withdrawal for the balance-based strategies. */
function startWithdrawals(plan: CashflowPlan, s: State, i: number): void {
  if (plan.strategy === 'guyton-klinger') s.withdrawal[i] = plan.strategyRate * balanceOf(s, i);
}

/**
 * Guyton–Klinger, applied at the start of each later year to the withdrawal held in real terms:
 * the withdrawal rule (no inflation raise after a losing year while the current rate is above
 * the initial one), then capital preservation and prosperity on the current rate.
 */
function adjustWithdrawal(plan: CashflowPlan, s: State, i: number, t: number): void {
  if (plan.strategy !== 'guyton-klinger') return;
  const portfolio = balanceOf(s, i);
  if (portfolio <= 0) return;
  const initialRate = plan.strategyRate;
  let w = s.withdrawal[i]!;
  if (s.lastReturn[i]! < 0 && w / portfolio > initialRate) {
    // Skipping last year's inflation raise lowers the real withdrawal by that year's inflation.
    w = w / (1 + s.lastInflation[i]!);
  }
  const rate = w / portfolio;
  if (rate > GUARDRAILS.upperTrigger * initialRate && plan.withdrawalYears - t > GUARDRAILS.preservationHorizon)
    w *= GUARDRAILS.cut;
  else if (rate < GUARDRAILS.lowerTrigger * initialRate) w *= GUARDRAILS.raise;
  s.withdrawal[i] = w;
}

/** Takes `amount` from a bucket (capped at its balance); returns what was taken and realised gains. */
function take(s: State, i: number, bucket: Bucket, amount: number): number {
  if (amount <= 0) return 0;
  if (bucket === 'taxable') {
    const have = s.taxable[i]!;
    const x = amount < have ? amount : have;
    if (have > 0) s.basis[i] = s.basis[i]! * (1 - x / have);
    s.taxable[i] = have - x;
    return x;
  }
  if (bucket === 'pre_tax') {
    const have = s.preTax[i]!;
    const x = amount < have ? amount : have;
    s.preTax[i] = have - x;
    return x;
  }
  const have = s.roth[i]!;
  const x = amount < have ? amount : have;
  s.roth[i] = have - x;
  return x;
}

/** Share of a taxable sale that is gain, from the basis. */
function gainShare(s: State, i: number): number {
  const value = s.taxable[i]!;
  if (value <= 0) return 0;
  const share = 1 - s.basis[i]! / value;
  return share > 0 ? share : 0;
}

/** One path's year in progress: what has come in and what is taxable so far. */
class Year {
  income = 0.5;
  deduction = 0.5;
  ordinary = 0.5;
  gains = 0.5;
  cash = 0.5;
  rmd = 0.5;
  portfolio = 0.5;
}
const year = new Year();

/**
 * One path's retirement year: guaranteed income, the required distribution, then withdrawals in
 * the stated order until the strategy's amount is met — after tax for constant dollar (grossed
 * up step by step at the marginal rate, each step re-taxing the whole year exactly), before tax
 * for the balance-based strategies. Money beyond the need (a large RMD) goes back to the
 * taxable account. Split in two so each half stays small enough for V8 to inline its helpers
 * (a helper's double result is otherwise boxed on the heap, once per call).
 */
function payYear(plan: CashflowPlan, s: State, i: number, t: number, out: YearOutcome): void {
  const fixed = plan.incomeNominal[t]! / s.price[i]!;
  year.income = plan.incomeReal[t]! + fixed;
  year.deduction = plan.deductions[t]!;
  year.portfolio = s.taxable[i]! + s.preTax[i]! + s.roth[i]!;
  const due = s.preTax[i]! * plan.rmdFractions[t]!;
  s.preTax[i] = s.preTax[i]! - due;
  year.rmd = due;
  year.ordinary = plan.incomeRealTaxable[t]! + fixed + due;
  year.gains = 0;
  year.cash = year.income + due;
  if (plan.strategy === 'constant-dollar') payConstantDollar(plan, s, i, out);
  else payVariable(plan, s, i, t, out);
}

function payConstantDollar(plan: CashflowPlan, s: State, i: number, out: YearOutcome): void {
  const schedule = plan.tax;
  const deduction = year.deduction;
  let tax = incomeTax(schedule, year.ordinary, deduction);
  let short = plan.spending - (year.cash - tax);
  for (let b = 0; b < plan.order.length && short > CENT; b++) {
    const bucket = plan.order[b]!;
    for (let step = 0; step < MAX_GROSS_UP_STEPS && short > CENT; step++) {
      const g = bucket === 'taxable' ? gainShare(s, i) : 0;
      const marginal =
        bucket === 'roth'
          ? 0
          : bucket === 'pre_tax'
            ? marginalOrdinaryRate(schedule, year.ordinary, deduction)
            : g * marginalGainsRate(schedule, year.ordinary, year.gains, deduction);
      const x = take(s, i, bucket, short / (1 - (marginal < 0.99 ? marginal : 0.99)));
      if (x <= 0) break;
      if (bucket === 'pre_tax') year.ordinary += x;
      else if (bucket === 'taxable') year.gains += g * x;
      year.cash += x;
      tax = taxOn(schedule, year.ordinary, year.gains, deduction);
      short = plan.spending - (year.cash - tax);
    }
  }
  finishYear(s, i, year.cash, tax, short, plan.spending, out);
}

function payVariable(plan: CashflowPlan, s: State, i: number, t: number, out: YearOutcome): void {
  const rate = plan.strategy === 'vpw' ? plan.vpwRates[t]! : plan.strategyRate;
  const gross = plan.strategy === 'guyton-klinger' ? s.withdrawal[i]! : rate * year.portfolio;
  let want = gross - year.rmd;
  for (let b = 0; b < plan.order.length && want > 0; b++) {
    const bucket = plan.order[b]!;
    const g = bucket === 'taxable' ? gainShare(s, i) : 0;
    const x = take(s, i, bucket, want);
    if (bucket === 'pre_tax') year.ordinary += x;
    else if (bucket === 'taxable') year.gains += g * x;
    year.cash += x;
    want -= x;
  }
  const tax = taxOn(plan.tax, year.ordinary, year.gains, year.deduction);
  // An RMD above the strategy's amount is taxed this year but reinvested, not spent.
  finishYear(s, i, year.cash, tax, want > CENT ? want : 0, year.income + gross - tax, out);
}

// Before any withdrawal a year's income is the same on every path that has no RMD yet (and, in
// Monte Carlo, inflation is the same on all), so its tax is usually the previous path's.
let memoSchedule: TaxSchedule | undefined;
let memoOrdinary = Number.NaN;
let memoDeduction = Number.NaN;
let memoTax = 0;
function incomeTax(schedule: TaxSchedule, ordinary: number, deduction: number): number {
  if (schedule !== memoSchedule || ordinary !== memoOrdinary || deduction !== memoDeduction) {
    memoSchedule = schedule;
    memoOrdinary = ordinary;
    memoDeduction = deduction;
    memoTax = taxOn(schedule, ordinary, 0, deduction);
  }
  return memoTax;
}

function finishYear(
  s: State,
  i: number,
  cash: number,
  tax: number,
  short: number,
  target: number,
  out: YearOutcome,
): void {
  const spent = short > 0 ? cash - tax : target;
  const surplus = cash - tax - spent;
  if (surplus > CENT) {
    s.taxable[i] = s.taxable[i]! + surplus;
    s.basis[i] = s.basis[i]! + surplus;
  }
  out.spending = spent;
  out.tax = tax;
  out.shortfall = short > 0 ? short : 0;
}

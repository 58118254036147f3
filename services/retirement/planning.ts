/**
 * The planning analysis: the household (income, taxes by account, RMDs, strategy) under every
 * assumption set with both methods — every historical retirement year, listing those that fail,
 * beside Monte Carlo — a sensitivity table of retirement age against spending, and the spending
 * that reaches 90% success. One set of Monte Carlo draws per assumption set serves the main run,
 * the table and the search (common random numbers), so the cells differ only by the plan.
 */
import type { PlanningScenario, RetirementPlanning, Snapshot } from '#events/values.ts';
import { ASSET_CLASSES, round, TAX_BUCKET_WORDS } from '#events/values.ts';
import { defaultCapitalMarketAssumptions } from './assumptions.ts';
import { type CashflowPlan, runCashflow } from './cashflow.ts';
import type { AssetFractions } from './engine.ts';
import { type HistoricalReturns, loadHistoricalReturns } from './historical.ts';
import { cashflowPlanOf, type Household, householdOf } from './household.ts';
import { historicalPaths, monteCarloPaths, type SharedDraws } from './market-paths.ts';
import type { AssumptionSet } from './market-sets.ts';
import { RMD_SOURCE } from './rmd.ts';
import { sensitivityOf } from './sensitivity.ts';
import { SSA_RULES_SOURCE } from './social-security.ts';
import { describeStrategy, VPW_SOURCE } from './strategies.ts';
import { FEDERAL_TAX_SOURCE } from './taxes.ts';

export { SENSITIVITY_AGE_STEPS, SENSITIVITY_SPENDING_CHANGES } from './sensitivity.ts';
/**
 * Monte Carlo paths for the planning view: 5,000 put the standard error of a 90% success at 0.4
 * points. The sensitivity table and the 90% search take the first 500 of the same draws (±1.3
 * points at 90%, and the cells compare on identical paths): together they keep the whole
 * projection within its 150 ms budget.
 */
export const MAX_PLANNING_PATHS = 5_000;
export const DEFAULT_GRID_PATHS = 500;

export interface PlanningRun {
  set: AssumptionSet;
  fractions: AssetFractions;
}

export interface PlanningOptions {
  paths: number;
  seed: number;
  gridPaths?: number;
  /** The outlook's draws: the planning view runs the first of each year's paths. */
  draws?: SharedDraws;
}

export function planRetirement(
  snapshot: Snapshot,
  runs: readonly PlanningRun[],
  singleStocks: Parameters<typeof monteCarloPaths>[1],
  annualFee: number,
  options: PlanningOptions,
): RetirementPlanning {
  const first = runs[0]!;
  const household = householdOf(snapshot, stockShareOf(first.fractions), annualFee);
  const plan = cashflowPlanOf(household);
  const asOfYear = new Date(snapshot.asOf).getUTCFullYear();
  const scenarios = runs.map((run) => scenarioOf(household, plan, run, singleStocks, { ...options, asOfYear }));
  return {
    strategy: {
      type: household.strategy.kind,
      rate: household.strategy.rate ?? null,
      description: describeStrategy(household.strategy),
    },
    withdrawalOrder: [...household.order],
    taxes: household.tax.description,
    balances: {
      taxable: round(household.balances.taxable, 0),
      taxableBasis: round(household.balances.taxableBasis, 0),
      preTax: round(household.balances.preTax, 0),
      roth: round(household.balances.roth, 0),
    },
    income: household.income.map((stream) => ({
      label: stream.label,
      startAge: stream.startAge,
      annualAmount: round(stream.annualAmount, 0),
      cola: stream.cola,
    })),
    rmdStartAge: household.rmdStartAge,
    scenarios,
    notes: notesOf(household),
    sources: {
      socialSecurity: SSA_RULES_SOURCE,
      federalTax: FEDERAL_TAX_SOURCE,
      requiredMinimumDistributions: RMD_SOURCE,
      variablePercentageWithdrawal: VPW_SOURCE,
      guytonKlinger:
        'Guyton & Klinger, Decision Rules and Maximum Initial Withdrawal Rates, Journal of Financial Planning, March 2006',
    },
  };
}

function notesOf(h: Household): string[] {
  const notes = [
    'spending targets are after tax and in today’s money; guaranteed income counts toward them',
    `withdrawal order (an assumption): ${h.order.map((kind) => TAX_BUCKET_WORDS[kind]).join(', then ')}; RMDs come out of pre-tax accounts first from age ${h.rmdStartAge}, and what is not spent is reinvested in the taxable account`,
    'every account holds the same allocation, rebalanced yearly; contributions are split like today’s balances',
    '85% of Social Security is taxed as income (the statutory maximum); pensions and goals.otherIncome are taxed in full',
    'income is counted from retirement on; both spouses are assumed to live to the plan’s end (no survivor rules)',
    'the sensitivity table and the 90% spending use constant-dollar spending on the first Monte Carlo paths',
  ];
  if (h.basisAssumed)
    notes.push(
      'taxable positions without a cost basis (goals.taxes.costBasis) are taken at today’s value: only future growth is taxed',
    );
  return notes;
}

function scenarioOf(
  h: Household,
  plan: CashflowPlan,
  run: PlanningRun,
  singleStocks: Parameters<typeof monteCarloPaths>[1],
  options: PlanningOptions & { asOfYear: number },
): PlanningScenario {
  const weights = weightsOf(run.fractions);
  const years = plan.accumulationYears + plan.withdrawalYears;
  const paths = Math.min(options.paths, MAX_PLANNING_PATHS);
  const market =
    options.draws?.get(weights, singleStocks, run.set.market) ??
    monteCarloPaths(weights, singleStocks, run.set.market, paths, years, options.seed);
  const main = runCashflow(plan, market, { detail: true, paths });
  const history = historyUnder(run.set);
  const sequences = historicalPaths(weights, years, history.data);
  const historical = runCashflow(plan, sequences, {});
  const failing: number[] = [];
  historical.failed.forEach((failed, i) => {
    if (failed) failing.push(sequences.firstStartYear + i + plan.accumulationYears);
  });
  const gridPaths = Math.min(options.gridPaths ?? DEFAULT_GRID_PATHS, paths);
  const retirementAge = h.currentAge + plan.accumulationYears;
  const { table, spendingFor90Percent } = sensitivityOf(h, market, gridPaths);
  return {
    id: run.set.id,
    label: run.set.label,
    monteCarlo: {
      paths: main.paths,
      successProbability: main.successProbability,
      moneyLastsToAgeP10: round(retirementAge + main.fundedYearsP10, 1),
      medianEndingBalance: round(main.balance.at(-1)?.p50 ?? 0, 0),
      medianLifetimeTax: round(main.medianLifetimeTax, 0),
      spending: main.spending.map((band) => ({
        age: retirementAge + band.year,
        median: round(band.p50, 0),
        poor: round(band.p10, 0),
      })),
    },
    historical: {
      periods: historical.paths,
      successProbability: historical.successProbability,
      firstRetirementYear: sequences.firstStartYear + plan.accumulationYears,
      lastRetirementYear: sequences.firstStartYear + sequences.paths - 1 + plan.accumulationYears,
      failingRetirementYears: failing,
      basis: history.basis,
    },
    spendingFor90Percent,
    sensitivity: table,
  };
}

function weightsOf(fractions: AssetFractions): Float64Array {
  const weights = Float64Array.from(ASSET_CLASSES, (c) => fractions[c] ?? 0);
  const total = weights.reduce((a, b) => a + b, 0);
  return total > 0 ? weights.map((w) => w / total) : weights;
}

function stockShareOf(fractions: AssetFractions): number {
  const total = Object.values(fractions).reduce<number>((a, b) => a + (b ?? 0), 0);
  return total > 0 ? ((fractions.equity ?? 0) + (fractions.real_estate ?? 0)) / total : 0.6;
}

const shifted = new Map<string, { data: HistoricalReturns; basis: string }>();

/**
 * The historical sequences under an assumption set: as they happened for the historical set;
 * for another set each series shifted by a constant so its mean matches the set's expected
 * return (stocks, bonds, bills) and CPI's mean matches its inflation — history's order and
 * swings with the set's levels, as planners' "adjusted historical" runs do.
 */
function historyUnder(set: AssumptionSet): { data: HistoricalReturns; basis: string } {
  const data = loadHistoricalReturns();
  if (set.id === 'historical') return { data, basis: 'US returns and CPI as they happened' };
  const key = JSON.stringify(set.market.assets) + set.market.inflation;
  const cached = shifted.get(key);
  if (cached) return cached;
  const history = defaultCapitalMarketAssumptions();
  const shift = (series: Float64Array, by: number) => series.map((r) => Math.max(-0.99, r + by));
  const assets = set.market.assets;
  const result = {
    data: {
      ...data,
      sp500: shift(data.sp500, assets.equity.expectedReturn - history.assets.equity.expectedReturn),
      tbond: shift(data.tbond, assets.fixed_income.expectedReturn - history.assets.fixed_income.expectedReturn),
      tbill: shift(data.tbill, assets.cash.expectedReturn - history.assets.cash.expectedReturn),
      cpi: shift(data.cpi, set.market.inflation - history.inflation),
    },
    basis: `US sequences 1928–2024 shifted to this set’s means (stocks ${pct(assets.equity.expectedReturn)}, bonds ${pct(assets.fixed_income.expectedReturn)}, bills ${pct(assets.cash.expectedReturn)}, inflation ${pct(set.market.inflation)})`,
  };
  shifted.set(key, result);
  return result;
}

function pct(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}

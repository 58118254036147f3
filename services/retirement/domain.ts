/**
 * The retirement specialist's domain: a snapshot in, a RetirementResult out. It turns the
 * portfolio and goals into a two-phase plan (contributions until retirement, inflation-adjusted
 * withdrawals until life expectancy), runs it with the Monte Carlo or historical method, and
 * records every input it used. All money is real — today's dollars.
 */
import { InvalidInputError } from '../../events/errors.ts';
import { ASSET_CLASSES, RetirementResult, round, type AssetClass, type Snapshot } from '../../events/values.ts';
import type { AssetFractions, RetirementPlan, SimulationResult } from './engine.ts';
import { simulateHistorical } from './historical.ts';
import { DEFAULT_PATHS, DEFAULT_SEED, simulateMonteCarlo } from './monte-carlo.ts';

export interface ProjectionOptions {
  method?: 'monte-carlo' | 'historical';
  /** Monte Carlo paths; the historical method has one path per rolling period. */
  paths?: number;
  seed?: number;
}

export interface PortfolioAllocation {
  startingBalance: number;
  /** Fractions of startingBalance by asset class, summing to 1 (empty when the balance is 0). */
  fractions: AssetFractions;
  /** Symbols with value but no asset-class classification, counted as equity. */
  unclassifiedAsEquity: string[];
  /** Symbols held without a price: valued at 0, never guessed. */
  unpriced: string[];
}

/**
 * Starting balance and look-through asset-class mix: each position's value split by its
 * instrument's asset-class weights, account cash as cash. An instrument without a usable
 * classification is counted as equity — the riskier guess for a projection — and named.
 */
export function portfolioAllocation(snapshot: Snapshot): PortfolioAllocation {
  const classifications = new Map(snapshot.instruments.map((instrument) => [instrument.symbol, instrument]));
  const sums = new Map<AssetClass, number>();
  const add = (assetClass: AssetClass, value: number) => sums.set(assetClass, (sums.get(assetClass) ?? 0) + value);
  const unclassified = new Set<string>();
  const unpriced = new Set<string>();
  for (const position of snapshot.positions) {
    if (position.price === null) unpriced.add(position.symbol);
    if (position.value <= 0) continue;
    const classification = classifications.get(position.symbol);
    const weights = classification?.source === 'unclassified' ? undefined : classification?.assetClass;
    const entries = Object.entries(weights ?? {}) as [AssetClass, number][];
    const weightTotal = entries.reduce((sum, [, weight]) => sum + weight, 0);
    if (weightTotal <= 0) {
      unclassified.add(position.symbol);
      add('equity', position.value);
      continue;
    }
    // Weights are percents rounded by their publisher; scale so the position's value is kept whole.
    for (const [assetClass, weight] of entries) add(assetClass, (position.value * weight) / weightTotal);
  }
  for (const account of snapshot.accounts) if (account.cash > 0) add('cash', account.cash);
  const startingBalance = [...sums.values()].reduce((sum, value) => sum + value, 0);
  const fractions: AssetFractions = {};
  if (startingBalance > 0) for (const assetClass of ASSET_CLASSES) {
    const value = sums.get(assetClass);
    if (value) fractions[assetClass] = value / startingBalance;
  }
  return { startingBalance, fractions, unclassifiedAsEquity: [...unclassified].sort(), unpriced: [...unpriced].sort() };
}

export function projectRetirement(snapshot: Snapshot, options: ProjectionOptions = {}): RetirementResult {
  const method = options.method ?? 'monte-carlo';
  if (method !== 'monte-carlo' && method !== 'historical') {
    throw new InvalidInputError(`options.method: must be "monte-carlo" or "historical", got "${String(method)}"`);
  }
  const { goals } = snapshot;
  const asOfYear = new Date(snapshot.asOf).getUTCFullYear();
  const currentAge = asOfYear - snapshot.owner.birthYear;
  if (currentAge >= goals.lifeExpectancy) {
    throw new InvalidInputError(
      `goals.lifeExpectancy: must be above the owner's current age (${currentAge} in ${asOfYear}), got ${goals.lifeExpectancy}`,
    );
  }
  if (goals.retirementAge >= goals.lifeExpectancy) {
    throw new InvalidInputError(
      `goals.retirementAge: must be below goals.lifeExpectancy (${goals.lifeExpectancy}) so there are retirement years to project, got ${goals.retirementAge}`,
    );
  }
  const allocation = portfolioAllocation(snapshot);
  const accumulationYears = Math.max(0, goals.retirementAge - currentAge);
  if (allocation.startingBalance <= 0 && (goals.annualContribution <= 0 || accumulationYears === 0)) {
    throw new InvalidInputError(
      'snapshot.positions: no position or account cash has a value and no contributions are planned, so there is nothing to project',
    );
  }
  const retirementStartAge = currentAge + accumulationYears;
  const withdrawalYears = goals.lifeExpectancy - retirementStartAge;
  // Income above spending is not saved back into the portfolio: the withdrawal simply stops at 0.
  const annualWithdrawal = Math.max(0, goals.annualSpending - goals.otherIncome);
  // With no savings yet, the mix to grow contributions in is unknown: assume all equity, say so.
  const fractions = allocation.startingBalance > 0 ? allocation.fractions : { equity: 1 };

  const plan: RetirementPlan = {
    initialBalance: allocation.startingBalance,
    allocation: fractions,
    accumulationYears,
    annualContribution: goals.annualContribution,
    withdrawalYears,
    annualWithdrawal,
    targetSuccess: 0.9,
  };
  const simulation: SimulationResult =
    method === 'historical'
      ? simulateHistorical(plan)
      : simulateMonteCarlo({ ...plan, paths: options.paths ?? DEFAULT_PATHS, seed: options.seed ?? DEFAULT_SEED });

  const assumptions: Record<string, number | string | boolean> = {
    valuesIn: 'real terms: today’s US dollars',
    cashFlowTiming: 'start of each year: contributions until retirement, then withdrawals raised with inflation',
    rebalancing: 'yearly, back to today’s asset-class allocation',
    success: 'every withdrawal paid in full and a balance above zero at life expectancy',
    asOfYear,
    currentAge,
    retirementAge: goals.retirementAge,
    lifeExpectancy: goals.lifeExpectancy,
    accumulationYears,
    withdrawalYears,
    startingBalance: round(allocation.startingBalance, 2),
    annualContribution: goals.annualContribution,
    annualSpending: goals.annualSpending,
    otherIncome: goals.otherIncome,
    firstYearWithdrawal: round(simulation.firstYearWithdrawal, 2),
    ...Object.fromEntries(Object.entries(fractions).map(([assetClass, fraction]) => [`allocationPercent.${assetClass}`, round(fraction * 100, 2)])),
    ...simulation.assumptions,
    targetSuccess: simulation.targetSuccess,
    fundedYearsP10: round(simulation.fundedYearsP10, 1),
    moneyLastsToAgeP10: round(retirementStartAge + simulation.fundedYearsP10, 1),
  };
  if (simulation.sustainableWithdrawal !== null) {
    assumptions.sustainableWithdrawal = round(simulation.sustainableWithdrawal, 0);
    assumptions.sustainableSpending = round(simulation.sustainableWithdrawal + goals.otherIncome, 0);
  }
  // As a rate it only means something for a retiree: before retirement, today's balance is not
  // what the withdrawals will be drawn from, so the amount above is the figure to read.
  if (simulation.sustainableWithdrawalRate !== null && accumulationYears === 0) {
    assumptions.sustainableWithdrawalRate = round(simulation.sustainableWithdrawalRate, 4);
  }
  if (allocation.unclassifiedAsEquity.length > 0) {
    assumptions.unclassifiedAsEquity = `${allocation.unclassifiedAsEquity.join(', ')}: no asset-class classification, counted as equity`;
  }
  if (allocation.unpriced.length > 0) assumptions.unpricedPositions = `${allocation.unpriced.join(', ')}: no price, valued at 0`;
  if (allocation.startingBalance <= 0) assumptions.allocationNote = 'no current holdings: contributions assumed invested 100% in equity';
  if (goals.targetAllocation) assumptions.targetAllocationUsed = false;

  return RetirementResult.parse({
    method,
    paths: simulation.paths,
    successProbability: simulation.successProbability,
    bands: simulation.bands.map((band) => ({
      year: asOfYear + band.yearIndex,
      age: currentAge + band.yearIndex,
      p10: round(band.p10, 0),
      p25: round(band.p25, 0),
      p50: round(band.p50, 0),
      p75: round(band.p75, 0),
      p90: round(band.p90, 0),
    })),
    medianEndingValue: round(simulation.medianEndingValue, 0),
    p10EndingValue: round(simulation.p10EndingValue, 0),
    assumptions,
  });
}

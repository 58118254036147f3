/**
 * The retirement specialist's domain: a snapshot in, a RetirementResult out. It turns the
 * portfolio and goals into a two-phase plan (contributions until retirement, inflation-adjusted
 * withdrawals until life expectancy), runs it with the Monte Carlo or historical method, and
 * records every input it used. All money is real — today's dollars.
 */

import { DomainRefusal, InvalidInputError } from '#events/errors.ts';
import { type AssetClass, RetirementResult, round, type Snapshot } from '#events/values.ts';
import { allocationBy, holdings, UNCLASSIFIED } from '../common/holdings.ts';
import { defaultCapitalMarketAssumptions, withOverrides } from './assumptions.ts';
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
  // The same look-through as the charts and the report; what nobody could classify is simulated
  // as equity (the riskier assumption) and named in the result's assumptions.
  const fractions: AssetFractions = {};
  let startingBalance = 0;
  for (const slice of allocationBy(snapshot, 'assetClass')) {
    const assetClass = (slice.key === UNCLASSIFIED ? 'equity' : slice.key) as AssetClass;
    fractions[assetClass] = (fractions[assetClass] ?? 0) + slice.value;
    startingBalance += slice.value;
  }
  if (startingBalance > 0)
    for (const key of Object.keys(fractions) as AssetClass[]) fractions[key] = fractions[key]! / startingBalance;
  const unclassified = holdings(snapshot).filter((h) => h.value > 0 && !hasWeights(h.classification?.assetClass));
  return {
    startingBalance,
    fractions,
    unclassifiedAsEquity: [...new Set(unclassified.map((h) => h.symbol))].sort(),
    unpriced: [...new Set(snapshot.positions.filter((p) => p.price === null).map((p) => p.symbol))].sort(),
  };
}

function hasWeights(weights: Record<string, number | undefined> | undefined): boolean {
  return Object.values(weights ?? {}).some((weight) => (weight ?? 0) > 0);
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
    throw new DomainRefusal(
      'LifeExpectancyReached',
      `goals.lifeExpectancy: must be above the owner's current age (${currentAge} in ${asOfYear}), got ${goals.lifeExpectancy}`,
    );
  }
  if (goals.retirementAge >= goals.lifeExpectancy) {
    throw new DomainRefusal(
      'NoRetirementYears',
      `goals.retirementAge: must be below goals.lifeExpectancy (${goals.lifeExpectancy}) so there are retirement years to project, got ${goals.retirementAge}`,
    );
  }
  const allocation = portfolioAllocation(snapshot);
  const accumulationYears = Math.max(0, goals.retirementAge - currentAge);
  if (allocation.startingBalance <= 0 && (goals.annualContribution <= 0 || accumulationYears === 0)) {
    throw new DomainRefusal(
      'NothingToProject',
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
      : simulateMonteCarlo({
          ...plan,
          paths: options.paths ?? DEFAULT_PATHS,
          seed: options.seed ?? DEFAULT_SEED,
          market: withOverrides(defaultCapitalMarketAssumptions(), goals.marketAssumptions),
        });

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
    ...Object.fromEntries(
      Object.entries(fractions).map(([assetClass, fraction]) => [
        `allocationPercent.${assetClass}`,
        round(fraction * 100, 2),
      ]),
    ),
    ...simulation.assumptions,
    targetSuccess: simulation.targetSuccess,
    fundedYearsP10: round(simulation.fundedYearsP10, 1),
    moneyLastsToAgeP10: round(retirementStartAge + simulation.fundedYearsP10, 1),
  };
  // As a rate of today's balance it only means something for a retiree; before retirement the
  // withdrawals are drawn from what the balance will have become, so the median balance at
  // retirement is the base.
  const medianAtRetirement = simulation.bands[accumulationYears]?.p50 ?? 0;
  const rateBase = accumulationYears === 0 ? allocation.startingBalance : medianAtRetirement;
  assumptions.sustainableWithdrawalRateBasis =
    accumulationYears === 0
      ? 'first-year withdrawal ÷ today’s balance'
      : 'first-year withdrawal ÷ median projected balance at retirement';
  if (allocation.unclassifiedAsEquity.length > 0) {
    assumptions.unclassifiedAsEquity = `${allocation.unclassifiedAsEquity.join(', ')}: no asset-class classification, counted as equity`;
  }
  if (allocation.unpriced.length > 0)
    assumptions.unpricedPositions = `${allocation.unpriced.join(', ')}: no price, valued at 0`;
  if (allocation.startingBalance <= 0)
    assumptions.allocationNote = 'no current holdings: contributions assumed invested 100% in equity';
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
    moneyLastsToAgeP10: round(retirementStartAge + simulation.fundedYearsP10, 1),
    sustainableWithdrawal:
      simulation.sustainableWithdrawal === null ? null : round(simulation.sustainableWithdrawal, 0),
    sustainableSpending:
      simulation.sustainableWithdrawal === null ? null : round(simulation.sustainableWithdrawal + goals.otherIncome, 0),
    sustainableWithdrawalRate:
      simulation.sustainableWithdrawal === null || rateBase <= 0
        ? null
        : round(simulation.sustainableWithdrawal / rateBase, 4),
    assumptions,
  });
}

/**
 * The retirement specialist's domain: a snapshot in, a RetirementResult out. It turns the
 * portfolio and goals into a two-phase plan (contributions until retirement, inflation-adjusted
 * withdrawals until life expectancy), runs it with the Monte Carlo or historical method, and
 * records every input it used. All money is real — today's dollars.
 */

import { DomainRefusal, InvalidInputError } from '#events/errors.ts';
import { RetirementResult, round, type Snapshot } from '#events/values.ts';
import type { RetirementPlan } from './engine.ts';
import { type PortfolioAllocation, portfolioAllocation } from './inputs.ts';
import { SharedDraws } from './market-paths.ts';
import { assumptionSets } from './market-sets.ts';
import { DEFAULT_PATHS, DEFAULT_SEED } from './monte-carlo.ts';
import { planRetirement } from './planning.ts';
import { outlookOf, runScenarios, type Scenario } from './scenarios.ts';

export { type PortfolioAllocation, portfolioAllocation } from './inputs.ts';

export interface ProjectionOptions {
  method?: 'monte-carlo' | 'historical';
  /** Monte Carlo paths; the historical method has one path per rolling period. */
  paths?: number;
  seed?: number;
  /** The planning view (income, taxes, strategy, both methods, sensitivity); on unless false. */
  planning?: boolean;
  /** Monte Carlo paths for the planning view's sensitivity table and 90% search. */
  gridPaths?: number;
}

export function projectRetirement(snapshot: Snapshot, options: ProjectionOptions = {}): RetirementResult {
  const method = options.method ?? 'monte-carlo';
  if (method !== 'monte-carlo' && method !== 'historical') {
    throw new InvalidInputError(`options.method: must be "monte-carlo" or "historical", got "${String(method)}"`);
  }
  const { goals } = snapshot;
  const { asOfYear, currentAge } = checkedAges(snapshot);
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
  const plan: Omit<RetirementPlan, 'allocation'> = {
    initialBalance: allocation.startingBalance,
    accumulationYears,
    annualContribution: goals.annualContribution,
    withdrawalYears,
    annualWithdrawal,
    targetSuccess: 0.9,
    annualFee: allocation.annualFee,
    singleStocks: allocation.singleStocks,
  };
  // One set of draws per mix and assumption set serves the outlook and the planning view.
  const paths = options.paths ?? DEFAULT_PATHS;
  const seed = options.seed ?? DEFAULT_SEED;
  const draws = new SharedDraws(paths, accumulationYears + withdrawalYears, seed);
  const scenarios = runScenarios(plan, allocation, goals.marketAssumptions, method, { paths, seed, draws });
  const primary = scenarios[scenarios.length - 1]!;
  const simulation = primary.result;

  const medianAtRetirement = simulation.bands[accumulationYears]?.p50 ?? 0;
  // As a rate of today's balance it only means something for a retiree; before retirement the
  // withdrawals are drawn from what the balance will have become, so the median balance at
  // retirement is the base.
  const rateBase = accumulationYears === 0 ? allocation.startingBalance : medianAtRetirement;
  const assumptions = recordedAssumptions(snapshot, allocation, primary, {
    asOfYear,
    currentAge,
    accumulationYears,
    withdrawalYears,
    retirementStartAge,
  });

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
    outlook: outlookOf(scenarios, primary, allocation, {
      plannedSpending: goals.annualSpending,
      otherIncome: goals.otherIncome,
      spendingFromPortfolio: annualWithdrawal,
      retirementStartAge,
      currentAge,
    }),
    planning:
      options.planning === false
        ? undefined
        : planRetirement(
            snapshot,
            assumptionSets(goals.marketAssumptions).map((set) => ({ set, fractions: primary.fractions })),
            allocation.singleStocks,
            allocation.annualFee,
            { paths, seed, gridPaths: options.gridPaths, draws },
          ),
  });
}

export type { Scenario };

function checkedAges(snapshot: Snapshot): { asOfYear: number; currentAge: number } {
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
  return { asOfYear, currentAge };
}

interface Timeline {
  asOfYear: number;
  currentAge: number;
  accumulationYears: number;
  withdrawalYears: number;
  retirementStartAge: number;
}

/** Every input the headline scenario's numbers depend on, for the record. */
function recordedAssumptions(
  snapshot: Snapshot,
  allocation: PortfolioAllocation,
  primary: Scenario,
  timeline: Timeline,
): Record<string, number | string | boolean> {
  const { goals } = snapshot;
  const { asOfYear, currentAge, accumulationYears, withdrawalYears, retirementStartAge } = timeline;
  const simulation = primary.result;
  const fractions = primary.fractions;
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
  assumptions.sustainableWithdrawalRateBasis =
    accumulationYears === 0
      ? 'first-year withdrawal ÷ today’s balance'
      : 'first-year withdrawal ÷ median projected balance at retirement';
  if (allocation.unclassified.length > 0) {
    assumptions.unclassified = `${allocation.unclassified.join(', ')}: no asset-class classification; projected both as bonds and as stocks, the lower success shown`;
  }
  if (allocation.unpriced.length > 0)
    assumptions.unpricedPositions = `${allocation.unpriced.join(', ')}: no price, valued at 0`;
  if (allocation.startingBalance <= 0)
    assumptions.allocationNote = 'no current holdings: contributions assumed invested 100% in equity';
  if (goals.targetAllocation) assumptions.targetAllocationUsed = false;

  return assumptions;
}

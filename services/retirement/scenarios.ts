/**
 * The projection under every assumption set, each under both readings of what nobody could
 * classify (as bonds and as stocks), keeping the lower success — the cautious reading for this
 * household — and the range. The headline scenario comes last: the household's own figures when
 * stated, otherwise the conservative forward-looking set. Same seed for every run, so the
 * scenarios differ only by their assumptions.
 */
import type { MarketAssumptionOverrides, RetirementOutlook, ScenarioOutcome } from '#events/values.ts';
import { round } from '#events/values.ts';
import type { AssetFractions, RetirementPlan, SimulationResult } from './engine.ts';
import { simulateHistorical } from './historical.ts';
import { fractionsUnder, type PortfolioAllocation, type UnclassifiedReading } from './inputs.ts';
import type { SharedDraws } from './market-paths.ts';
import { type AssumptionSet, type AssumptionSetId, assumptionSets } from './market-sets.ts';
import { DEFAULT_PATHS, DEFAULT_SEED, simulateMonteCarlo } from './monte-carlo.ts';

/** Above this share unclassified, the headline says the projection is uncertain. */
export const UNCERTAIN_UNCLASSIFIED_PERCENT = 10;

export interface Scenario {
  id: AssumptionSetId;
  label: string;
  set: AssumptionSet | undefined;
  /** The run under the cautious reading. */
  result: SimulationResult;
  fractions: AssetFractions;
  cautiousReading: UnclassifiedReading | null;
  range: { low: number; high: number } | null;
}

type PlanBase = Omit<RetirementPlan, 'allocation'>;
interface RunOptions {
  paths?: number;
  seed?: number;
  /** The projection's draws, which the planning view reads too. */
  draws?: SharedDraws;
}

export function runScenarios(
  plan: PlanBase,
  allocation: PortfolioAllocation,
  stated: MarketAssumptionOverrides | undefined,
  method: 'monte-carlo' | 'historical',
  options: RunOptions,
): Scenario[] {
  if (method === 'historical') {
    return [runUnderReadings(plan, allocation, undefined, 'Historical sequences (US 1928–2024)', options)];
  }
  return assumptionSets(stated).map((set) => runUnderReadings(plan, allocation, set, set.label, options));
}

function runUnderReadings(
  plan: PlanBase,
  allocation: PortfolioAllocation,
  set: AssumptionSet | undefined,
  label: string,
  options: RunOptions,
): Scenario {
  const run = (fractions: AssetFractions): SimulationResult => {
    const full = { ...plan, allocation: fractions };
    return set === undefined
      ? simulateHistorical({ ...full, seed: options.seed ?? DEFAULT_SEED })
      : simulateMonteCarlo({
          ...full,
          paths: options.paths ?? DEFAULT_PATHS,
          seed: options.seed ?? DEFAULT_SEED,
          market: set.market,
          draws: options.draws,
        });
  };
  const id = set?.id ?? 'historical';
  // With no savings yet, the mix to grow contributions in is unknown: all equity, and said so.
  if (allocation.startingBalance <= 0) {
    const fractions = { equity: 1 };
    return { id, label, set, result: run(fractions), fractions, cautiousReading: null, range: null };
  }
  if (allocation.unclassifiedFraction <= 0) {
    const fractions = allocation.fractions;
    return { id, label, set, result: run(fractions), fractions, cautiousReading: null, range: null };
  }
  const readings = (['fixed_income', 'equity'] as const).map((reading) => {
    const fractions = fractionsUnder(allocation, reading);
    return { reading, fractions, result: run(fractions) };
  });
  const [low, high] = [...readings].sort(
    (a, b) =>
      a.result.successProbability - b.result.successProbability ||
      (a.result.sustainableWithdrawal ?? 0) - (b.result.sustainableWithdrawal ?? 0),
  ) as [(typeof readings)[number], (typeof readings)[number]];
  return {
    id,
    label,
    set,
    result: low.result,
    fractions: low.fractions,
    cautiousReading: low.reading,
    range: { low: low.result.successProbability, high: high.result.successProbability },
  };
}

interface OutlookContext {
  plannedSpending: number;
  otherIncome: number;
  spendingFromPortfolio: number;
  retirementStartAge: number;
  currentAge: number;
}

export function outlookOf(
  scenarios: readonly Scenario[],
  primary: Scenario,
  allocation: PortfolioAllocation,
  context: OutlookContext,
): RetirementOutlook {
  const unclassifiedPercent = allocation.unclassifiedFraction * 100;
  // Fees on the median path: each year's fee on the balance at its start, in today's money.
  const horizonCost = primary.result.bands.slice(0, -1).reduce((sum, band) => sum + band.p50 * allocation.annualFee, 0);
  return {
    scenarios: scenarios.map((scenario) => outcomeOf(scenario, context.otherIncome, context.retirementStartAge)),
    primary: primary.id,
    plannedSpending: context.plannedSpending,
    spendingFromPortfolio: context.spendingFromPortfolio,
    unclassifiedPercent: round(unclassifiedPercent, 2),
    unclassifiedSymbols: allocation.unclassified,
    cautiousReading: primary.cautiousReading,
    uncertain: unclassifiedPercent > UNCERTAIN_UNCLASSIFIED_PERCENT,
    singleStocks: allocation.singleStocks.map((stock) => ({
      symbol: stock.symbol,
      percent: round(stock.fraction * 100, 2),
      volatility: stock.volatility,
      ...(stock.volatilityBasis === undefined
        ? {}
        : { ownVolatility: stock.ownVolatility, volatilityBasis: stock.volatilityBasis }),
    })),
    fees: {
      weightedExpenseRatioPercent: round(allocation.annualFee * 100, 4),
      annualCost: round(allocation.annualFeeCost, 0),
      horizonCost: round(horizonCost, 0),
      unknownSymbols: allocation.unknownFeeSymbols,
    },
  };
}

function outcomeOf(scenario: Scenario, otherIncome: number, retirementStartAge: number): ScenarioOutcome {
  const { result, set } = scenario;
  const sustainable = result.sustainableWithdrawal;
  return {
    id: scenario.id,
    label: scenario.label,
    successProbability: result.successProbability,
    successRange: scenario.range,
    sustainableSpending: sustainable === null ? null : round(sustainable + otherIncome, 0),
    moneyLastsToAgeP10: round(retirementStartAge + result.fundedYearsP10, 1),
    expectedReturn: set
      ? Object.fromEntries(Object.entries(set.market.assets).map(([c, a]) => [c, a.expectedReturn]))
      : {},
    // The historical method deflates by each year's CPI, not a constant rate: null says so.
    inflation: set?.market.inflation ?? null,
    source: set?.market.source ?? String(result.assumptions.returnsSource ?? 'historical sequences'),
  };
}

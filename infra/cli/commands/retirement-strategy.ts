/**
 * `alex retirement simulate --strategy …` for the variable strategies: a portfolio of 1 run
 * through the planning engine (no taxes, no other income), over every historical start year or
 * seeded Monte Carlo paths, printing success and the spending path (median and poor case).
 */
import { ASSET_CLASSES } from '#events/values.ts';
import type { CapitalMarketAssumptions } from '#services/retirement/assumptions.ts';
import { runCashflow } from '#services/retirement/cashflow.ts';
import type { HistoricalReturns } from '#services/retirement/historical.ts';
import { historicalPaths, monteCarloPaths } from '#services/retirement/market-paths.ts';
import { annuityDue, describeStrategy, type StrategyKind, vpwGrowthTrend } from '#services/retirement/strategies.ts';
import { noTaxSchedule } from '#services/retirement/taxes.ts';
import type { Io } from '../cli-kit.ts';

export interface StrategyRun {
  strategy: StrategyKind;
  years: number;
  rate: number;
  stocks: number;
  method: 'historical' | 'monte-carlo';
  window: { from: number; to: number };
  data: HistoricalReturns;
  paths: number;
  seed: number;
  market: CapitalMarketAssumptions | undefined;
}

export function simulateStrategy(run: StrategyRun) {
  const weights = new Float64Array(ASSET_CLASSES.length);
  weights[ASSET_CLASSES.indexOf('equity')] = run.stocks;
  weights[ASSET_CLASSES.indexOf('fixed_income')] = 1 - run.stocks;
  const market =
    run.method === 'historical'
      ? historicalPaths(weights, run.years, run.data, run.window)
      : monteCarloPaths(weights, [], run.market!, run.paths, run.years, run.seed);
  const zeros = () => new Float64Array(run.years);
  const trend = vpwGrowthTrend(run.stocks);
  const result = runCashflow(
    {
      accumulationYears: 0,
      withdrawalYears: run.years,
      contribution: 0,
      taxable: 0,
      taxableBasis: 0,
      preTax: 0,
      roth: 1,
      annualFee: 0,
      spending: 0,
      strategy: run.strategy,
      strategyRate: run.rate,
      // With a horizon instead of an age, VPW spends over the years left.
      vpwRates: Float64Array.from({ length: run.years }, (_, t) => annuityDue(trend, run.years - t)),
      incomeReal: zeros(),
      incomeRealTaxable: zeros(),
      incomeNominal: zeros(),
      rmdFractions: zeros(),
      deductions: zeros(),
      tax: noTaxSchedule(),
      order: ['roth', 'taxable', 'pre_tax'],
    },
    market,
    { detail: true },
  );
  const round4 = (x: number) => Math.round(x * 10_000) / 10_000;
  return {
    method: run.method,
    strategy: run.strategy,
    description: describeStrategy({ kind: run.strategy, rate: run.rate }),
    years: run.years,
    withdrawalRate: run.strategy === 'vpw' ? null : run.rate,
    stocks: run.stocks,
    successRate: result.successProbability,
    ...(run.method === 'historical'
      ? { periods: result.paths, from: run.window.from, to: run.window.to }
      : { paths: result.paths, seed: run.seed }),
    medianEndingValue: round4(result.balance.at(-1)!.p50),
    p10EndingValue: round4(result.balance.at(-1)!.p10),
    /** Each year's withdrawal as a fraction of the starting balance, in today's money. */
    spendingPath: result.spending.map((band) => ({
      year: band.year + 1,
      poor: round4(band.p10),
      median: round4(band.p50),
      good: round4(band.p90),
    })),
  };
}

export function printStrategy(io: Io, output: ReturnType<typeof simulateStrategy>, json: boolean): void {
  if (json) {
    io.out(JSON.stringify(output, null, 2));
    return;
  }
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const basis =
    'periods' in output
      ? `${output.periods} rolling ${output.years}-year periods, ${output.from}–${output.to}`
      : `${output.paths.toLocaleString('en-US')} Monte Carlo paths, seed ${output.seed}`;
  io.out(`${output.description}; ${pct(output.stocks)} stocks, ${output.years} years:`);
  io.out(`  success rate           ${pct(output.successRate)} of ${basis}`);
  io.out(`  ending value (median)  ${output.medianEndingValue.toFixed(2)} × the starting balance, in today's money`);
  io.out('  spending path (start of each year, % of the starting balance in today’s money):');
  io.out('    year   poor (10th)   median');
  const marks = new Set([1, 2, 3, 5, 10, 15, 20, 25, 30, 40, 50, output.years]);
  for (const point of output.spendingPath.filter((p) => marks.has(p.year)))
    io.out(
      `    ${String(point.year).padStart(4)}   ${pct(point.poor).padStart(11)}   ${pct(point.median).padStart(6)}`,
    );
}

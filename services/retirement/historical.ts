/**
 * Historical sequences: every rolling period of the US annual returns vendored in
 * data/historical-returns.csv (Damodaran, 1928–2024; see data/historical-returns.sources.md),
 * run through the shared cash-flow engine. Stocks are the S&P 500 with dividends, bonds the
 * 10-year Treasury, cash the 3-month T-bill, and each year's CPI change converts nominal
 * returns to real ones. A single company is not the index: see single-stock-history.ts.
 */
import { readFileSync } from 'node:fs';
import * as z from 'zod';
import { InvalidInputError } from '#events/errors.ts';
import { ASSET_CLASSES, type AssetClass } from '#events/values.ts';
import { type RetirementPlan, resolvePlan, runPaths, type SimulationResult, weightsByAssetClass } from './engine.ts';
import { singleStockHistory } from './single-stock-history.ts';

export const SERIES = ['sp500', 'tbill', 'tbond', 'cpi'] as const;
export type Series = (typeof SERIES)[number];

export interface HistoricalReturns {
  firstYear: number;
  lastYear: number;
  /** Annual returns (decimals, 0.10 = 10%), index 0 = firstYear. */
  sp500: Float64Array;
  tbill: Float64Array;
  tbond: Float64Array;
  cpi: Float64Array;
}

/**
 * Which series stands for each asset class. The data has no real-estate or commodity series, so
 * those use proxies: real estate the S&P 500 (listed real estate trades as equity), commodities
 * the T-bill (a fully collateralised commodity position earns the bill rate plus a long-run
 * excess return taken here as zero; its price swings are not modelled).
 */
export const ASSET_SERIES: Record<AssetClass, Exclude<Series, 'cpi'>> = {
  equity: 'sp500',
  fixed_income: 'tbond',
  real_estate: 'sp500',
  commodities: 'tbill',
  cash: 'tbill',
};

export const HISTORICAL_RETURNS_FILE = 'data/historical-returns.csv';

/**
 * Parses `year,sp500,tbill,tbond,cpi` rows of consecutive years; errors name the line and column.
 * The file is vendored, so a fault in it is a plain error (retried, then alarmed), not bad input.
 */
export function parseHistoricalReturns(csv: string, file = 'historical-returns.csv'): HistoricalReturns {
  const lines = csv.split(/\r?\n/).filter((line) => line.trim() !== '');
  const header = lines[0]?.split(',').map((cell) => cell.trim());
  const expected = ['year', ...SERIES];
  if (!header || header.join(',') !== expected.join(',')) {
    throw new Error(`${file} line 1: header must be "${expected.join(',')}", got "${lines[0] ?? ''}"`);
  }
  const rows = lines.slice(1);
  if (rows.length === 0) throw new Error(`${file}: no data rows`);
  const columns = Object.fromEntries(SERIES.map((series) => [series, new Float64Array(rows.length)])) as Record<
    Series,
    Float64Array
  >;
  let firstYear = 0;
  rows.forEach((row, index) => {
    const line = index + 2;
    const cells = row.split(',').map((cell) => cell.trim());
    if (cells.length !== expected.length) {
      throw new Error(`${file} line ${line}: expected ${expected.length} values, got ${cells.length}`);
    }
    const year = Number(cells[0]);
    if (!Number.isInteger(year)) throw new Error(`${file} line ${line}, column year: "${cells[0]}" is not a year`);
    if (index === 0) firstYear = year;
    else if (year !== firstYear + index) {
      throw new Error(
        `${file} line ${line}, column year: expected ${firstYear + index} (years must be consecutive), got ${year}`,
      );
    }
    SERIES.forEach((series, column) => {
      const cell = cells[column + 1]!;
      const value = cell === '' ? Number.NaN : Number(cell);
      if (!Number.isFinite(value)) throw new Error(`${file} line ${line}, column ${series}: "${cell}" is not a number`);
      if (value <= -1) throw new Error(`${file} line ${line}, column ${series}: ${value} is a loss of 100% or more`);
      columns[series][index] = value;
    });
  });
  return { firstYear, lastYear: firstYear + rows.length - 1, ...columns };
}

let vendored: HistoricalReturns | undefined;
/** The vendored data, read synchronously once, relative to this module. */
export function loadHistoricalReturns(): HistoricalReturns {
  vendored ??= parseHistoricalReturns(readFileSync(new URL(`./${HISTORICAL_RETURNS_FILE}`, import.meta.url), 'utf8'));
  return vendored;
}

export interface HistoricalWindow {
  /** First calendar year a period may use; the data's first year unless given. */
  from?: number;
  /** Last calendar year a period may use; the data's last year unless given. */
  to?: number;
  /** Returns to use instead of the vendored file. */
  data?: HistoricalReturns;
}

export interface HistoricalOptions extends RetirementPlan, HistoricalWindow {
  /** Seed of the single stocks' own (idiosyncratic) returns; unused without single stocks. */
  seed?: number;
}

const WindowSchema = z.object({ from: z.number().int().optional(), to: z.number().int().optional() });

/**
 * Runs the plan over every rolling period of `years` consecutive years inside the window, one
 * path per starting year: (window length − years + 1) paths.
 */
export function simulateHistorical(options: HistoricalOptions): SimulationResult {
  const plan = resolvePlan(options);
  const data = options.data ?? loadHistoricalReturns();
  const { from, to } = resolveWindow(options, data);
  const span = to - from + 1;
  const periods = span - plan.years + 1;
  if (periods < 1) {
    throw new InvalidInputError(
      `years: the plan needs ${plan.years} consecutive years of returns but the window ${from}–${to} holds only ${span}`,
    );
  }

  // Single stocks leave the equity sleeve: the index part follows the S&P 500, each company its own path.
  const stocks = singleStockHistory(plan, data, from, to, options.seed);
  const weights = new Float64Array(plan.weights);
  weights[ASSET_CLASSES.indexOf('equity')] = Math.max(0, weights[ASSET_CLASSES.indexOf('equity')]! - stocks.fraction);

  // Nominal return of the rebalanced portfolio without its single stocks, in each calendar year.
  const nominal = new Float64Array(span);
  const inflation = new Float64Array(span);
  for (let y = 0; y < span; y++) {
    const at = from - data.firstYear + y;
    ASSET_CLASSES.forEach((assetClass, index) => {
      const weight = weights[index]!;
      if (weight > 0) nominal[y] = nominal[y]! + weight * data[ASSET_SERIES[assetClass]][at]!;
    });
    inflation[y] = data.cpi[at]!;
  }

  // Path i relives the period starting in calendar year from + (i mod periods); with single
  // stocks each period is relived stocks.replicates times, each time with the companies' own luck.
  const paths = periods * stocks.replicates;
  const stockReturns = new Float64Array(paths);
  const statistics = runPaths(plan, paths, (year, growth) => {
    stocks.fill(year, periods, stockReturns);
    for (let i = 0; i < paths; i++) {
      const y = (i % periods) + year;
      growth[i] = (1 + nominal[y]! + stockReturns[i]!) / (1 + inflation[y]!);
    }
  });
  const byClass = weightsByAssetClass(plan.weights);
  return {
    method: 'historical',
    ...statistics,
    assumptions: {
      method: 'historical',
      ...stocks.assumptions,
      returnsSource: 'Damodaran, Historical Returns on Stocks, Bonds and Bills (January 2025 edition, 1928–2024)',
      historicalFrom: from,
      historicalTo: to,
      firstStartYear: from,
      lastStartYear: from + periods - 1,
      periods,
      ...Object.fromEntries(ASSET_CLASSES.filter((c) => byClass[c] > 0).map((c) => [`series.${c}`, ASSET_SERIES[c]])),
      inflation: 'each year’s CPI-U change (Dec/Dec)',
    },
  };
}

function resolveWindow(window: HistoricalWindow, data: HistoricalReturns): { from: number; to: number } {
  const parsed = InvalidInputError.parse(WindowSchema, { from: window.from, to: window.to }, 'options');
  const from = parsed.from ?? data.firstYear;
  const to = parsed.to ?? data.lastYear;
  if (from < data.firstYear || from > data.lastYear) {
    throw new InvalidInputError(
      `options.from: must be within the data, ${data.firstYear}–${data.lastYear}, got ${from}`,
    );
  }
  if (to < from || to > data.lastYear) {
    throw new InvalidInputError(`options.to: must be between options.from (${from}) and ${data.lastYear}, got ${to}`);
  }
  return { from, to };
}

export interface WithdrawalStudyOptions extends HistoricalWindow {
  method: 'historical';
  /** Payout period in years. */
  years: number;
  /** First-year withdrawal as a fraction of the starting portfolio (0.04 = 4%). */
  withdrawalRate: number;
  /** Fraction in stocks (0.75 = 75%); the rest is in bonds. */
  stocks: number;
  /** When withdrawals are taken in the year; `start` unless given. */
  withdrawalTiming?: 'start' | 'middle';
}

const StudySchema = z.object({
  method: z.literal('historical'),
  years: z.number().int().min(1).max(150),
  withdrawalRate: z.number().gt(0).max(1, 'must be a fraction (0.04 = 4%)'),
  stocks: z.number().min(0).max(1, 'must be a fraction (0.75 = 75% stocks, the rest bonds)'),
});

/**
 * The Trinity-study question (Cooley, Hubbard & Walz 1998): in what share of historical payout
 * periods does a stock/bond portfolio, rebalanced yearly, pay a withdrawal of withdrawalRate of
 * its starting value raised each year by CPI, and still hold more than zero at the end?
 * Withdrawals here are annual at the start of each year; the study's were monthly.
 */
export function withdrawalSuccessRate(options: WithdrawalStudyOptions): { successRate: number; periods: number } {
  const study = InvalidInputError.parse(StudySchema, options, 'options');
  const result = simulateHistorical({
    initialBalance: 1,
    allocation: { equity: study.stocks, fixed_income: 1 - study.stocks },
    withdrawalYears: study.years,
    withdrawalRate: study.withdrawalRate,
    withdrawalTiming: options.withdrawalTiming,
    from: options.from,
    to: options.to,
    data: options.data,
  });
  return { successRate: result.successProbability, periods: result.paths };
}

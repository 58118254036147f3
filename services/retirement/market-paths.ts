/**
 * Market paths for the planning engine, drawn once and shared by every run over them: Monte
 * Carlo under an assumption set (the same normal model and generator as monte-carlo.ts), and
 * every historical start year of the vendored 1928–2024 returns with each year's CPI.
 */
import { ASSET_CLASSES } from '#events/values.ts';
import { type CapitalMarketAssumptions, portfolioMoments, type SingleStock } from './assumptions.ts';
import type { MarketPaths } from './cashflow.ts';
import { ASSET_SERIES, type HistoricalReturns, loadHistoricalReturns } from './historical.ts';
import { SeededNormal } from './monte-carlo.ts';

export interface HistoricalPaths extends MarketPaths {
  /** Calendar year path 0 starts in; path i starts in firstStartYear + i. */
  firstStartYear: number;
}

/** `paths` × `years` real growth factors: (1 + r) / (1 + inflation), r ~ N(μ, σ), floored at a total loss. */
export function monteCarloPaths(
  weights: Float64Array,
  singleStocks: readonly SingleStock[],
  market: CapitalMarketAssumptions,
  paths: number,
  years: number,
  seed: number,
): MarketPaths {
  const moments = portfolioMoments(weights, market, singleStocks);
  const base = (1 + moments.expectedReturn) / (1 + market.inflation);
  const spread = moments.volatility / (1 + market.inflation);
  const growth = new Float64Array(paths * years);
  const normals = new SeededNormal(seed);
  for (let year = 0; year < years; year++) {
    normals.fill(growth.subarray(year * paths, (year + 1) * paths), paths, base, spread, 0);
  }
  return { paths, years, growth, inflation: null, constantInflation: market.inflation };
}

/** Above this many paths a shared matrix would cost more memory (8 bytes a path-year) than it saves. */
export const MAX_SHARED_PATHS = 20_000;

/**
 * One projection's Monte Carlo draws, drawn once per portfolio mix and assumption set and read by
 * both views: the outlook runs all `paths`, the planning view the first of each year's row. The
 * key is the model's inputs, so two callers get the same matrix exactly when they would have
 * drawn the same numbers.
 */
export class SharedDraws {
  private readonly drawn = new Map<string, MarketPaths>();

  constructor(
    readonly paths: number,
    readonly years: number,
    readonly seed: number,
  ) {}

  /** The draws, or undefined when the sizes are not ones to share (the caller draws or refuses). */
  get(weights: Float64Array, singleStocks: readonly SingleStock[], market: CapitalMarketAssumptions) {
    const { paths, years } = this;
    const sizes = [paths, years].every((n) => Number.isInteger(n) && n >= 1);
    if (!sizes || paths > MAX_SHARED_PATHS) return undefined;
    const { assets, correlation, inflation } = market;
    // Only what the draws depend on: a stock's fraction and volatility, in order. The outlook and
    // the planning view describe the same stocks with different fields (the planning view's carry
    // their own volatility's source), and keying on those would draw the same matrix twice.
    const stocks = singleStocks.map((stock) => [stock.fraction, stock.volatility]);
    const key = JSON.stringify([Array.from(weights), stocks, assets, correlation, inflation]);
    let drawn = this.drawn.get(key);
    if (!drawn) {
      drawn = monteCarloPaths(weights, singleStocks, market, paths, years, this.seed);
      this.drawn.set(key, drawn);
    }
    return drawn;
  }
}

/** One path per start year whose `years` consecutive years fit in the data (or in from–to). */
export function historicalPaths(
  weights: Float64Array,
  years: number,
  data: HistoricalReturns = loadHistoricalReturns(),
  window: { from?: number; to?: number } = {},
): HistoricalPaths {
  if (window.from !== undefined || window.to !== undefined) data = sliceYears(data, window);
  const span = data.lastYear - data.firstYear + 1;
  const paths = span - years + 1;
  if (paths < 1) throw new Error(`the plan needs ${years} years of returns; the data holds ${span}`);
  const realGrowth = new Float64Array(span);
  for (let y = 0; y < span; y++) {
    let nominal = 0;
    ASSET_CLASSES.forEach((assetClass, index) => {
      if (weights[index]! > 0) nominal += weights[index]! * data[ASSET_SERIES[assetClass]][y]!;
    });
    realGrowth[y] = (1 + nominal) / (1 + data.cpi[y]!);
  }
  const growth = new Float64Array(paths * years);
  const inflation = new Float64Array(paths * years);
  for (let year = 0; year < years; year++) {
    for (let i = 0; i < paths; i++) {
      growth[year * paths + i] = realGrowth[i + year]!;
      inflation[year * paths + i] = data.cpi[i + year]!;
    }
  }
  return { paths, years, growth, inflation, constantInflation: 0, firstStartYear: data.firstYear };
}

function sliceYears(data: HistoricalReturns, window: { from?: number; to?: number }): HistoricalReturns {
  const from = Math.max(window.from ?? data.firstYear, data.firstYear);
  const to = Math.min(window.to ?? data.lastYear, data.lastYear);
  const a = from - data.firstYear;
  const b = to - data.firstYear + 1;
  return {
    firstYear: from,
    lastYear: to,
    sp500: data.sp500.subarray(a, b),
    tbill: data.tbill.subarray(a, b),
    tbond: data.tbond.subarray(a, b),
    cpi: data.cpi.subarray(a, b),
  };
}

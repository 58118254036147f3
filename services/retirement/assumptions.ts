/**
 * Capital-market assumptions for the Monte Carlo method, and the portfolio moments they imply.
 *
 * The defaults are computed, not typed in: from the vendored Damodaran returns 1928–2024
 * (data/historical-returns.sources.md), each asset class takes the arithmetic mean and sample
 * standard deviation of its series (see ASSET_SERIES for the real-estate and commodity proxies),
 * the correlations are the Pearson correlations between those series (stocks/bonds, stocks/bills,
 * bonds/bills), and inflation is the geometric mean of CPI. Arithmetic means go with normally
 * distributed annual returns: compounding then gives back roughly the geometric mean
 * (11.8% − 19.5%²/2 ≈ 9.9% for the S&P 500), as history did.
 */

import * as z from 'zod';
import { InvalidInputError } from '#events/errors.ts';
import type { MarketAssumptionOverrides } from '#events/values.ts';
import { ASSET_CLASSES, type AssetClass } from '#events/values.ts';
import { ASSET_SERIES, type HistoricalReturns, loadHistoricalReturns } from './historical.ts';

export interface AssetReturn {
  /** Arithmetic mean nominal annual return (0.10 = 10%). */
  expectedReturn: number;
  /** Standard deviation of the annual return. */
  volatility: number;
}

export interface CapitalMarketAssumptions {
  assets: Record<AssetClass, AssetReturn>;
  /** Symmetric correlation matrix of annual returns, 1 on the diagonal. */
  correlation: Record<AssetClass, Record<AssetClass, number>>;
  /** Constant annual inflation used to turn nominal returns into real ones. */
  inflation: number;
  /** Where the numbers come from, for the record. */
  source: string;
}

export const DEFAULT_ASSUMPTIONS_SOURCE =
  'computed from Damodaran US annual returns 1928–2024: arithmetic mean and sample standard deviation of the S&P 500 (equity; real-estate proxy), 10-year T-bond (fixed income) and 3-month T-bill (cash; commodity proxy), their correlations, and geometric-mean CPI inflation';

export function deriveCapitalMarketAssumptions(
  data: HistoricalReturns,
  source = DEFAULT_ASSUMPTIONS_SOURCE,
): CapitalMarketAssumptions {
  const assets = Object.fromEntries(
    ASSET_CLASSES.map((assetClass) => {
      const series = data[ASSET_SERIES[assetClass]];
      return [assetClass, { expectedReturn: mean(series), volatility: sampleStandardDeviation(series) }];
    }),
  ) as Record<AssetClass, AssetReturn>;
  const correlation = Object.fromEntries(
    ASSET_CLASSES.map((a) => [
      a,
      Object.fromEntries(
        ASSET_CLASSES.map((b) => [
          b,
          ASSET_SERIES[a] === ASSET_SERIES[b] ? 1 : pearson(data[ASSET_SERIES[a]], data[ASSET_SERIES[b]]),
        ]),
      ),
    ]),
  ) as Record<AssetClass, Record<AssetClass, number>>;
  return { assets, correlation, inflation: geometricMean(data.cpi), source };
}

let defaults: CapitalMarketAssumptions | undefined;
/** The defaults, computed once from the vendored data. Treat as read-only; copy to change. */
export function defaultCapitalMarketAssumptions(): CapitalMarketAssumptions {
  defaults ??= deriveCapitalMarketAssumptions(loadHistoricalReturns());
  return defaults;
}

const AssetReturnSchema = z.object({ expectedReturn: z.number().gt(-1).max(1), volatility: z.number().min(0).max(2) });
const CorrelationRow = z.object(
  Object.fromEntries(ASSET_CLASSES.map((c) => [c, z.number().min(-1).max(1)])) as Record<AssetClass, z.ZodNumber>,
);
const AssumptionsSchema = z.object({
  assets: z.object(
    Object.fromEntries(ASSET_CLASSES.map((c) => [c, AssetReturnSchema])) as Record<
      AssetClass,
      typeof AssetReturnSchema
    >,
  ),
  correlation: z.object(
    Object.fromEntries(ASSET_CLASSES.map((c) => [c, CorrelationRow])) as Record<AssetClass, typeof CorrelationRow>,
  ),
  inflation: z.number().gt(-1).max(1),
  source: z.string(),
});

/** Checks a caller-supplied set: complete, symmetric, unit diagonal, positive semi-definite. */
export function validateCapitalMarketAssumptions(
  market: CapitalMarketAssumptions,
  what = 'options.market',
): CapitalMarketAssumptions {
  const parsed = InvalidInputError.parse(AssumptionsSchema, market, what);
  for (const a of ASSET_CLASSES) {
    if (parsed.correlation[a][a] !== 1)
      throw new InvalidInputError(`${what}.correlation.${a}.${a}: must be 1, got ${parsed.correlation[a][a]}`);
    for (const b of ASSET_CLASSES) {
      if (Math.abs(parsed.correlation[a][b] - parsed.correlation[b][a]) > 1e-12) {
        throw new InvalidInputError(
          `${what}.correlation.${a}.${b}: must equal ${what}.correlation.${b}.${a} (the matrix is symmetric)`,
        );
      }
    }
  }
  if (!isPositiveSemiDefinite(ASSET_CLASSES.map((a) => ASSET_CLASSES.map((b) => parsed.correlation[a][b])))) {
    throw new InvalidInputError(`${what}.correlation: is not a valid correlation matrix (not positive semi-definite)`);
  }
  return market;
}

/** One company's shares, simulated with its own volatility instead of as the index. */
export interface SingleStock {
  symbol: string;
  /** Fraction of the portfolio (part of the equity weight). */
  fraction: number;
  /** Standard deviation of its annual return, as simulated. */
  volatility: number;
  /** The company's own figure from reference data, when it has one (below the market's, it is floored). */
  ownVolatility?: number;
  /** Where the company's own figure comes from ("calendar-year total returns 2016–2025, chartrow.com"). */
  volatilityBasis?: string;
}

/**
 * Correlation of one company's annual return with the stock market, a stated default: large
 * companies typically sit between 0.4 and 0.7. Two companies then correlate at 0.5² (one factor).
 */
export const SINGLE_STOCK_MARKET_CORRELATION = 0.5;

/**
 * Mean and standard deviation of the annual return of a portfolio rebalanced to `weights` (in
 * ASSET_CLASSES order): w·μ and √(wᵀΣw). With jointly normal asset returns the portfolio's return
 * is exactly normal with these moments, so a path needs one draw per year, not one per asset.
 * Single stocks are part of the equity weight; each is a one-factor asset — the market times
 * β = ρσ/σ_market plus its own risk — with the equity expected return (no reward is assumed for
 * the extra risk) and its own volatility.
 */
export function portfolioMoments(
  weights: ArrayLike<number>,
  market: CapitalMarketAssumptions,
  singleStocks: readonly SingleStock[] = [],
): AssetReturn {
  const w = Array.from(ASSET_CLASSES, (_, i) => weights[i] ?? 0);
  const equity = ASSET_CLASSES.indexOf('equity');
  const inStocks = singleStocks.reduce((sum, stock) => sum + stock.fraction, 0);
  w[equity] = Math.max(0, w[equity]! - inStocks);
  let expectedReturn = inStocks * market.assets.equity.expectedReturn;
  let variance = 0;
  ASSET_CLASSES.forEach((a, i) => {
    expectedReturn += w[i]! * market.assets[a].expectedReturn;
    ASSET_CLASSES.forEach((b, j) => {
      variance += w[i]! * w[j]! * market.assets[a].volatility * market.assets[b].volatility * market.correlation[a][b];
    });
  });
  const rho = SINGLE_STOCK_MARKET_CORRELATION;
  for (const s of singleStocks) {
    ASSET_CLASSES.forEach((a, i) => {
      variance +=
        2 * s.fraction * w[i]! * rho * s.volatility * market.assets[a].volatility * market.correlation.equity[a];
    });
    for (const t of singleStocks) {
      variance += s.fraction * t.fraction * s.volatility * t.volatility * (s === t ? 1 : rho * rho);
    }
  }
  return { expectedReturn, volatility: Math.sqrt(Math.max(0, variance)) };
}

export function mean(values: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  return sum / values.length;
}

export function geometricMean(returns: ArrayLike<number>): number {
  let logSum = 0;
  for (let i = 0; i < returns.length; i++) logSum += Math.log1p(returns[i]!);
  return Math.expm1(logSum / returns.length);
}

export function sampleStandardDeviation(values: ArrayLike<number>): number {
  const m = mean(values);
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += (values[i]! - m) ** 2;
  return Math.sqrt(sum / (values.length - 1));
}

export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < x.length; i++) {
    const dx = x[i]! - mx;
    const dy = y[i]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxy / Math.sqrt(sxx * syy);
}

/** Cholesky with a small tolerance, so exactly repeated series (proxies) still pass. */
function isPositiveSemiDefinite(matrix: number[][]): boolean {
  const n = matrix.length;
  const lower = matrix.map(() => new Array<number>(n).fill(0));
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let sum = matrix[i]![j]!;
      for (let k = 0; k < j; k++) sum -= lower[i]![k]! * lower[j]![k]!;
      if (i === j) {
        if (sum < -1e-9) return false;
        lower[i]![i] = Math.sqrt(Math.max(0, sum));
      } else {
        lower[i]![j] = lower[j]![j]! > 1e-12 ? sum / lower[j]![j]! : 0;
        if (lower[j]![j]! <= 1e-12 && Math.abs(sum) > 1e-9) return false;
      }
    }
  }
  return true;
}

/** The defaults with a user's stated returns, volatilities and inflation in their place. */
export function withOverrides(
  market: CapitalMarketAssumptions,
  overrides: MarketAssumptionOverrides | undefined,
): CapitalMarketAssumptions {
  if (!overrides) return market;
  const assets = { ...market.assets };
  for (const assetClass of ASSET_CLASSES) {
    const expectedReturn = overrides.expectedReturn?.[assetClass];
    const volatility = overrides.volatility?.[assetClass];
    if (expectedReturn !== undefined || volatility !== undefined) {
      assets[assetClass] = {
        expectedReturn: expectedReturn ?? assets[assetClass].expectedReturn,
        volatility: volatility ?? assets[assetClass].volatility,
      };
    }
  }
  const changed = [
    ...Object.keys(overrides.expectedReturn ?? {}).map((k) => `expected return of ${k}`),
    ...Object.keys(overrides.volatility ?? {}).map((k) => `volatility of ${k}`),
    ...(overrides.inflation === undefined ? [] : ['inflation']),
  ];
  return validateCapitalMarketAssumptions(
    {
      ...market,
      assets,
      inflation: overrides.inflation ?? market.inflation,
      source: `${market.source}; stated by the user: ${changed.join(', ')}`,
    },
    'marketAssumptions',
  );
}

/**
 * Single companies in the historical method. Replaying the S&P 500 for one company's shares would
 * give it the index's diversification; instead each company follows the one-factor model the
 * Monte Carlo method uses (assumptions.ts): in calendar year c its return is
 *   r = μ + β·(m_c − μ) + σ·√(1 − ρ²)·z,   β = ρ·σ / σ_m,   z ~ N(0, 1), floored at −100%,
 * with m_c the S&P 500's return that year, μ and σ_m its mean and sample deviation over the window,
 * σ the company's volatility and ρ its correlation with the market. Its spread across years is then
 * σ, its correlation with the index ρ, and its mean the index's (no reward assumed for the risk).
 * The company's own luck (z) is drawn, so every historical period is relived REPLICATES times with
 * independent draws from a fixed seed: the same inputs give the same numbers on every machine.
 */

import { SINGLE_STOCK_MARKET_CORRELATION } from './assumptions.ts';
import type { ResolvedPlan } from './engine.ts';
import type { HistoricalReturns } from './historical.ts';
import { DEFAULT_SEED, SeededNormal } from './monte-carlo.ts';

/** Times each historical period is relived when single stocks are held: 50 periods → 10,000 paths. */
export const HISTORICAL_STOCK_REPLICATES = 200;

export interface StockHistory {
  /** Fraction of the portfolio in single stocks, taken out of the equity (index) sleeve. */
  fraction: number;
  /** How many paths relive each period: 1 without single stocks. */
  replicates: number;
  /**
   * out[i] = Σ fraction · nominal return of each single stock on path i in simulated year `year`,
   * path i reliving the period that starts `i mod periods` years into the window. Call once per
   * year, in order: the draws are sequential.
   */
  fill(year: number, periods: number, out: Float64Array): void;
  assumptions: Record<string, number | string>;
}

interface StockModel {
  fraction: number;
  beta: number;
  residual: number;
}

export function singleStockHistory(
  plan: ResolvedPlan,
  data: HistoricalReturns,
  from: number,
  to: number,
  seed = DEFAULT_SEED,
): StockHistory {
  const held = plan.singleStocks.filter((stock) => stock.fraction > 0);
  if (held.length === 0)
    return { fraction: 0, replicates: 1, fill: (_year, _periods, out) => out.fill(0), assumptions: {} };

  const market = data.sp500.subarray(from - data.firstYear, to - data.firstYear + 1);
  const mean = market.reduce((sum, r) => sum + r, 0) / market.length;
  const deviation =
    market.length > 1 ? Math.sqrt(market.reduce((sum, r) => sum + (r - mean) ** 2, 0) / (market.length - 1)) : 0;
  const rho = SINGLE_STOCK_MARKET_CORRELATION;
  const models: StockModel[] = held.map((stock) => {
    // With a market that never moves, the company's whole volatility is its own.
    const beta = deviation > 0 ? (rho * stock.volatility) / deviation : 0;
    return { fraction: stock.fraction, beta, residual: Math.sqrt(stock.volatility ** 2 - (beta * deviation) ** 2) };
  });

  const normals = new SeededNormal(seed >>> 0);
  let draws = new Float64Array(0);
  const fill = (year: number, periods: number, out: Float64Array) => {
    const paths = out.length;
    if (draws.length < paths) draws = new Float64Array(paths);
    out.fill(0);
    for (const model of models) {
      normals.fill(draws, paths, 0, 1);
      for (let i = 0; i < paths; i++) {
        const m = market[(i % periods) + year]!;
        const r = mean + model.beta * (m - mean) + model.residual * draws[i]!;
        out[i] = out[i]! + model.fraction * (r > -1 ? r : -1);
      }
    }
  };

  const assumptions: Record<string, number | string> = {
    singleStockModel:
      'one factor: the S&P 500’s move that year × β plus the company’s own normal draw, mean equal to the index’s, floored at −100%',
    singleStockMarketCorrelation: rho,
    singleStockReplicates: HISTORICAL_STOCK_REPLICATES,
    seed: seed >>> 0,
  };
  for (const stock of held) {
    assumptions[`singleStock.${stock.symbol}.fraction`] = stock.fraction;
    assumptions[`singleStock.${stock.symbol}.volatility`] = stock.volatility;
  }
  return {
    fraction: held.reduce((sum, stock) => sum + stock.fraction, 0),
    replicates: HISTORICAL_STOCK_REPLICATES,
    fill,
    assumptions,
  };
}

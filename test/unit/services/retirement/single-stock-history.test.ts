import { describe, expect, it } from 'vitest';
import { type HistoricalReturns, simulateHistorical } from '#services/retirement/historical.ts';
import { HISTORICAL_STOCK_REPLICATES } from '#services/retirement/single-stock-history.ts';

/** 40 synthetic years, no inflation: the S&P 500 swings around 8% a year. */
function syntheticData(): HistoricalReturns {
  const years = 40;
  const sp500 = Float64Array.from({ length: years }, (_, i) => 0.08 + 0.2 * Math.sin(1.7 * i));
  return {
    firstYear: 1980,
    lastYear: 1980 + years - 1,
    sp500,
    tbill: new Float64Array(years).fill(0.03),
    tbond: new Float64Array(years).fill(0.04),
    cpi: new Float64Array(years),
  };
}

// Independent of the engine: the normal CDF by the Abramowitz–Stegun 7.1.26 erf (|error| < 1.5e-7).
function normalCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-z * z);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** Quantile of an equal-weight mixture of normals, by bisection on its CDF. */
function mixtureQuantile(means: number[], sd: number, p: number): number {
  let lo = -10;
  let hi = 10;
  for (let k = 0; k < 200; k++) {
    const mid = (lo + hi) / 2;
    const cdf = means.reduce((sum, m) => sum + normalCdf((mid - m) / sd), 0) / means.length;
    if (cdf < p) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}

describe('historical method with a single stock', () => {
  it('gives one company its own volatility around the index: one-year outcomes match the one-factor mixture', () => {
    const data = syntheticData();
    const volatility = 0.4;
    const result = simulateHistorical({
      data,
      initialBalance: 1,
      allocation: { equity: 1 },
      accumulationYears: 1,
      withdrawalYears: 0,
      singleStocks: [{ symbol: 'ACME', fraction: 1, volatility }],
    });
    // Hand model: in year c the stock returns μ + β(m_c − μ) + σ√(1−ρ²)·z, β = ρσ/σ_m, ρ = 0.5.
    const m = [...data.sp500];
    const mu = m.reduce((a, b) => a + b, 0) / m.length;
    const sdMarket = Math.sqrt(m.reduce((a, r) => a + (r - mu) ** 2, 0) / (m.length - 1));
    const beta = (0.5 * volatility) / sdMarket;
    const means = m.map((r) => 1 + mu + beta * (r - mu));
    const residual = volatility * Math.sqrt(1 - 0.25);

    expect(result.paths).toBe(40 * HISTORICAL_STOCK_REPLICATES);
    const band = result.bands[1]!;
    // 8,000 draws: the sampling error of these quantiles is under 0.01.
    expect(Math.abs(band.p10 - mixtureQuantile(means, residual, 0.1))).toBeLessThan(0.02);
    expect(Math.abs(band.p25 - mixtureQuantile(means, residual, 0.25))).toBeLessThan(0.02);
    expect(Math.abs(band.p50 - mixtureQuantile(means, residual, 0.5))).toBeLessThan(0.02);
    expect(Math.abs(band.p75 - mixtureQuantile(means, residual, 0.75))).toBeLessThan(0.02);
    expect(Math.abs(band.p90 - mixtureQuantile(means, residual, 0.9))).toBeLessThan(0.02);
    // The spread is the company's, not the index's: p90 − p10 of N(·, 0.4) alone is 2·1.2816·0.4 ≈ 1.03.
    expect(band.p90 - band.p10).toBeGreaterThan(0.9);
  });

  it('never loses more than everything: a company can go to zero, not below', () => {
    const result = simulateHistorical({
      data: syntheticData(),
      initialBalance: 1,
      allocation: { equity: 1 },
      accumulationYears: 1,
      withdrawalYears: 0,
      singleStocks: [{ symbol: 'ACME', fraction: 1, volatility: 2 }],
    });
    // With σ = 2 well over 10% of draws fall below −100%: the 10th percentile balance is exactly 0.
    expect(result.bands[1]!.p10).toBe(0);
  });

  it('leaves a portfolio without single stocks exactly as the index replay: one path per period', () => {
    const data = syntheticData();
    const result = simulateHistorical({
      data,
      initialBalance: 1,
      allocation: { equity: 1 },
      accumulationYears: 1,
      withdrawalYears: 0,
    });
    expect(result.paths).toBe(40);
    const sorted = [...data.sp500].map((r) => 1 + r).sort((a, b) => a - b);
    expect(result.bands[1]!.p50).toBeCloseTo((sorted[19]! + sorted[20]!) / 2, 12);
  });

  it('is deterministic for a seed and changes with it', () => {
    const run = (seed?: number) =>
      simulateHistorical({
        data: syntheticData(),
        initialBalance: 1,
        allocation: { equity: 0.5, fixed_income: 0.5 },
        accumulationYears: 1,
        withdrawalYears: 0,
        singleStocks: [{ symbol: 'ACME', fraction: 0.5, volatility: 0.35 }],
        seed,
      }).bands[1]!.p10;
    expect(run()).toBe(run());
    expect(run(7)).not.toBe(run());
  });

  it('on the 1928–2024 record, 90% in one employer is less safe than 90% in the index', () => {
    const plan = {
      initialBalance: 1_000_000,
      allocation: { equity: 0.9, fixed_income: 0.1 },
      withdrawalYears: 30,
      annualWithdrawal: 45_000,
    };
    const index = simulateHistorical(plan);
    const employer = simulateHistorical({
      ...plan,
      singleStocks: [{ symbol: 'NWND', fraction: 0.9, volatility: 0.35 }],
    });
    expect(employer.successProbability).toBeLessThan(index.successProbability - 0.1);
  });
});

import { describe, expect, it } from 'vitest';
import { DEFAULT_PATHS, SeededNormal, simulateMonteCarlo } from '#services/retirement/monte-carlo.ts';

const plan = {
  initialBalance: 800_000,
  allocation: { equity: 0.6, fixed_income: 0.4 },
  accumulationYears: 5,
  annualContribution: 20_000,
  withdrawalYears: 30,
  annualWithdrawal: 45_000,
};

describe('SeededNormal', () => {
  it('draws standard normals: mean 0, sd 1, and the right share in the tails', () => {
    const draws = new Float64Array(400_000);
    new SeededNormal(99).fill(draws, draws.length, 0, 1);
    let sum = 0;
    let squares = 0;
    let beyond196 = 0;
    let beyond35 = 0;
    for (const z of draws) {
      sum += z;
      squares += z * z;
      if (Math.abs(z) > 1.959964) beyond196++;
      if (Math.abs(z) > 3.5) beyond35++;
    }
    const mean = sum / draws.length;
    expect(Math.abs(mean)).toBeLessThan(0.005); // standard error 0.0016
    expect(Math.sqrt(squares / draws.length - mean * mean)).toBeCloseTo(1, 2);
    expect(beyond196 / draws.length).toBeCloseTo(0.05, 2); // two-sided 5%
    // P(|z| > 3.5) = 4.65e-4: about 186 of 400,000 (Poisson sd ≈ 14). Checks the ziggurat's tail.
    expect(beyond35).toBeGreaterThan(140);
    expect(beyond35).toBeLessThan(235);
  });

  it('is reproducible from its seed, and different seeds give different streams', () => {
    const a = new Float64Array(5);
    const b = new Float64Array(5);
    const c = new Float64Array(5);
    new SeededNormal(1).fill(a, 5, 0, 1);
    new SeededNormal(1).fill(b, 5, 0, 1);
    new SeededNormal(2).fill(c, 5, 0, 1);
    expect([...a]).toEqual([...b]);
    expect([...a]).not.toEqual([...c]);
  });
});

describe('simulateMonteCarlo', () => {
  it('gives identical results for the same seed and different ones for another seed', () => {
    const first = simulateMonteCarlo({ ...plan, paths: 2_000, seed: 11 });
    const again = simulateMonteCarlo({ ...plan, paths: 2_000, seed: 11 });
    const other = simulateMonteCarlo({ ...plan, paths: 2_000, seed: 12 });
    expect(again).toEqual(first);
    expect(other.medianEndingValue).not.toBe(first.medianEndingValue);
    expect(other.bands[10]!.p50).not.toBe(first.bands[10]!.p50);
  });

  it('runs 10,000 paths by default and orders every band p10 ≤ p25 ≤ p50 ≤ p75 ≤ p90', () => {
    const result = simulateMonteCarlo(plan);
    expect(result.paths).toBe(DEFAULT_PATHS);
    expect(result.assumptions.paths).toBe(10_000);
    expect(result.bands).toHaveLength(36);
    expect(result.bands[0]).toEqual({
      yearIndex: 0,
      p10: 800_000,
      p25: 800_000,
      p50: 800_000,
      p75: 800_000,
      p90: 800_000,
    });
    for (const band of result.bands) {
      expect(band.p10).toBeLessThanOrEqual(band.p25);
      expect(band.p25).toBeLessThanOrEqual(band.p50);
      expect(band.p50).toBeLessThanOrEqual(band.p75);
      expect(band.p75).toBeLessThanOrEqual(band.p90);
    }
    expect(result.bands[35]!.p90).toBeGreaterThan(result.bands[35]!.p10);
    expect(result.successProbability).toBeGreaterThan(0);
    expect(result.successProbability).toBeLessThan(1);
    expect(result.p10EndingValue).toBe(result.bands[35]!.p10);
  });

  it('combines asset classes into one portfolio distribution: 60/40 mean 8.99%, sd 12.17%', () => {
    const { assumptions } = simulateMonteCarlo({ ...plan, paths: 10 });
    // 0.6·11.794% + 0.4·4.792%; √(0.36·19.495%² + 0.16·7.938%² + 2·0.24·0.01717·19.495%·7.938%)
    expect(assumptions.portfolioExpectedReturn).toBeCloseTo(0.0899317, 6);
    expect(assumptions.portfolioVolatility).toBeCloseTo(0.1217273, 6);
    expect(assumptions['correlation.equity.fixed_income']).toBeCloseTo(0.01717, 5);
  });

  it('draws returns around the stated real mean: one-year median growth ≈ (1 + μ)/(1 + π)', () => {
    const result = simulateMonteCarlo({
      initialBalance: 1,
      allocation: { equity: 1 },
      accumulationYears: 1,
      withdrawalYears: 0,
      paths: 40_000,
      seed: 3,
    });
    const expected =
      (1 + (result.assumptions['expectedReturn.equity'] as number)) / (1 + (result.assumptions.inflation as number));
    const sd = (result.assumptions['volatility.equity'] as number) / (1 + (result.assumptions.inflation as number));
    expect(result.medianEndingValue).toBeCloseTo(expected, 2);
    // Normal: p90 − p10 = 2 · 1.2816 · sd
    expect(result.bands[1]!.p90 - result.bands[1]!.p10).toBeCloseTo(2 * 1.28155 * sd, 2);
  });

  it('follows the allocation: all equity has the higher median and the wider spread than all bonds', () => {
    const cautious = simulateMonteCarlo({ ...plan, allocation: { fixed_income: 1 }, paths: 4_000 });
    const bold = simulateMonteCarlo({ ...plan, allocation: { equity: 1 }, paths: 4_000 });
    const spread = (r: typeof bold) => r.bands[10]!.p90 - r.bands[10]!.p10;
    expect(bold.bands[10]!.p50).toBeGreaterThan(cautious.bands[10]!.p50);
    expect(spread(bold)).toBeGreaterThan(2 * spread(cautious));
  });

  it('rejects a bad seed with the field named', () => {
    expect(() => simulateMonteCarlo({ ...plan, seed: -1 })).toThrow(/options\.seed/);
    expect(() => simulateMonteCarlo({ ...plan, seed: 1.5 })).toThrow(/options\.seed/);
  });
});

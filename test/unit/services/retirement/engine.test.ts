import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '#events/errors.ts';
import { type CapitalMarketAssumptions, defaultCapitalMarketAssumptions } from '#services/retirement/assumptions.ts';
import { simulateMonteCarlo } from '#services/retirement/monte-carlo.ts';
import { quantilesInPlace, selectInPlace } from '#services/retirement/quantiles.ts';

/** A market where every asset returns exactly `nominal` a year: Monte Carlo collapses to arithmetic. */
function certainMarket(nominal: number, inflation: number): CapitalMarketAssumptions {
  const defaults = defaultCapitalMarketAssumptions();
  const assets = Object.fromEntries(
    Object.keys(defaults.assets).map((assetClass) => [assetClass, { expectedReturn: nominal, volatility: 0 }]),
  ) as CapitalMarketAssumptions['assets'];
  return { ...defaults, assets, inflation, source: 'test: certain returns' };
}

describe('quantilesInPlace', () => {
  it('interpolates between order statistics like numpy/R type 7', () => {
    const values = new Float64Array([5, 1, 4, 2, 3]);
    const out = quantilesInPlace(values, 5, [0.1, 0.25, 0.5, 0.75, 0.9], new Float64Array(5));
    // Sorted 1..5: h = 4p, so p10 = 1 + 0.4·(2−1), p90 = 4 + 0.6·(5−4).
    expect([...out]).toEqual([1.4, 2, 3, 4, 4.6]);
  });

  it('agrees with a full sort on large arrays full of ties (depleted paths are all 0)', () => {
    let state = 12345;
    const next = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
    const values = new Float64Array(5_000).map(() => (next() < 0.3 ? 0 : Math.round(next() * 1000)));
    const sorted = Float64Array.from(values).sort();
    for (const k of [0, 1, 1499, 1500, 2500, 4998, 4999]) {
      const copy = Float64Array.from(values);
      selectInPlace(copy, k, 0, copy.length - 1);
      expect(copy[k]).toBe(sorted[k]);
      expect(copy.subarray(0, k).every((v) => v <= copy[k]!)).toBe(true);
      expect(copy.subarray(k + 1).every((v) => v >= copy[k]!)).toBe(true);
    }
  });
});

describe('quantilesInPlace on simulation-sized columns', () => {
  let state = 987654321;
  const uniform = () => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
  /** Type 7 from a full sort: the definition the fast paths must agree with. */
  const bySort = (values: Float64Array, p: number) => {
    const sorted = Float64Array.from(values).sort();
    const h = (sorted.length - 1) * p;
    const lower = Math.floor(h);
    return sorted[lower]! + (h - lower) * ((sorted[Math.min(lower + 1, sorted.length - 1)] ?? 0) - sorted[lower]!);
  };
  const shapes: Record<string, () => Float64Array> = {
    'skewed balances': () => new Float64Array(10_000).map(() => 1e6 * Math.exp(2 * (uniform() - 0.5))),
    '40% depleted (zeros)': () => new Float64Array(10_000).map(() => (uniform() < 0.4 ? 0 : 1e5 * uniform())),
    'all zero': () => new Float64Array(4_000),
    'all equal': () => new Float64Array(4_000).fill(123.45),
    'heavy ties and 12 decades': () =>
      new Float64Array(9_999).map(() => (uniform() < 0.5 ? 40 : 10 ** (12 * uniform() - 6))),
    'negative values (selection fallback)': () => new Float64Array(3_000).map(() => uniform() - 0.5),
  };
  for (const [name, make] of Object.entries(shapes)) {
    it(`agrees with a full sort: ${name}`, () => {
      const values = make();
      const probabilities = [0.1, 0.25, 0.5, 0.75, 0.9];
      const expected = probabilities.map((p) => bySort(values, p));
      const out = quantilesInPlace(Float64Array.from(values), values.length, probabilities, new Float64Array(5));
      expect([...out]).toEqual(expected);
    });
  }
});

describe('cash-flow engine (through a zero-volatility Monte Carlo)', () => {
  const plan = {
    initialBalance: 100_000,
    allocation: { equity: 0.6, fixed_income: 0.4 },
    accumulationYears: 10,
    annualContribution: 10_000,
    withdrawalYears: 20,
    annualWithdrawal: 20_000,
    paths: 50,
    market: certainMarket(0.05, 0),
  };

  it('equals compound growth plus an annuity due, at every percentile', () => {
    const result = simulateMonteCarlo(plan);
    // After 10 years: 100,000·1.05^10 + 10,000·1.05·(1.05^10 − 1)/0.05 = 162,889.46 + 132,067.87.
    const atRetirement = result.bands[10]!;
    expect(atRetirement.p10).toBeCloseTo(294_957.33, 2);
    expect(atRetirement.p90).toBeCloseTo(294_957.33, 2);
    // Then 20 withdrawals at the start of each year: 294,957.33·1.05^20 − 20,000·1.05·(1.05^20 − 1)/0.05.
    expect(result.medianEndingValue).toBeCloseTo(88_224.58, 2);
    expect(result.p10EndingValue).toBeCloseTo(88_224.58, 2);
    expect(result.bands).toHaveLength(31);
    expect(result.successProbability).toBe(1);
    expect(result.fundedYearsP10).toBe(20);
  });

  it('finds the sustainable withdrawal as the annuity the retirement balance can pay', () => {
    const result = simulateMonteCarlo(plan);
    // 294,957.33 / (1.05·(1 − 1.05^−20)/0.05) = 294,957.33 / 13.0853
    expect(result.sustainableWithdrawal).toBeCloseTo(22_541.09, 2);
    expect(result.sustainableWithdrawalRate).toBeCloseTo(0.2254109, 6);
  });

  it('gives the classic 30-year annuity-due rate for a retiree (5% return, 0% inflation: 6.195%)', () => {
    const result = simulateMonteCarlo({
      initialBalance: 1_000_000,
      allocation: { equity: 1 },
      withdrawalYears: 30,
      withdrawalRate: 0.04,
      paths: 10,
      market: certainMarket(0.05, 0),
    });
    expect(result.sustainableWithdrawalRate).toBeCloseTo(0.0619537, 6);
  });

  it('reports real balances: nominal growth is deflated by inflation', () => {
    const result = simulateMonteCarlo({
      initialBalance: 1_000,
      allocation: { cash: 1 },
      accumulationYears: 2,
      withdrawalYears: 0,
      paths: 3,
      market: certainMarket(0.05, 0.02),
    });
    // 1,000 · (1.05/1.02)^2
    expect(result.medianEndingValue).toBeCloseTo(1_059.6886, 4);
    expect(result.sustainableWithdrawal).toBeNull();
  });

  it('fails in year 1 when the first withdrawal is larger than the balance', () => {
    const result = simulateMonteCarlo({
      initialBalance: 100_000,
      allocation: { equity: 1 },
      withdrawalYears: 10,
      annualWithdrawal: 150_000,
      paths: 1_000,
    });
    expect(result.successProbability).toBe(0);
    expect(result.fundedYearsP10).toBe(0);
    expect(result.bands[1]).toEqual({ yearIndex: 1, p10: 0, p25: 0, p50: 0, p75: 0, p90: 0 });
    expect(result.medianEndingValue).toBe(0);
  });

  it('sustainable withdrawal is the boundary a bisection on the same paths converges to', () => {
    const base = {
      initialBalance: 1_000_000,
      allocation: { equity: 0.6, fixed_income: 0.4 },
      withdrawalYears: 30,
      annualWithdrawal: 40_000,
      paths: 2_000,
      seed: 7,
    };
    const { sustainableWithdrawal } = simulateMonteCarlo(base);
    expect(sustainableWithdrawal).not.toBeNull();
    const justBelow = simulateMonteCarlo({ ...base, annualWithdrawal: sustainableWithdrawal! * (1 - 1e-9) });
    const justAbove = simulateMonteCarlo({ ...base, annualWithdrawal: sustainableWithdrawal! * (1 + 1e-9) });
    expect(justBelow.successProbability).toBeGreaterThanOrEqual(0.9);
    expect(justAbove.successProbability).toBeLessThan(0.9);
  });

  it('rejects allocations in percent, contradictory withdrawals and empty plans, naming the field', () => {
    const ok = { initialBalance: 1, allocation: { equity: 1 }, withdrawalYears: 1, annualWithdrawal: 0 };
    expect(() => simulateMonteCarlo({ ...ok, allocation: { equity: 60, fixed_income: 40 } })).toThrow(
      /options\.allocation\.equity: must be a fraction/,
    );
    expect(() => simulateMonteCarlo({ ...ok, allocation: { equity: 0.5 } })).toThrow(
      /options\.allocation: fractions must sum to 1 \(they sum to 0\.5\)/,
    );
    expect(() => simulateMonteCarlo({ ...ok, withdrawalRate: 0.04 })).toThrow(/options\.withdrawalRate: give either/);
    expect(() => simulateMonteCarlo({ ...ok, withdrawalYears: 0 })).toThrow(InvalidInputError);
    expect(() => simulateMonteCarlo({ ...ok, paths: 0 })).toThrow(/options\.paths/);
  });
});

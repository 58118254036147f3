/**
 * One projection draws its Monte Carlo paths once per mix and assumption set: the outlook reads
 * all of them, the planning view the first of each year's row. Sharing must not change what
 * either would have computed from its own draws.
 */
import { describe, expect, it } from 'vitest';
import { defaultCapitalMarketAssumptions } from '#services/retirement/assumptions.ts';
import { MAX_SHARED_PATHS, SharedDraws } from '#services/retirement/market-paths.ts';
import { SeededNormal, simulateMonteCarlo } from '#services/retirement/monte-carlo.ts';

const market = defaultCapitalMarketAssumptions();
const plan = {
  initialBalance: 800_000,
  allocation: { equity: 0.6, fixed_income: 0.4 },
  accumulationYears: 5,
  annualContribution: 20_000,
  withdrawalYears: 30,
  annualWithdrawal: 45_000,
  market,
  seed: 11,
};
const weights = Float64Array.from([0.6, 0.4, 0, 0, 0]);

describe('shared Monte Carlo draws', () => {
  it('give the outlook exactly the figures of drawing its own', () => {
    const draws = new SharedDraws(2_000, 35, 11);
    const shared = simulateMonteCarlo({ ...plan, paths: 2_000, draws });
    expect(shared).toEqual(simulateMonteCarlo({ ...plan, paths: 2_000 }));
  });

  it('draw once per mix and assumption set, whoever asks first', () => {
    const draws = new SharedDraws(1_000, 35, 11);
    const first = draws.get(weights, [], market);
    expect(draws.get(Float64Array.from(weights), [], { ...market })).toBe(first);
    expect(draws.get(Float64Array.from([1, 0, 0, 0, 0]), [], market)).not.toBe(first);
  });

  it('draw once for the same stocks described with different fields, and again for another volatility', () => {
    const draws = new SharedDraws(1_000, 35, 11);
    const stock = { symbol: 'NVDA', fraction: 0.05, volatility: 0.6 };
    const first = draws.get(weights, [stock], market);
    // The planning view's stocks carry their own volatility's source; the draws do not depend on it.
    const described = { ...stock, ownVolatility: 0.6, volatilityBasis: 'calendar-year total returns' };
    expect(draws.get(weights, [described], market)).toBe(first);
    expect(draws.get(weights, [{ ...stock, volatility: 0.35 }], market)).not.toBe(first);
    expect(draws.get(weights, [{ ...stock, fraction: 0.06 }], market)).not.toBe(first);
  });

  it('hold each year as one row of the generator’s stream, so the first k of a row are a same-seed sample', () => {
    const draws = new SharedDraws(100, 3, 5);
    const matrix = draws.get(weights, [], market)!;
    // Year 1's row is draws 100–199 of the stream: growth = base + spread · z, so differences of
    // growth are differences of the standard normals times one positive spread.
    const stream = new Float64Array(300);
    new SeededNormal(5).fill(stream, 300, 0, 1);
    const g = matrix.growth;
    const spread = (g[101]! - g[100]!) / (stream[101]! - stream[100]!);
    expect(spread).toBeGreaterThan(0);
    for (const k of [102, 150, 199]) expect((g[k]! - g[100]!) / (stream[k]! - stream[100]!)).toBeCloseTo(spread, 9);
  });

  it('are not kept above the size where a matrix costs more than it saves, nor for sizes that are not counts', () => {
    expect(new SharedDraws(MAX_SHARED_PATHS + 1, 30, 1).get(weights, [], market)).toBeUndefined();
    expect(new SharedDraws(1.5, 30, 1).get(weights, [], market)).toBeUndefined();
  });
});

import { describe, expect, it } from 'vitest';
import { ASSET_CLASSES } from '#events/values.ts';
import {
  type CapitalMarketAssumptions,
  defaultCapitalMarketAssumptions,
  geometricMean,
  portfolioMoments,
  sampleStandardDeviation,
  validateCapitalMarketAssumptions,
} from '#services/retirement/assumptions.ts';

describe('default capital-market assumptions', () => {
  const market = defaultCapitalMarketAssumptions();

  it('are computed from the vendored data and match the summary rows in its source note', () => {
    // historical-returns.sources.md: arithmetic means 1928–2024 S&P 11.794%, T-bill 3.355%,
    // T-bond 4.792%; S&P stdev 19.49%; CPI geometric 3.04%.
    expect(market.assets.equity.expectedReturn).toBeCloseTo(0.11794, 5);
    expect(market.assets.fixed_income.expectedReturn).toBeCloseTo(0.04792, 5);
    expect(market.assets.cash.expectedReturn).toBeCloseTo(0.03355, 5);
    expect(market.assets.equity.volatility).toBeCloseTo(0.1949, 4);
    expect(market.inflation).toBeCloseTo(0.0304, 4);
    expect(market.source).toMatch(/Damodaran/);
  });

  it('use stated proxies for the classes the data lacks: real estate = S&P 500, commodities = T-bill', () => {
    expect(market.assets.real_estate).toEqual(market.assets.equity);
    expect(market.assets.commodities).toEqual(market.assets.cash);
    expect(market.correlation.equity.real_estate).toBe(1);
  });

  it('form a valid, symmetric correlation matrix', () => {
    expect(() => validateCapitalMarketAssumptions(market)).not.toThrow();
    for (const a of ASSET_CLASSES) {
      expect(market.correlation[a][a]).toBe(1);
      for (const b of ASSET_CLASSES) expect(market.correlation[a][b]).toBe(market.correlation[b][a]);
    }
  });
});

describe('statistics', () => {
  it('compute hand-checked figures', () => {
    // (1.1 · 0.9 · 1.2)^(1/3) − 1 = 1.188^(1/3) − 1
    expect(geometricMean([0.1, -0.1, 0.2])).toBeCloseTo(0.0591, 4);
    // mean 2, squares 1 + 0 + 1, / (3 − 1)
    expect(sampleStandardDeviation([1, 2, 3])).toBe(1);
  });

  it('portfolio moments: a 50/50 mix of perfectly negatively correlated assets has no risk', () => {
    const market = structuredClone(defaultCapitalMarketAssumptions());
    market.assets.equity = { expectedReturn: 0.08, volatility: 0.2 };
    market.assets.fixed_income = { expectedReturn: 0.04, volatility: 0.2 };
    market.correlation.equity.fixed_income = -1;
    market.correlation.fixed_income.equity = -1;
    const moments = portfolioMoments([0.5, 0.5, 0, 0, 0], market);
    expect(moments.expectedReturn).toBeCloseTo(0.06, 12);
    expect(moments.volatility).toBeCloseTo(0, 6);
  });
});

describe('validateCapitalMarketAssumptions', () => {
  const withCorrelation = (pairs: [string, string, number][]): CapitalMarketAssumptions => {
    const market = structuredClone(defaultCapitalMarketAssumptions());
    for (const [a, b, rho] of pairs) {
      (market.correlation as Record<string, Record<string, number>>)[a]![b] = rho;
      (market.correlation as Record<string, Record<string, number>>)[b]![a] = rho;
    }
    return market;
  };

  it('rejects an asymmetric matrix, naming the cell', () => {
    const market = structuredClone(defaultCapitalMarketAssumptions());
    market.correlation.equity.fixed_income = 0.3;
    expect(() => validateCapitalMarketAssumptions(market)).toThrow(
      /options\.market\.correlation\.equity\.fixed_income: must equal/,
    );
  });

  it('rejects correlations no set of returns can have', () => {
    // Stocks move with bonds and with cash, but bonds against cash: impossible together.
    const market = withCorrelation([
      ['equity', 'fixed_income', 0.9],
      ['equity', 'cash', 0.9],
      ['fixed_income', 'cash', -0.9],
    ]);
    expect(() => validateCapitalMarketAssumptions(market)).toThrow(/not positive semi-definite/);
  });

  it('rejects an impossible volatility, naming the field', () => {
    const market = structuredClone(defaultCapitalMarketAssumptions());
    market.assets.cash.volatility = -0.1;
    expect(() => validateCapitalMarketAssumptions(market)).toThrow(/options\.market\.assets\.cash\.volatility/);
  });
});

import { describe, expect, it } from 'vitest';
import { Snapshot } from '#events/values.ts';
import { defaultCapitalMarketAssumptions } from '#services/retirement/assumptions.ts';
import { projectRetirement } from '#services/retirement/domain.ts';
import { portfolioAllocation } from '#services/retirement/inputs.ts';
import { referenceClassification } from '#services/tagger/reference.ts';
import { exampleSnapshot } from '#test/support/example-snapshot.ts';

/** The 90%-employer-stock example with the employer swapped for a company in reference data. */
function employerIs(symbol: string): Snapshot {
  const snapshot = exampleSnapshot('stress-employer-stock.json');
  const known = referenceClassification(symbol)!;
  return Snapshot.parse({
    ...snapshot,
    positions: snapshot.positions.map((p) => (p.symbol === 'NWND' ? { ...p, symbol } : p)),
    instruments: snapshot.instruments.map((i) => (i.symbol === 'NWND' ? known : i)),
  });
}

describe('each held company is simulated with its own volatility', () => {
  it('a known company (Apple) gets its reference figure and its source; an unknown one exactly the 35% default', () => {
    const known = projectRetirement(employerIs('AAPL'));
    const unknown = projectRetirement(exampleSnapshot('stress-employer-stock.json'));
    // Apple 2016–2025 log returns: sample deviation 29.14% (worked in test/unit/services/common/stock-facts.test.ts)
    expect(known.outlook!.singleStocks).toEqual([
      {
        symbol: 'AAPL',
        percent: 90,
        volatility: 0.2914,
        ownVolatility: 0.2914,
        volatilityBasis: 'calendar-year total returns 2016–2025, chartrow.com',
      },
    ]);
    expect(unknown.outlook!.singleStocks).toEqual([{ symbol: 'NWND', percent: 90, volatility: 0.35 }]);
    expect(known.assumptions['singleStock.AAPL.volatility']).toBe(0.2914);
    expect(unknown.assumptions['singleStock.NWND.volatility']).toBe(0.35);
  });

  it('a calmer-than-market company is floored at the market’s volatility, and says its own figure', () => {
    const [coke] = portfolioAllocation(employerIs('KO')).singleStocks;
    const market = defaultCapitalMarketAssumptions().assets.equity.volatility;
    expect(market).toBeCloseTo(0.195, 3); // S&P 500 1928–2024, Damodaran: 19.5%
    expect(coke).toMatchObject({ symbol: 'KO', volatility: market, ownVolatility: 0.0717 });
  });
});

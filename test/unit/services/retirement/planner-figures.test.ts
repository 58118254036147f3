import { describe, expect, it } from 'vitest';
import { Snapshot } from '#events/values.ts';
import { defaultCapitalMarketAssumptions, portfolioMoments } from '#services/retirement/assumptions.ts';
import { projectRetirement } from '#services/retirement/domain.ts';
import { forwardAssumptions } from '#services/retirement/market-sets.ts';
import { exampleSnapshot } from '#test/support/example-snapshot.ts';

const ORDER = ['equity', 'fixed_income', 'real_estate', 'commodities', 'cash'] as const;
const weights = (w: Partial<Record<(typeof ORDER)[number], number>>) => ORDER.map((c) => w[c] ?? 0);

describe('single-company risk (closed form, one-factor model with ρ = 0.5)', () => {
  const market = defaultCapitalMarketAssumptions();

  it('a portfolio of one company has that company’s volatility and the equity mean', () => {
    const moments = portfolioMoments(weights({ equity: 1 }), market, [{ symbol: 'X', fraction: 1, volatility: 0.35 }]);
    expect(moments.volatility).toBeCloseTo(0.35, 12);
    expect(moments.expectedReturn).toBeCloseTo(market.assets.equity.expectedReturn, 12);
  });

  it('two companies half and half: σ² = σ²(¼ + ¼ + 2·¼·ρ²) = 0.625·σ²', () => {
    const stocks = [
      { symbol: 'X', fraction: 0.5, volatility: 0.35 },
      { symbol: 'Y', fraction: 0.5, volatility: 0.35 },
    ];
    expect(portfolioMoments(weights({ equity: 1 }), market, stocks).volatility).toBeCloseTo(
      0.35 * Math.sqrt(0.625),
      12,
    );
  });
});

/** A retiree holding only `symbol` (a cash-like fund) or cash, in a zero-volatility world. */
function certainWorld(rate: number, holding: { symbol: string; value: number } | null, cash: number): Snapshot {
  return Snapshot.parse({
    userId: 'retiree',
    asOf: '2026-11-21T09:30:00.000Z',
    currency: 'USD',
    owner: { name: 'R', birthYear: 1956 }, // 70 in 2026: 25 withdrawal years to 95
    goals: {
      retirementAge: 65,
      lifeExpectancy: 95,
      annualSpending: 50_000,
      otherIncome: 10_000,
      marketAssumptions: {
        expectedReturn: { cash: rate },
        volatility: { equity: 0, fixed_income: 0, real_estate: 0, commodities: 0, cash: 0 },
        inflation: 0,
      },
    },
    accounts: [{ id: 't', name: 'Brokerage', type: 'taxable', cash }],
    positions: holding
      ? [
          {
            accountId: 't',
            symbol: holding.symbol,
            quantity: 1,
            price: holding.value,
            priceSource: 'portfolio',
            value: holding.value,
          },
        ]
      : [],
    instruments: holding
      ? [
          {
            symbol: holding.symbol,
            name: 'money market',
            instrumentType: 'mutual_fund',
            assetClass: { cash: 100 },
            regions: { north_america: 100 },
            sectors: { cash: 100 },
            source: 'reference',
            rationale: 't',
          },
        ]
      : [],
  });
}

/** Level withdrawal at the start of each of n years that exhausts B at growth g: B / Σ g^-k. */
function annuityDue(balance: number, growth: number, years: number): number {
  let factor = 0;
  for (let k = 0; k < years; k++) factor += growth ** -k;
  return balance / factor;
}

describe('the projection against closed forms (zero volatility, stated assumptions)', () => {
  it('sustainable spending is the annuity-due payment plus other income', () => {
    const result = projectRetirement(certainWorld(0.03, null, 1_000_000));
    const stated = result.outlook!.scenarios.find((s) => s.id === 'stated')!;
    expect(stated.sustainableSpending!).toBeCloseTo(annuityDue(1_000_000, 1.03, 25) + 10_000, -1);
  });

  it('fund costs come out of every year’s growth: VMFXX at 0.11% a year', () => {
    const result = projectRetirement(certainWorld(0.03, { symbol: 'VMFXX', value: 1_000_000 }, 0));
    const stated = result.outlook!.scenarios.find((s) => s.id === 'stated')!;
    expect(result.outlook!.fees.weightedExpenseRatioPercent).toBeCloseTo(0.11, 6);
    expect(result.outlook!.fees.annualCost).toBe(1_100);
    expect(stated.sustainableSpending!).toBeCloseTo(annuityDue(1_000_000, 1.03 * (1 - 0.0011), 25) + 10_000, -1);
  });
});

describe('the forward-looking set is the documented one', () => {
  it('uses the published figures of data/forward-assumptions.json and the historical risk', () => {
    const { market } = forwardAssumptions();
    expect(market.assets.equity.expectedReturn).toBe(0.067); // J.P. Morgan 2025 LTCMA, U.S. large cap
    expect(market.assets.fixed_income.expectedReturn).toBe(0.038); // intermediate Treasuries
    expect(market.inflation).toBe(0.0235); // Wilshire 2025
    expect(market.assets.equity.volatility).toBe(defaultCapitalMarketAssumptions().assets.equity.volatility);
  });
});

describe('stress portfolios (examples/)', () => {
  it('a young saver in bond funds with unknown tickers: bonds recognised, the rest read as bonds and flagged', () => {
    const result = projectRetirement(exampleSnapshot('stress-young-saver-bond-funds.json'));
    const outlook = result.outlook!;
    // 15,000 of 136,000 (four funds of 100,000, VTI 6,000, cash 30,000) has no classification
    expect(outlook.unclassifiedSymbols).toEqual(['NWSTX']);
    expect(outlook.unclassifiedPercent).toBeCloseTo((15_000 / 136_000) * 100, 2);
    expect(outlook.uncertain).toBe(true);
    // 39 years from retirement, bonds are the cautious reading: less growth
    expect(outlook.cautiousReading).toBe('fixed_income');
    // 85,000 in recognised bond funds + 15,000 read as bonds, of 136,000
    expect(result.assumptions['allocationPercent.fixed_income']).toBeCloseTo((100_000 / 136_000) * 100, 1);
  });

  it('90% in one employer’s stock is simulated with its own volatility, not as the index', () => {
    const snapshot = exampleSnapshot('stress-employer-stock.json');
    const result = projectRetirement(snapshot);
    expect(result.outlook!.singleStocks).toEqual([{ symbol: 'NWND', percent: 90, volatility: 0.35 }]);
    const asIndex = Snapshot.parse({
      ...snapshot,
      instruments: snapshot.instruments.map((i) => (i.symbol === 'NWND' ? { ...i, instrumentType: 'etf' } : i)),
    });
    const forward = (r: typeof result) => r.outlook!.scenarios.find((s) => s.id === 'forward')!;
    expect(forward(result).successProbability).toBeLessThan(forward(projectRetirement(asIndex)).successProbability);
  });
});

import { describe, expect, it } from 'vitest';
import { computeFacts, fact, factRecord, formatPercent, formatPoints, formatUsd } from '#services/reporter/facts.ts';
import { portfolio, threeHoldings } from './snapshots.ts';

describe('computeFacts on three holdings and cash ($100,000)', () => {
  const facts = computeFacts(threeHoldings());
  const record = factRecord(facts);

  it('totals value, invested money and cash', () => {
    expect(record).toMatchObject({
      totalValue: 100_000,
      investedValue: 90_000,
      'cash.value': 10_000,
      'cash.percent': 10,
    });
    expect(fact(facts, 'totalValue').text).toBe('$100,000');
  });

  it('measures allocation and drift against the target (60/35/5)', () => {
    // equity 70,000 = 70%, bonds 20,000 = 20%, cash 10,000 = 10%
    expect(record).toMatchObject({
      'allocation.equity.percent': 70,
      'allocation.fixed_income.percent': 20,
      'allocation.cash.percent': 10,
      'drift.equity': 10,
      'drift.fixed_income': -15,
      'drift.cash': 5,
      'driftValue.fixed_income': -15_000,
      'drift.max': 15,
      'drift.maxClass': 'fixed_income',
    });
    expect(fact(facts, 'drift.fixed_income').text).toBe('-15.0 pp');
    expect(facts.assetClasses.map((row) => row.assetClass)).toEqual(['equity', 'fixed_income', 'cash']);
  });

  it('measures concentration: largest holding, top five, HHI over invested holdings', () => {
    // weights 55/90, 20/90, 15/90: HHI = (3025 + 400 + 225) / 8100 = 0.4506; 1/HHI = 2.219
    expect(record).toMatchObject({
      'largestHolding.symbol': 'VTI',
      'largestHolding.percent': 55,
      'topFive.percent': 90,
      'topFive.count': 3,
      hhi: 0.451,
      effectiveHoldings: 2.2,
      'funds.percent': 83.3, // 75,000 of 90,000 in ETFs
      'largestStock.symbol': 'AAPL',
      'largestStock.percent': 15,
      'largestStock.excessValue': 5_000,
    });
    expect(fact(facts, 'hhi').value).toBeCloseTo(3650 / 8100, 10);
  });

  it('computes home bias against the stated ~60% global reference', () => {
    expect(record).toMatchObject({
      'homeBias.usEquityPercent': 100,
      'homeBias.excess': 40,
      'assumption.globalUsEquityShare': 60,
    });
  });

  it('counts only taxable cash toward the emergency reserve and prices the rest as cash drag', () => {
    // reserve target: 6 months of $60,000 = $30,000; only the $2,000 in the taxable account qualifies
    // idle = 10,000 - 2,000 = 8,000; mix 70/20 with the forward set's 6.7% / 3.8% / 3.0%:
    // 6.7 × 7/9 + 3.8 × 2/9 = 6.0556%; drag = 8,000 × 3.0556% = $244.44
    expect(record).toMatchObject({
      'cash.emergencyTarget': 30_000,
      'cash.emergencyReserve': 2_000,
      'cash.idleValue': 8_000,
      'cash.idlePercent': 8,
      'cashDrag.investedReturn': 6.1,
      'cashDrag.annual': 244,
    });
    expect(fact(facts, 'cashDrag.annual').text).toBe('$244');
  });

  it('states the glide path and retirement figures', () => {
    // 46 in 2026, retiring at 65: 19 years; glide path 40 - 1.2 × 19 = 17.2% bonds
    expect(record).toMatchObject({
      'owner.age': 46,
      yearsToRetirement: 19,
      retirementYear: 2045,
      'bonds.percent': 20,
      'glidePath.bondTarget': 17.2,
      'glidePath.gap': -2.8,
      'retirement.spendingFromPortfolio': 40_000,
      'retirement.sustainableWithdrawal': 4_000,
      'retirement.coveragePercent': 10,
      'retirement.portfolioNeeded': 1_000_000,
    });
    expect(String(record['rule.glidePath'])).toContain('rising 1.2 percentage points a year to 40%');
  });

  it('counts positions, accounts and data gaps', () => {
    expect(record).toMatchObject({
      'positions.count': 3,
      'holdings.count': 3,
      'accounts.count': 2,
      'unclassified.count': 0,
      'unpriced.count': 0,
    });
  });
});

describe('computeFacts edge cases', () => {
  it('reports unclassified and unpriced instruments instead of guessing', () => {
    const facts = computeFacts(
      portfolio({
        holdings: [
          { symbol: 'VTI', value: 90_000 },
          { symbol: 'ZZZQ', value: 10_000, unclassified: true },
          { symbol: 'GONE', value: 0, unpriced: true },
        ],
      }),
    );
    const record = factRecord(facts);
    expect(record).toMatchObject({
      'unclassified.count': 1,
      'unclassified.symbols': 'ZZZQ',
      'unclassified.percent': 10,
      'unpriced.count': 1,
      'unpriced.symbols': 'GONE',
      'positions.count': 3,
    });
    expect(record['drift.max']).toBeNull(); // no target on file
  });

  it('refuses a portfolio with nothing in it, naming why', () => {
    // A refusal of the domain, not bad input: the reporter announces it with its code.
    expect(() => computeFacts(portfolio({ holdings: [{ symbol: 'GONE', value: 0, unpriced: true }] }))).toThrow(
      expect.objectContaining({ name: 'DomainRefusal', code: 'NoPricedPositions' }),
    );
    expect(() => computeFacts(portfolio({ holdings: [] }))).toThrow(/no value/);
  });

  it('holds the glide path at 40% once retired and at 10% far from retirement', () => {
    const retired = factRecord(
      computeFacts(portfolio({ birthYear: 1955, holdings: [{ symbol: 'VTI', value: 1000 }] })),
    );
    expect(retired).toMatchObject({ yearsToRetirement: -6, 'glidePath.bondTarget': 40 });
    const young = factRecord(computeFacts(portfolio({ birthYear: 2000, holdings: [{ symbol: 'VTI', value: 1000 }] })));
    expect(young).toMatchObject({ yearsToRetirement: 39, 'glidePath.bondTarget': 10 });
  });
});

describe('formatting', () => {
  it('prints dollars, percents and points consistently', () => {
    expect(formatUsd(1_234_567.4)).toBe('$1,234,567');
    expect(formatUsd(-15_000)).toBe('-$15,000');
    expect(formatPercent(12.345)).toBe('12.3%');
    expect(formatPercent(-0.01)).toBe('0.0%');
    expect(formatPoints(7.46)).toBe('+7.5 pp');
    expect(formatPoints(-0.02)).toBe('0.0 pp');
  });
});

import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '#events/errors.ts';
import { type Chart, Snapshot } from '#events/values.ts';
import { assertPercentsSumTo100, buildCharts, validateCharts } from '#services/charter/domain.ts';

/**
 * Total 14,000: VTI 6,000 (all US equity), BAL 5,000 (a 60/40 balanced fund), MYST 2,000
 * (unclassified), 1,000 cash, and an unpriced position worth nothing.
 */
function fixture(overrides: Partial<Snapshot> = {}): Snapshot {
  return Snapshot.parse({
    userId: 'household-42',
    asOf: '2026-11-21T09:30:00.000Z',
    currency: 'USD',
    owner: { name: 'Sam Rivera', birthYear: 1980 },
    goals: { retirementAge: 65, annualSpending: 80000 },
    accounts: [
      { id: 'roth', name: 'Roth IRA', type: 'roth_ira', cash: 1000 },
      { id: 'brokerage', name: 'Brokerage', type: 'taxable', cash: 0 },
    ],
    positions: [
      { accountId: 'brokerage', symbol: 'VTI', quantity: 20, price: 300, priceSource: 'portfolio', value: 6000 },
      { accountId: 'roth', symbol: 'BAL', quantity: 100, price: 50, priceSource: 'portfolio', value: 5000 },
      { accountId: 'brokerage', symbol: 'MYST', quantity: 40, price: 50, priceSource: 'market', value: 2000 },
      { accountId: 'brokerage', symbol: 'GONE', quantity: 5, price: null, priceSource: 'missing', value: 0 },
    ],
    instruments: [
      {
        symbol: 'VTI',
        name: 'Vanguard Total Stock Market ETF',
        instrumentType: 'etf',
        assetClass: { equity: 100 },
        regions: { north_america: 100 },
        sectors: { information_technology: 50, financials: 50 },
        source: 'reference',
        rationale: 'US total market.',
      },
      {
        symbol: 'BAL',
        name: 'Balanced Fund',
        instrumentType: 'mutual_fund',
        assetClass: { equity: 60, fixed_income: 40 },
        regions: { north_america: 80, europe: 20 },
        sectors: { information_technology: 30, financials: 30, government: 40 },
        source: 'model',
        rationale: '60/40.',
      },
      {
        symbol: 'MYST',
        name: 'Mystery Holdings',
        instrumentType: 'other',
        assetClass: {},
        regions: {},
        sectors: {},
        source: 'unclassified',
        rationale: 'Not enough information.',
      },
    ],
    ...overrides,
  });
}

function chart(charts: Chart[], id: string): Chart {
  const found = charts.find((candidate) => candidate.id === id);
  if (!found) throw new Error(`no chart ${id}`);
  return found;
}

describe('buildCharts', () => {
  const { charts } = buildCharts(fixture());

  it('produces the five standard charts with their types', () => {
    expect(charts.map((c) => [c.id, c.type])).toEqual([
      ['asset-class', 'donut'],
      ['region', 'pie'],
      ['sector', 'horizontalBar'],
      ['account', 'bar'],
      ['top-holdings', 'horizontalBar'],
    ]);
  });

  it('splits the balanced fund 60/40, keeps cash and unclassified as their own classes', () => {
    // equity 6000 + 60% of 5000 = 9000; fixed income 40% of 5000 = 2000; of 14,000.
    expect(chart(charts, 'asset-class').data).toEqual([
      { label: 'Equity', value: 9000, percent: 64.29 },
      { label: 'Fixed income', value: 2000, percent: 14.29 },
      { label: 'Unclassified', value: 2000, percent: 14.29 },
      { label: 'Cash', value: 1000, percent: 7.14 },
    ]);
  });

  it('computes regions and sectors with human labels', () => {
    expect(chart(charts, 'region').data).toEqual([
      { label: 'North America', value: 10000, percent: 71.43 },
      { label: 'Unclassified', value: 2000, percent: 14.29 },
      { label: 'Cash', value: 1000, percent: 7.14 },
      { label: 'Europe', value: 1000, percent: 7.14 },
    ]);
    expect(chart(charts, 'sector').data).toEqual([
      { label: 'Financials', value: 4500, percent: 32.14 },
      { label: 'Information technology', value: 4500, percent: 32.14 },
      { label: 'Government bonds', value: 2000, percent: 14.29 },
      { label: 'Unclassified', value: 2000, percent: 14.29 },
      { label: 'Cash', value: 1000, percent: 7.14 },
    ]);
  });

  it('labels accounts by name, cash included', () => {
    expect(chart(charts, 'account').data).toEqual([
      { label: 'Brokerage', value: 8000, percent: 57.14 },
      { label: 'Roth IRA', value: 6000, percent: 42.86 },
    ]);
  });

  it('lists top holdings with names, percents of the whole portfolio, unpriced left out', () => {
    expect(chart(charts, 'top-holdings').data).toEqual([
      { label: 'VTI (Vanguard Total Stock Market ETF)', value: 6000, percent: 42.86 },
      { label: 'BAL (Balanced Fund)', value: 5000, percent: 35.71 },
      { label: 'MYST (Mystery Holdings)', value: 2000, percent: 14.29 },
    ]);
  });

  it('makes every partition chart sum to 100 within rounding', () => {
    for (const c of charts.filter((c) => c.id !== 'top-holdings')) {
      const sum = c.data.reduce((total, d) => total + (d.percent ?? 0), 0);
      expect(Math.abs(sum - 100), c.id).toBeLessThanOrEqual(0.05);
    }
  });

  it('keeps only the ten largest holdings', () => {
    const symbols = Array.from({ length: 12 }, (_, i) => `S${String.fromCharCode(65 + i)}`);
    const snapshot = fixture({
      positions: symbols.map((symbol, i) => ({
        accountId: 'roth',
        symbol,
        quantity: 1,
        price: 100 * (i + 1),
        priceSource: 'portfolio' as const,
        value: 100 * (i + 1),
      })),
      instruments: [],
    });
    const top = chart(buildCharts(snapshot).charts, 'top-holdings').data;
    expect(top).toHaveLength(10);
    expect(top[0]).toEqual({ label: 'SL', value: 1200, percent: 13.64 }); // 1200 / (7800 + 1000 cash)
    expect(top.at(-1)!.label).toBe('SC');
  });

  it('tells apart accounts that share a name', () => {
    const snapshot = fixture({
      accounts: [
        { id: 'a1', name: 'IRA', type: 'roth_ira', cash: 100 },
        { id: 'a2', name: 'IRA', type: 'traditional_ira', cash: 300 },
      ],
      positions: [],
      instruments: [],
    });
    expect(chart(buildCharts(snapshot).charts, 'account').data.map((d) => d.label)).toEqual([
      'IRA (Traditional IRA)',
      'IRA (Roth IRA)',
    ]);
  });

  it('returns empty charts for an empty portfolio instead of dividing by zero', () => {
    const snapshot = fixture({ accounts: [], positions: [], instruments: [] });
    for (const c of buildCharts(snapshot).charts) expect(c.data).toEqual([]);
  });
});

describe('validateCharts', () => {
  const good = { id: 'x', type: 'pie', title: 'X', description: 'x', data: [{ label: 'A', value: 1, percent: 100 }] };

  it('applies the schema defaults', () => {
    expect(validateCharts([good])[0]!.unit).toBe('USD');
  });

  it('names the offending field', () => {
    expect(() => validateCharts([good, { ...good, id: 'Bad Id' }])).toThrow(/charts\[1\]\.id/);
    expect(() => validateCharts([good, { ...good, data: [{ label: 'A', value: Number.NaN }] }])).toThrow(
      InvalidInputError,
    );
  });

  it('rejects duplicate ids', () => {
    expect(() => validateCharts([good, good])).toThrow(/charts\[1\]\.id: duplicate chart id "x"/);
  });

  it('catches a partition that does not add up', () => {
    const [parsed] = validateCharts([{ ...good, data: [{ label: 'A', value: 1, percent: 60 }] }]);
    expect(() => assertPercentsSumTo100(parsed!)).toThrow(/sum to 60, not 100/);
  });
});

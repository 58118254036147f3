import { describe, expect, it } from 'vitest';
import { Snapshot } from '#events/values.ts';
import type { StoredPortfolio } from '#services/common/portfolio-store.ts';
import { buildSnapshot } from '#services/planner/domain.ts';
import { marketDay } from '#services/planner/prices/cache.ts';
import { LocalPrices, NO_MARKET_DATA_REASON } from '#services/planner/prices/local.ts';
import {
  PriceConfigurationError,
  type PriceLookup,
  type PricePort,
  type RefreshPolicy,
} from '#services/planner/prices/port.ts';
import { refreshPrices, symbolsToRefresh } from '#services/planner/prices/refresh.ts';

const PLANNED_AT = new Date('2025-06-16T14:00:00Z');

const PORTFOLIO: StoredPortfolio = {
  user: { id: 'rivera-household', name: 'Sam Rivera', birthYear: 1979 },
  goals: { retirementAge: 62, lifeExpectancy: 95, annualContribution: 0, annualSpending: 60000, otherIncome: 0 },
  accounts: [
    { id: '401k', name: '401(k)', type: '401k', cash: 100 },
    { id: 'taxable', name: 'Brokerage', type: 'taxable', cash: 0 },
  ],
  positions: [
    { accountId: '401k', symbol: 'VTI', name: null, quantity: 10, price: 300 },
    { accountId: 'taxable', symbol: 'VTI', name: null, quantity: 3, price: null },
    { accountId: 'taxable', symbol: 'AAPL', name: null, quantity: 10, price: null },
    { accountId: 'taxable', symbol: 'ZZZZ', name: 'Delisted Co', quantity: 50, price: null },
    { accountId: 'taxable', symbol: 'BND', name: null, quantity: 4, price: 73.25 },
  ],
};

/** A market source answering from a table, remembering what it was asked. */
class TablePrices implements PricePort {
  readonly name = 'table';
  readonly asked: string[][] = [];
  constructor(
    readonly refresh: RefreshPolicy,
    private readonly table: Record<string, number>,
  ) {}
  async quotes(symbols: readonly string[]): Promise<Map<string, PriceLookup>> {
    this.asked.push([...symbols]);
    return new Map(
      symbols.map((symbol): [string, PriceLookup] => {
        const price = this.table[symbol];
        return [
          symbol,
          price === undefined
            ? { symbol, status: 'missing', reason: `unknown ticker ${symbol}` }
            : { symbol, status: 'found', price, source: 'market' },
        ];
      }),
    );
  }
}

function positionsOf(snapshot: Snapshot) {
  return snapshot.positions.map((p) => [p.accountId, p.symbol, p.price, p.priceSource, p.value]);
}

describe('refreshing prices before the snapshot', () => {
  it('asks only for unpriced positions, and a missing price stays missing: null, value 0, never invented', async () => {
    const market = new TablePrices('missing', { AAPL: 228.5, VTI: 310, BND: 70 });

    const { book, missing } = await refreshPrices(PORTFOLIO, market, PLANNED_AT);
    const snapshot = Snapshot.parse(buildSnapshot(PORTFOLIO, [], PLANNED_AT, book));

    expect(market.asked).toEqual([['AAPL', 'VTI', 'ZZZZ']]);
    expect(positionsOf(snapshot)).toEqual([
      ['401k', 'VTI', 300, 'portfolio', 3000], // the file's price is kept
      ['taxable', 'VTI', 310, 'market', 930], // 3 × 310
      ['taxable', 'AAPL', 228.5, 'market', 2285], // 10 × 228.5
      ['taxable', 'ZZZZ', null, 'missing', 0],
      ['taxable', 'BND', 73.25, 'portfolio', 293], // 4 × 73.25
    ]);
    expect(missing).toEqual([{ symbol: 'ZZZZ', status: 'missing', reason: 'unknown ticker ZZZZ' }]);
  });

  it('refreshing all positions replaces file prices with market closes, and keeps the file price where the market has none', async () => {
    const market = new TablePrices('all', { AAPL: 228.5, BND: 72.5 });

    const { book, missing } = await refreshPrices(PORTFOLIO, market, PLANNED_AT);
    const snapshot = buildSnapshot(PORTFOLIO, [], PLANNED_AT, book);

    expect(market.asked).toEqual([['AAPL', 'BND', 'VTI', 'ZZZZ']]);
    expect(positionsOf(snapshot)).toEqual([
      ['401k', 'VTI', 300, 'portfolio', 3000],
      // No market close for VTI: the unpriced line takes the file's VTI price from the 401(k) line.
      ['taxable', 'VTI', 300, 'portfolio', 900],
      ['taxable', 'AAPL', 228.5, 'market', 2285],
      ['taxable', 'ZZZZ', null, 'missing', 0],
      ['taxable', 'BND', 72.5, 'market', 290], // 4 × 72.5
    ]);
    expect(missing.map((m) => m.symbol)).toEqual(['ZZZZ']);
  });

  it('without a market source, prices come from the file alone and the rest are missing with the reason', async () => {
    const { book, missing } = await refreshPrices(PORTFOLIO, undefined, PLANNED_AT);
    const snapshot = buildSnapshot(PORTFOLIO, [], PLANNED_AT, book);

    expect(positionsOf(snapshot).map(([, symbol, , source]) => `${symbol}:${source}`)).toEqual([
      'VTI:portfolio',
      'VTI:portfolio',
      'AAPL:missing',
      'ZZZZ:missing',
      'BND:portfolio',
    ]);
    expect(missing).toEqual([
      { symbol: 'AAPL', status: 'missing', reason: NO_MARKET_DATA_REASON },
      { symbol: 'ZZZZ', status: 'missing', reason: NO_MARKET_DATA_REASON },
    ]);
  });

  it('without a price book, buildSnapshot values each line at its own file price only', () => {
    const snapshot = buildSnapshot(PORTFOLIO, [], PLANNED_AT);

    expect(snapshot.positions.map((p) => p.priceSource)).toEqual([
      'portfolio',
      'missing',
      'missing',
      'missing',
      'portfolio',
    ]);
    expect(snapshot.positions[1]).toMatchObject({ price: null, value: 0 });
  });

  it('lets a configuration error through, so the job fails loudly instead of pricing nothing', async () => {
    const broken: PricePort = {
      name: 'broken',
      refresh: 'missing',
      quotes: async () => {
        throw new PriceConfigurationError('No Polygon.io API key');
      },
    };

    await expect(refreshPrices(PORTFOLIO, broken, PLANNED_AT)).rejects.toThrow(PriceConfigurationError);
  });

  it('does not call the market source when every line has a price', async () => {
    const market = new TablePrices('missing', {});
    const priced = { positions: PORTFOLIO.positions.filter((p) => p.price !== null) };

    const { missing } = await refreshPrices(priced, market, PLANNED_AT);

    expect(market.asked).toEqual([]);
    expect(missing).toEqual([]);
    expect(symbolsToRefresh(priced, 'all')).toEqual(['BND', 'VTI']);
  });
});

describe('LocalPrices', () => {
  it('answers from the file, first line in file order, and reports the rest missing', async () => {
    const local = LocalPrices.fromPortfolio({
      positions: [
        { accountId: 'a', symbol: 'VTI', name: null, quantity: 1, price: 300 },
        { accountId: 'b', symbol: 'VTI', name: null, quantity: 1, price: 305 },
        { accountId: 'b', symbol: 'AAPL', name: null, quantity: 1, price: null },
      ],
    });

    const quotes = await local.quotes(['VTI', 'AAPL']);

    expect(quotes.get('VTI')).toEqual({ symbol: 'VTI', status: 'found', price: 300, source: 'portfolio' });
    expect(quotes.get('AAPL')).toEqual({ symbol: 'AAPL', status: 'missing', reason: NO_MARKET_DATA_REASON });
  });
});

describe('marketDay', () => {
  it('is the New York calendar day, so the cache turns over at New York midnight', () => {
    expect(marketDay(new Date('2025-06-17T03:30:00Z'))).toBe('2025-06-16'); // 23:30 EDT
    expect(marketDay(new Date('2025-06-17T04:30:00Z'))).toBe('2025-06-17'); // 00:30 EDT
    expect(marketDay(new Date('2025-01-15T04:30:00Z'))).toBe('2025-01-14'); // 23:30 EST
  });
});

/**
 * The local price source: what the portfolio file itself says. The reference data
 * (services/tagger/data, ../shared/data/reference-instruments.json) holds classifications only,
 * no prices, so there is nothing else local to offer; a symbol the file prices nowhere is
 * reported missing, with the reason, and no price is made up.
 *
 * It is useful beyond a no-op: a symbol held in two accounts with a price on only one line gets
 * that price on both. It is the source when no market data is configured (the local runtime,
 * or a deployment without a Polygon.io key), and the fallback behind Polygon.io.
 */
import type { StoredPortfolio } from '../../common/portfolio-store.ts';
import type { PriceLookup, PricePort, RefreshPolicy } from './port.ts';

export const NO_MARKET_DATA_REASON =
  'no market-data source is configured (set POLYGON_API_KEY or ALEX_POLYGON_SECRET_ID), and the portfolio file gives no price for it';

export class LocalPrices implements PricePort {
  readonly name = 'local';
  /** The file's prices are already applied line by line; only the unpriced lines ask. */
  readonly refresh: RefreshPolicy = 'missing';

  constructor(private readonly known: ReadonlyMap<string, number>) {}

  /**
   * The price each symbol has in the portfolio file. Where one symbol has different prices on
   * different lines (entered on different days), the first line in file order wins: the file
   * does not say which is newer, and the lines that carry their own price keep it anyway.
   */
  static fromPortfolio(portfolio: Pick<StoredPortfolio, 'positions'>): LocalPrices {
    const known = new Map<string, number>();
    for (const position of portfolio.positions) {
      if (position.price !== null && position.price > 0 && !known.has(position.symbol))
        known.set(position.symbol, position.price);
    }
    return new LocalPrices(known);
  }

  async quotes(symbols: readonly string[]): Promise<Map<string, PriceLookup>> {
    return new Map(
      [...new Set(symbols)].map((symbol): [string, PriceLookup] => {
        const price = this.known.get(symbol);
        return [
          symbol,
          price === undefined
            ? { symbol, status: 'missing', reason: NO_MARKET_DATA_REASON }
            : { symbol, status: 'found', price, source: 'portfolio' },
        ];
      }),
    );
  }
}

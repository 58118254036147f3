/**
 * The planner's "refresh prices" step: ask the market-data port about the positions that need
 * it, fall back to the portfolio file's own prices, and decide each position's price and its
 * source. A position nobody can price is missing: price null, value 0, never a guess.
 */
import type { StoredPortfolio } from '../../common/portfolio-store.ts';
import { LocalPrices } from './local.ts';
import type { MissingPrice, PriceLookup, PricePort, PriceSource, RefreshPolicy } from './port.ts';

/** What the refresh found, per symbol, and which positions it applies to. */
export interface PriceBook {
  refresh: RefreshPolicy;
  lookups: ReadonlyMap<string, PriceLookup>;
}

/** No refresh: every position keeps the price its file line gives, or is missing. */
export const FILE_PRICES_ONLY: PriceBook = { refresh: 'missing', lookups: new Map() };

type Position = StoredPortfolio['positions'][number];

export interface PositionPrice {
  price: number | null;
  priceSource: PriceSource;
}

/**
 * Precedence: a market price for a position the policy refreshes; else the position's own file
 * price; else the same symbol's price on another line of the file; else missing.
 */
export function priceOfPosition(position: Pick<Position, 'symbol' | 'price'>, book: PriceBook): PositionPrice {
  const lookup = book.lookups.get(position.symbol);
  const found = lookup?.status === 'found' ? lookup : undefined;
  if (found?.source === 'market' && (position.price === null || book.refresh === 'all')) {
    return { price: found.price, priceSource: 'market' };
  }
  if (position.price !== null) return { price: position.price, priceSource: 'portfolio' };
  if (found) return { price: found.price, priceSource: found.source };
  return { price: null, priceSource: 'missing' };
}

/** Symbols to ask the port about, sorted: all held, or those with a line that has no price. */
export function symbolsToRefresh(portfolio: Pick<StoredPortfolio, 'positions'>, refresh: RefreshPolicy): string[] {
  const wanted = portfolio.positions.filter((p) => refresh === 'all' || p.price === null).map((p) => p.symbol);
  return [...new Set(wanted)].sort();
}

export interface RefreshedPrices {
  book: PriceBook;
  /** Symbols with at least one position left without a price, and why: for the job's log. */
  missing: MissingPrice[];
}

/**
 * Asks `market` (when configured) and then the file for the symbols that need a price. Rejects
 * only when the market source is misconfigured (PriceConfigurationError).
 */
export async function refreshPrices(
  portfolio: Pick<StoredPortfolio, 'positions'>,
  market: PricePort | undefined,
  on: Date,
): Promise<RefreshedPrices> {
  const refresh = market?.refresh ?? 'missing';
  const wanted = symbolsToRefresh(portfolio, refresh);
  const fromMarket = market && wanted.length > 0 ? await market.quotes(wanted, on) : new Map<string, PriceLookup>();
  const unanswered = wanted.filter((symbol) => fromMarket.get(symbol)?.status !== 'found');
  const fromFile = await LocalPrices.fromPortfolio(portfolio).quotes(unanswered);

  const lookups = new Map<string, PriceLookup>();
  for (const symbol of wanted) {
    const quoted = fromMarket.get(symbol);
    const file = fromFile.get(symbol);
    // When neither knows, the market's reason (rate limited, unknown ticker) is the useful one.
    const lookup = quoted?.status === 'found' ? quoted : file?.status === 'found' ? file : (quoted ?? file);
    if (lookup) lookups.set(symbol, lookup);
  }
  const book: PriceBook = { refresh, lookups };

  const missing = new Map<string, MissingPrice>();
  for (const position of portfolio.positions) {
    if (priceOfPosition(position, book).priceSource !== 'missing' || missing.has(position.symbol)) continue;
    const lookup = lookups.get(position.symbol);
    const reason = lookup?.status === 'missing' ? lookup.reason : 'no source gave a price';
    missing.set(position.symbol, { symbol: position.symbol, status: 'missing', reason });
  }
  return { book, missing: [...missing.values()] };
}

/**
 * Each known company's own volatility from reference data (services/tagger/data/stock-facts.json,
 * sources and dates in STOCK-FACTS.md beside it): the sample standard deviation of its calendar-year
 * log returns, ln(1 + r), over one fixed window, recomputed from the transcribed returns by
 * scripts/data/stock-volatility.ts. A company not listed gets a stated default, never the index's.
 */
import * as z from 'zod';
import factsFile from '../tagger/data/stock-facts.json' with { type: 'json' };

/**
 * Volatility of one company's annual return when reference data has none: a stated default,
 * about twice the broad market's (S&P 500: 19.5% over 1928–2024). See docs/assumptions.md.
 */
export const DEFAULT_SINGLE_STOCK_VOLATILITY = 0.35;

const Year = z.string().regex(/^\d{4}$/);
const StockFactsFile = z.object({
  window: z.object({ from: z.number().int(), to: z.number().int() }),
  method: z.string(),
  stocks: z.record(
    z.string(),
    z.object({
      source: z.url(),
      /** When the page was current: a date, or a year when the page gives none. */
      asOf: z.string(),
      yearlyReturnsPercent: z.record(Year, z.number().gt(-100)),
      volatility: z.number().gt(0).max(3),
      /** What the yearly figures are when not plain total returns ("price returns"). */
      returns: z.string().default('total returns'),
      note: z.string().optional(),
    }),
  ),
});
export type StockFacts = z.infer<typeof StockFactsFile>;

let loaded: StockFacts | undefined;
export function stockFacts(): StockFacts {
  if (loaded) return loaded;
  const parsed = StockFactsFile.safeParse(factsFile);
  // A broken data file is a release defect, not bad input.
  if (!parsed.success) throw new Error(`services/tagger/data/stock-facts.json: ${parsed.error.message}`);
  loaded = parsed.data;
  return loaded;
}

export interface StockVolatility {
  /** Standard deviation of the annual return (0.35 = 35%). */
  volatility: number;
  /** Where it comes from, for the reader ("calendar-year total returns 2016–2025, chartrow.com"); absent for the default. */
  basis?: string;
}

/** The company's own volatility when reference data lists it, else the stated default. */
export function stockVolatilityOf(symbol: string): StockVolatility {
  const facts = stockFacts();
  const stock = facts.stocks[symbol];
  if (!stock) return { volatility: DEFAULT_SINGLE_STOCK_VOLATILITY };
  const years = Object.keys(stock.yearlyReturnsPercent).map(Number);
  const span = `${Math.min(...years)}–${Math.max(...years)}`;
  return {
    volatility: stock.volatility,
    basis: `calendar-year ${stock.returns} ${span}, ${new URL(stock.source).host}`,
  };
}

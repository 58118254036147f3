/**
 * The market-data port the planner asks for prices before it freezes a snapshot. An adapter
 * answers every symbol it is asked about: with a price and where it came from, or as missing
 * with the reason. It never makes a price up; a missing price stays missing all the way to the
 * report.
 */
import type * as z from 'zod';
import type { PriceSource as PriceSourceSchema } from '#events/values.ts';

/** events/values.ts exports the schema only; this is its type. */
export type PriceSource = z.infer<typeof PriceSourceSchema>;

/** A price per unit in USD, with its source and (for market data) the trading day it closed. */
export interface FoundPrice {
  symbol: string;
  status: 'found';
  price: number;
  source: Exclude<PriceSource, 'missing'>;
  /** Trading day of the close, YYYY-MM-DD, when the source says. */
  tradingDay?: string;
}

export interface MissingPrice {
  symbol: string;
  status: 'missing';
  /** Why, in words a person can act on (unknown ticker, rate limited, no source configured). */
  reason: string;
}

export type PriceLookup = FoundPrice | MissingPrice;

/**
 * Which positions the planner asks about: only those without a price in the portfolio file
 * ('missing'), or every position, so market closes replace the file's prices ('all').
 */
export type RefreshPolicy = 'missing' | 'all';
export const REFRESH_POLICIES = ['missing', 'all'] as const satisfies readonly RefreshPolicy[];

export interface PricePort {
  /** For logs: which source answered. */
  readonly name: string;
  readonly refresh: RefreshPolicy;
  /**
   * One lookup per distinct symbol asked, keyed by symbol. `on` is the moment the job is
   * planned: it decides which previous close applies and which day's cache entry is used.
   * Rejects only when the source itself is unusable (see PriceConfigurationError); a
   * problem with one symbol is that symbol's MissingPrice.
   */
  quotes(symbols: readonly string[], on: Date): Promise<Map<string, PriceLookup>>;
}

/**
 * The market-data source is configured wrongly (no API key, a key the provider refuses, an
 * unreadable secret). Every symbol would fail the same way, so the job fails loudly instead of
 * reporting a whole portfolio as missing; fixing the configuration and redriving the message
 * recovers it.
 */
export class PriceConfigurationError extends Error {
  override name: string = 'PriceConfigurationError';
}

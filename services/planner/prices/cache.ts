/**
 * Prices cached per (symbol, day). A previous close does not change during the day it is the
 * previous close for, so a second job the same day needs no request, which matters on a plan
 * that allows five requests a minute.
 */
import type { PriceLookup } from './port.ts';

export interface PriceCache {
  get(symbol: string, day: string): PriceLookup | undefined;
  set(symbol: string, day: string, lookup: PriceLookup): void;
}

const NEW_YORK_DATE = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'America/New_York',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/**
 * The calendar day in New York (YYYY-MM-DD). US exchanges close by New York time, so the
 * "previous close" changes at New York midnight, not at UTC midnight: a job at 22:00 New York
 * time and one at 01:00 UTC the same evening see the same close and share a cache entry.
 */
export function marketDay(at: Date): string {
  // en-CA formats as YYYY-MM-DD.
  return NEW_YORK_DATE.format(at);
}

/**
 * In memory, for the life of the container (a Lambda execution environment, or the local
 * runtime's process). Holds one day at a time: entries of earlier days are dropped when a new
 * day is first written, so the cache stays as small as one portfolio universe.
 */
export class MemoryPriceCache implements PriceCache {
  private day: string | undefined;
  private readonly entries = new Map<string, PriceLookup>();

  get(symbol: string, day: string): PriceLookup | undefined {
    return day === this.day ? this.entries.get(symbol) : undefined;
  }

  set(symbol: string, day: string, lookup: PriceLookup): void {
    if (day !== this.day) {
      this.entries.clear();
      this.day = day;
    }
    this.entries.set(symbol, lookup);
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * Portfolio arithmetic shared by the specialists: market values and look-through allocations
 * computed from a snapshot. Cash balances are their own asset class; an instrument without a
 * classification is counted in an explicit "unclassified" bucket rather than guessed.
 */
import type { Classification, Snapshot } from '#events/values.ts';
import { round } from '#events/values.ts';

export type Dimension = 'assetClass' | 'regions' | 'sectors';

export const UNCLASSIFIED = 'unclassified';
export const CASH = 'cash';

export interface Holding {
  symbol: string;
  name: string;
  accountId: string;
  value: number;
  classification: Classification | undefined;
}

export interface Slice {
  key: string;
  value: number;
  /** Percent of the total, 0..100. */
  percent: number;
}

export function classificationsBySymbol(snapshot: Snapshot): Map<string, Classification> {
  return new Map(snapshot.instruments.map((instrument) => [instrument.symbol, instrument]));
}

/** Priced positions with their classification; positions without a price carry no value. */
export function holdings(snapshot: Snapshot): Holding[] {
  const bySymbol = classificationsBySymbol(snapshot);
  return snapshot.positions.map((position) => {
    const classification = bySymbol.get(position.symbol);
    return {
      symbol: position.symbol,
      name: classification?.name ?? position.symbol,
      accountId: position.accountId,
      value: position.value,
      classification: classification?.source === 'unclassified' ? undefined : classification,
    };
  });
}

export function cashTotal(snapshot: Snapshot): number {
  return snapshot.accounts.reduce((sum, account) => sum + account.cash, 0);
}

export function investedTotal(snapshot: Snapshot): number {
  return snapshot.positions.reduce((sum, position) => sum + position.value, 0);
}

export function totalValue(snapshot: Snapshot): number {
  return investedTotal(snapshot) + cashTotal(snapshot);
}

/**
 * Look-through allocation along one dimension: each holding's value split by its weights,
 * account cash added as `cash`, holdings without a classification as `unclassified`.
 * Sorted by value, largest first; percents of the whole portfolio.
 */
export function allocationBy(snapshot: Snapshot, dimension: Dimension): Slice[] {
  const sums = new Map<string, number>();
  const add = (key: string, value: number) => sums.set(key, (sums.get(key) ?? 0) + value);
  for (const holding of holdings(snapshot)) {
    if (holding.value === 0) continue;
    const weights = holding.classification?.[dimension] as Record<string, number> | undefined;
    if (!weights || Object.keys(weights).length === 0) {
      add(UNCLASSIFIED, holding.value);
      continue;
    }
    for (const [key, weight] of Object.entries(weights)) add(key, (holding.value * weight) / 100);
  }
  const cash = cashTotal(snapshot);
  if (cash > 0) add(CASH, cash);
  return toSlices(sums);
}

/** Market value per account, cash included. */
export function valueByAccount(snapshot: Snapshot): Slice[] {
  const sums = new Map<string, number>();
  for (const account of snapshot.accounts) sums.set(account.id, account.cash);
  for (const position of snapshot.positions) {
    sums.set(position.accountId, (sums.get(position.accountId) ?? 0) + position.value);
  }
  return toSlices(sums);
}

/** Market value per symbol across accounts, largest first. */
export function valueBySymbol(snapshot: Snapshot): Slice[] {
  const sums = new Map<string, number>();
  for (const position of snapshot.positions) {
    sums.set(position.symbol, (sums.get(position.symbol) ?? 0) + position.value);
  }
  return toSlices(sums, totalValue(snapshot));
}

function toSlices(sums: Map<string, number>, total = [...sums.values()].reduce((a, b) => a + b, 0)): Slice[] {
  return [...sums.entries()]
    .map(([key, value]) => ({ key, value: round(value, 2), percent: total > 0 ? round((value / total) * 100, 2) : 0 }))
    .sort((a, b) => b.value - a.value || a.key.localeCompare(b.key));
}

export function currentAge(snapshot: Snapshot): number {
  return new Date(snapshot.asOf).getUTCFullYear() - snapshot.owner.birthYear;
}

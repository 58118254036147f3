/**
 * The figures that make two pieces of advice specific: which individual securities among the five
 * largest holdings to trim, in which account and by how much; and which holdings lack data, where
 * they sit and what they are worth. Each amount is a fact, so the advice can quote it and the
 * number check accepts it. Sells go largest first, so the first dollar sold removes the most risk.
 */

import type { Snapshot } from '#events/values.ts';
import type { FactContext } from './fact-sections.ts';
import { RULES, type TopHolding } from './facts.ts';
import { accountName } from './plan-facts.ts';

export interface Trim {
  symbol: string;
  accountName: string;
  /** Key of the fact holding the amount to sell. */
  key: string;
}

export interface DataGap {
  symbol: string;
  /** Accounts that hold it, largest first. */
  accountNames: string[];
  /** Key of the fact holding its value; absent for an unpriced holding (it has none). */
  key?: string;
  problem: 'unclassified' | 'unpriced';
}

/**
 * The five largest holdings above RULES.topFiveLimit with an individual security among them: the
 * excess over the limit, sold from those securities' positions, largest position first, each at
 * most its value. Funds are left alone: five broad funds are not a concentration risk.
 */
export function topFiveTrims(c: FactContext, topFive: readonly TopHolding[]): Trim[] {
  const { book, snapshot, total } = c;
  const topValue = snapshot.positions
    .filter((p) => topFive.some((h) => h.symbol === p.symbol))
    .reduce((sum, p) => sum + p.value, 0);
  const excess = Math.max(0, topValue - (RULES.topFiveLimit / 100) * total);
  book.usd('topFive.excess', `Value of the five largest holdings above ${RULES.topFiveLimit}%`, excess);
  const securities = new Set(topFive.filter((h) => h.kind === 'security').map((h) => h.symbol));
  if (excess <= 0 || securities.size === 0) return [];
  const positions = snapshot.positions
    .filter((p) => securities.has(p.symbol) && p.value > 0)
    .sort((a, b) => b.value - a.value || a.symbol.localeCompare(b.symbol));
  const trims = sellInOrder(c, positions, excess, 'topFive.trim', 'to sell');
  const sold = Math.min(
    excess,
    positions.reduce((sum, p) => sum + p.value, 0),
  );
  book.usd('topFive.trimTotal', 'Individual securities to sell in all', sold);
  return trims;
}

/**
 * Sells `amount` from `positions` in the order given, each at most its value; each sale is a fact
 * `${prefix}.${symbol}.${accountId}`. Returns the sales made.
 */
function sellInOrder(
  c: FactContext,
  positions: readonly Snapshot['positions'][number][],
  amount: number,
  prefix: string,
  what: string,
): Trim[] {
  const sales: Trim[] = [];
  let left = amount;
  for (const position of positions) {
    if (left <= 0.005) break;
    const sold = Math.min(left, position.value);
    const key = `${prefix}.${position.symbol}.${position.accountId}`;
    c.book.usd(key, `${position.symbol} ${what} in account ${position.accountId}`, sold);
    sales.push({ symbol: position.symbol, accountName: accountName(c.snapshot, position.accountId), key });
    left -= sold;
  }
  return sales;
}

/** Holdings nobody could classify (by value) and holdings without a price, with their accounts. */
export function dataGaps(c: FactContext): DataGap[] {
  const { book, snapshot, instrumentType } = c;
  const value = new Map<string, number>();
  const accounts = new Map<string, Map<string, number>>();
  for (const p of snapshot.positions) {
    value.set(p.symbol, (value.get(p.symbol) ?? 0) + p.value);
    const byAccount = accounts.get(p.symbol) ?? new Map<string, number>();
    byAccount.set(p.accountId, (byAccount.get(p.accountId) ?? 0) + p.value);
    accounts.set(p.symbol, byAccount);
  }
  const where = (symbol: string) => [
    ...new Set(
      [...(accounts.get(symbol) ?? new Map()).entries()]
        .sort((a, b) => b[1] - a[1])
        .map(([id]) => accountName(snapshot, id)),
    ),
  ];
  const unpriced = new Set(
    snapshot.positions.filter((p) => p.price === null || p.priceSource === 'missing').map((p) => p.symbol),
  );
  const unclassified = [...value.keys()]
    .filter((symbol) => instrumentType(symbol) === undefined && !unpriced.has(symbol))
    .sort((a, b) => value.get(b)! - value.get(a)! || a.localeCompare(b));
  const gaps: DataGap[] = unclassified.map((symbol) => {
    const key = `unclassified.${symbol}.value`;
    book.usd(key, `Value of ${symbol}, not classified`, value.get(symbol)!);
    return { symbol, accountNames: where(symbol), key, problem: 'unclassified' };
  });
  for (const symbol of [...unpriced].sort()) gaps.push({ symbol, accountNames: where(symbol), problem: 'unpriced' });
  return gaps;
}

/**
 * Bonds far above the glide path for a saver with years to go: the excess over the glide path's
 * bond share, sold from bond funds (at least 90% bonds), sheltered accounts first (no tax), then
 * largest first, each at most its value.
 */
export function bondSales(c: FactContext, glideTargetPercent: number, bondsPercent: number): Trim[] {
  const { book, snapshot, total, bySymbol } = c;
  const excess = Math.max(0, ((bondsPercent - glideTargetPercent) / 100) * total);
  book.usd('glidePath.excessBondValue', 'Bonds above the glide path, in dollars', excess);
  if (excess <= 0) return [];
  const accountType = new Map(snapshot.accounts.map((a) => [a.id, a.type]));
  const sheltered = (id: string) => (SHELTERED.has(accountType.get(id) ?? 'other') ? 1 : 0);
  const bondFunds = snapshot.positions
    .filter((p) => {
      const classification = bySymbol.get(p.symbol);
      const share = (classification?.assetClass as Record<string, number> | undefined)?.fixed_income ?? 0;
      return p.value > 0 && classification?.source !== 'unclassified' && share >= 90;
    })
    .sort(
      (a, b) =>
        sheltered(b.accountId) - sheltered(a.accountId) || b.value - a.value || a.symbol.localeCompare(b.symbol),
    );
  return sellInOrder(c, bondFunds, excess, 'glidePath.sell', 'to move to stocks');
}

/**
 * Bonds far below the glide path: the shortfall in dollars, bought with stock held in tax-advantaged
 * accounts (no tax on the switch), largest position first, each at most its value. Taxable stock is
 * left alone: selling it realises gains, and new contributions can close the rest.
 */
export function bondBuys(c: FactContext, glideTargetPercent: number, bondsPercent: number): Trim[] {
  const { book, snapshot, total, bySymbol } = c;
  const short = Math.max(0, ((glideTargetPercent - bondsPercent) / 100) * total);
  book.usd('glidePath.shortBondValue', 'Bonds below the glide path, in dollars', short);
  if (short <= 0) return [];
  const accountType = new Map(snapshot.accounts.map((a) => [a.id, a.type]));
  const equity = snapshot.positions
    .filter((p) => {
      const classification = bySymbol.get(p.symbol);
      const share = (classification?.assetClass as Record<string, number> | undefined)?.equity ?? 0;
      const sheltered = SHELTERED.has(accountType.get(p.accountId) ?? 'other');
      return p.value > 0 && sheltered && classification?.source !== 'unclassified' && share >= 90;
    })
    .sort((a, b) => b.value - a.value || a.symbol.localeCompare(b.symbol));
  return sellInOrder(c, equity, short, 'glidePath.buyBonds', 'to sell for bonds');
}

/**
 * Asset location: bond and gold funds held in taxable accounts swapped with stock funds held in
 * tax-advantaged ones, `swap` dollars each way, the largest positions first on both sides.
 */
export function locationSwaps(c: FactContext, swap: number): { taxable: Trim[]; sheltered: Trim[] } {
  const { snapshot, bySymbol } = c;
  if (swap <= 0) {
    c.book.usd('location.swapNamed', 'Amount swapped between the named funds', 0);
    return { taxable: [], sheltered: [] };
  }
  const accountType = new Map(snapshot.accounts.map((a) => [a.id, a.type]));
  const share = (symbol: string, keys: string[]) => {
    const classification = bySymbol.get(symbol);
    if (!classification || classification.source === 'unclassified') return 0;
    return keys.reduce((sum, key) => sum + ((classification.assetClass as Record<string, number>)[key] ?? 0), 0);
  };
  const largestFirst = (a: { value: number; symbol: string }, b: { value: number; symbol: string }) =>
    b.value - a.value || a.symbol.localeCompare(b.symbol);
  const taxable = snapshot.positions
    .filter((p) => p.value > 0 && accountType.get(p.accountId) === 'taxable')
    .filter((p) => share(p.symbol, ['fixed_income', 'commodities']) >= 90)
    .sort(largestFirst);
  const sheltered = snapshot.positions
    .filter((p) => p.value > 0 && SHELTERED.has(accountType.get(p.accountId) ?? 'other'))
    .filter((p) => share(p.symbol, ['equity']) >= 90 && c.instrumentType(p.symbol) !== 'stock')
    .sort(largestFirst);
  // Both legs move the same dollars, so only what both sides can name is swapped.
  const total = (positions: readonly { value: number }[]) => positions.reduce((sum, p) => sum + p.value, 0);
  const amount = Math.min(swap, total(taxable), total(sheltered));
  c.book.usd('location.swapNamed', 'Amount swapped between the named funds', amount);
  return {
    taxable: sellInOrder(c, taxable, amount, 'location.sellTaxable', 'to sell in the taxable account'),
    sheltered: sellInOrder(c, sheltered, amount, 'location.sellSheltered', 'to sell in the retirement account'),
  };
}

const SHELTERED = new Set(['401k', 'roth_ira', 'traditional_ira', 'hsa']);

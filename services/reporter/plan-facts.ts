/**
 * The planner's facts beside the portfolio's: fund
 * costs and cheaper funds, company exposure with look-through of index funds, asset location
 * and the emergency reserve. Each figure is a fact, so advice can quote it and the number check
 * accepts it. Company exposure and fund costs come from reference data with source and date.
 */
import {
  cheaperAlternative,
  feeSummary,
  fundFacts,
  likeForLikeOf,
  salesChargeOf,
  trackedIndex,
} from '../common/fund-facts.ts';
import { type DataGap, locationSwaps, type Trim } from './action-facts.ts';
import type { FactContext } from './fact-sections.ts';
import { pct } from './fact-sections.ts';

/** A fund costing more than this a year, percent, gets a cheaper fund named. */
export const EXPENSIVE_FUND_PERCENT = 0.5;
const TAX_ADVANTAGED = new Set(['401k', 'roth_ira', 'traditional_ira', 'hsa']);

export interface CompanyExposure {
  symbol: string;
  value: number;
  direct: number;
  viaFunds: number;
  /** Accounts holding the company directly, largest first, with the value in each. */
  directAccounts: { accountId: string; accountName: string; accountType: string; value: number }[];
}

export interface ExpensiveFund {
  symbol: string;
  accountId: string;
  accountName: string;
  alternative: string | undefined;
  /** Share class with a front-end load ("A"), when reference data records one. */
  shareClass?: string;
}

/** Where to trade an asset class: its largest single-class fund, in a tax-advantaged account if any. */
export interface Venue {
  symbol: string;
  accountName: string;
  held: boolean;
}

export interface PlanFacts {
  /** Per asset class, the fund to sell or buy when rebalancing. */
  venues: Partial<Record<string, Venue>>;
  exposures: CompanyExposure[];
  expensive: ExpensiveFund[];
  /** Groups of held funds tracking the same index, each with two or more symbols. */
  sameIndex: { index: string; symbols: string[] }[];
  /** Individual securities among the five largest holdings to sell, largest first (action-facts.ts). */
  trims: Trim[];
  /** Holdings without a classification (largest first) or a price, with their accounts. */
  gaps: DataGap[];
  /** Stock in tax-advantaged accounts to move to bonds, when bonds are far below the glide path. */
  bondBuys: Trim[];
  /** Bond funds to move to stocks, when bonds are far above the glide path with years to go. */
  bondSales: Trim[];
  /** Asset location: bond and gold funds to sell in taxable accounts, stock funds to sell in sheltered ones. */
  location: { taxable: Trim[]; sheltered: Trim[] };
}

export function feeFacts(c: FactContext): ExpensiveFund[] {
  const { book, snapshot, total } = c;
  const fees = feeSummary(snapshot);
  book.percent(
    'fees.weightedPercent',
    'Weighted expense ratio of the whole portfolio, a year',
    fees.weightedExpenseRatioPercent,
    2,
  );
  book.usd('fees.annualCost', 'Fund costs paid this year', fees.annualCost);
  book.text('fees.unknownSymbols', 'Funds whose cost is not in reference data', fees.unknownSymbols.join(', ') || null);
  book.percent(
    'fees.unknownDefault',
    'Cost assumed for a fund not in reference data',
    fundFacts().unknownFundExpenseRatioPercent,
    2,
  );
  book.percent('rule.expensiveFund', 'Expense ratio above which a cheaper fund is named', EXPENSIVE_FUND_PERCENT, 1);
  const expensive: ExpensiveFund[] = [];
  for (const holding of fees.holdings) {
    // An assumed cost is a reason to look the fund up, not to sell it: only known costs count.
    if (!holding.known || holding.expenseRatioPercent <= EXPENSIVE_FUND_PERCENT) continue;
    const key = `fee.${holding.symbol}.${holding.accountId}`;
    const classification = c.bySymbol.get(holding.symbol);
    const assetClass = dominant(classification?.assetClass) ?? 'equity';
    const region = dominant(classification?.regions);
    // Nobody knows what an unclassified fund holds, so no like-for-like fund can be named.
    const known = classification !== undefined && classification.source !== 'unclassified';
    const alternative = known
      ? (likeForLikeOf(holding.symbol) ?? cheaperAlternative(assetClass, regionKey(assetClass, region)))
      : undefined;
    const load = salesChargeOf(holding.symbol);
    book.percent(
      `${key}.frontLoad`,
      `Largest front-end sales charge of ${holding.symbol}`,
      load?.maxFrontLoadPercent ?? null,
      2,
    );
    const alternativePercent = alternative ? (fundFacts().funds[alternative]?.expenseRatioPercent ?? null) : null;
    book.percent(`${key}.percent`, `Expense ratio of ${holding.symbol}`, holding.expenseRatioPercent, 2);
    book.usd(`${key}.value`, `Value of ${holding.symbol} in this account`, holding.value);
    book.usd(
      `${key}.annualCost`,
      `Yearly cost of ${holding.symbol}`,
      (holding.value * holding.expenseRatioPercent) / 100,
    );
    book.text(`${key}.alternative`, 'Lower-cost fund of the same asset class and region', alternative ?? null);
    book.percent(`${key}.alternativePercent`, 'Expense ratio of the lower-cost fund', alternativePercent, 2);
    book.usd(
      `${key}.saving`,
      'Yearly saving from the switch',
      alternativePercent === null ? null : (holding.value * (holding.expenseRatioPercent - alternativePercent)) / 100,
    );
    book.percent(`${key}.share`, `${holding.symbol} as a share of the portfolio`, pct(holding.value, total));
    expensive.push({
      symbol: holding.symbol,
      accountId: holding.accountId,
      accountName: accountName(snapshot, holding.accountId),
      alternative,
      ...(load ? { shareClass: load.shareClass } : {}),
    });
  }
  return expensive;
}

/** Direct holdings plus each index fund's top holdings (reference data), per company. */
export function exposureFacts(c: FactContext): CompanyExposure[] {
  const { book, snapshot, total } = c;
  const exposures = new Map<string, CompanyExposure>();
  const get = (symbol: string) => {
    let found = exposures.get(symbol);
    if (!found) exposures.set(symbol, (found = { symbol, value: 0, direct: 0, viaFunds: 0, directAccounts: [] }));
    return found;
  };
  const accountType = new Map(snapshot.accounts.map((a) => [a.id, a.type]));
  for (const position of snapshot.positions) {
    if (position.value <= 0) continue;
    if (c.instrumentType(position.symbol) === 'stock') {
      const exposure = get(position.symbol);
      exposure.direct += position.value;
      exposure.directAccounts.push({
        accountId: position.accountId,
        accountName: accountName(snapshot, position.accountId),
        accountType: accountType.get(position.accountId) ?? 'other',
        value: position.value,
      });
      continue;
    }
    const index = trackedIndex(position.symbol);
    const top = index ? fundFacts().indexes[index]?.topHoldingsPercent : undefined;
    for (const [company, weight] of Object.entries(top ?? {})) get(company).viaFunds += (position.value * weight) / 100;
  }
  const ranked = [...exposures.values()]
    .map((e) => ({ ...e, value: e.direct + e.viaFunds }))
    .sort((a, b) => b.value - a.value || a.symbol.localeCompare(b.symbol));
  for (const e of ranked.slice(0, 3)) {
    e.directAccounts.sort((a, b) => b.value - a.value);
    book.usd(`exposure.${e.symbol}.value`, `Exposure to ${e.symbol}, direct and through funds`, e.value);
    book.percent(
      `exposure.${e.symbol}.percent`,
      `${e.symbol} exposure as a share of the portfolio`,
      pct(e.value, total),
    );
    book.usd(`exposure.${e.symbol}.direct`, `${e.symbol} held directly`, e.direct);
    book.usd(`exposure.${e.symbol}.viaFunds`, `${e.symbol} held through index funds`, e.viaFunds);
    book.usd(
      `exposure.${e.symbol}.trim`,
      `${e.symbol} to sell to bring it to the limit`,
      Math.min(e.direct, Math.max(0, e.value - 0.1 * total)),
    );
  }
  const largest = ranked[0];
  book.text('exposure.largest', 'Company with the largest exposure', largest?.symbol ?? null);
  return ranked.slice(0, 3);
}

export function sameIndexGroups(c: FactContext): { index: string; symbols: string[] }[] {
  const byIndex = new Map<string, Set<string>>();
  for (const position of c.snapshot.positions) {
    const index = trackedIndex(position.symbol);
    if (index && position.value > 0) byIndex.set(index, (byIndex.get(index) ?? new Set()).add(position.symbol));
  }
  return [...byIndex.entries()]
    .filter(([, symbols]) => symbols.size > 1)
    .map(([index, symbols]) => ({ index, symbols: [...symbols].sort() }));
}

export function rebalanceVenues(c: FactContext): Partial<Record<string, Venue>> {
  const { snapshot } = c;
  const accountType = new Map(snapshot.accounts.map((a) => [a.id, a.type]));
  const venues: Partial<Record<string, Venue & { score: number }>> = {};
  for (const position of snapshot.positions) {
    const classification = c.bySymbol.get(position.symbol);
    if (!classification || classification.source === 'unclassified' || position.value <= 0) continue;
    if (classification.instrumentType === 'stock') continue;
    const assetClass = dominant(classification.assetClass);
    if (!assetClass || ((classification.assetClass as Record<string, number>)[assetClass] ?? 0) < 90) continue;
    // Trades inside tax-advantaged accounts realise no gains: prefer them, then the largest holding.
    const sheltered = TAX_ADVANTAGED.has(accountType.get(position.accountId) ?? 'other');
    const score = (sheltered ? 1e15 : 0) + position.value;
    if ((venues[assetClass]?.score ?? -1) < score) {
      venues[assetClass] = {
        symbol: position.symbol,
        accountName: accountName(snapshot, position.accountId),
        held: true,
        score,
      };
    }
  }
  const result: Partial<Record<string, Venue>> = {};
  for (const [assetClass, venue] of Object.entries(venues)) {
    if (venue) result[assetClass] = { symbol: venue.symbol, accountName: venue.accountName, held: true };
  }
  return result;
}

/** Bonds and gold in taxable accounts while tax-advantaged accounts hold stocks. */
export function locationFacts(c: FactContext): { taxable: Trim[]; sheltered: Trim[] } {
  const { book, snapshot } = c;
  const accountType = new Map(snapshot.accounts.map((a) => [a.id, a.type]));
  let taxInefficientInTaxable = 0;
  let equityInSheltered = 0;
  for (const position of snapshot.positions) {
    const classification = c.bySymbol.get(position.symbol);
    if (!classification || classification.source === 'unclassified') continue;
    const type = accountType.get(position.accountId) ?? 'other';
    const share = (key: string) => ((classification.assetClass as Record<string, number>)[key] ?? 0) / 100;
    if (type === 'taxable') taxInefficientInTaxable += position.value * (share('fixed_income') + share('commodities'));
    if (TAX_ADVANTAGED.has(type)) equityInSheltered += position.value * share('equity');
  }
  book.usd('location.taxableBondsAndGold', 'Bonds and gold held in taxable accounts', taxInefficientInTaxable);
  book.usd('location.shelteredEquity', 'Stocks held in tax-advantaged accounts', equityInSheltered);
  book.usd(
    'location.swap',
    'Amount to swap between account types',
    Math.min(taxInefficientInTaxable, equityInSheltered),
  );
  return locationSwaps(c, Math.min(taxInefficientInTaxable, equityInSheltered));
}

const ACCOUNT_LABELS: Record<string, string> = {
  '401k': 'the 401(k)',
  roth_ira: 'the Roth IRA',
  traditional_ira: 'the traditional IRA',
  taxable: 'the taxable account',
  hsa: 'the HSA',
  '529': 'the 529 plan',
  other: 'the other account',
};

/**
 * An account as advice names it: by its type, never by the name a user typed, which is data
 * that must stay inside the prompt's user-data block.
 */
export function accountName(snapshot: FactContext['snapshot'], accountId: string): string {
  const type = snapshot.accounts.find((a) => a.id === accountId)?.type ?? 'other';
  return ACCOUNT_LABELS[type] ?? 'the account';
}

function dominant(weights: Record<string, number | undefined> | undefined): string | undefined {
  const entries = Object.entries(weights ?? {}).filter(([, w]) => (w ?? 0) > 0);
  entries.sort((a, b) => (b[1] ?? 0) - (a[1] ?? 0));
  return entries[0]?.[0];
}

function regionKey(assetClass: string, region: string | undefined): string | undefined {
  if (assetClass === 'equity') {
    if (region === 'north_america') return 'north_america';
    return region === 'emerging_markets' ? 'emerging_markets' : 'international';
  }
  if (assetClass === 'fixed_income' && region && region !== 'north_america') return 'international';
  return undefined;
}

/**
 * The reporter's computed facts: every figure the report may state, computed from the snapshot,
 * each under a stable key with the exact value, the rounded value as printed, and the printed
 * text. Recommendations, prose and the number check all read figures from here, so a number in
 * the report can always be traced to one computation and one formatting rule.
 */
import { DomainRefusal } from '#events/errors.ts';
import type { Snapshot } from '#events/values.ts';
import { forwardAssumptions } from '#services/retirement/market-sets.ts';
import { cashTotal, investedTotal, totalValue } from '../common/holdings.ts';
import { dataGaps, topFiveTrims } from './action-facts.ts';
import { displayName, type Fact, FactBook } from './fact-book.ts';
import {
  allocationFacts,
  assumptionFacts,
  cashFacts,
  concentrationFacts,
  dataQualityFacts,
  factContext,
  homeBiasFacts,
  retirementFacts,
  totalsFacts,
} from './fact-sections.ts';
import {
  exposureFacts,
  feeFacts,
  locationFacts,
  type PlanFacts,
  rebalanceVenues,
  sameIndexGroups,
} from './plan-facts.ts';

export type { Fact, FactUnit } from './fact-book.ts';
export { displayName, formatPercent, formatPoints, formatUsd } from './fact-book.ts';

function forwardPercent(assetClass: 'equity' | 'fixed_income' | 'cash'): number {
  return Math.round(forwardAssumptions().market.assets[assetClass].expectedReturn * 1000) / 10;
}

/**
 * Stated assumptions and rule thresholds. They are facts too (keys `assumption.*`, `rule.*`),
 * because the report cites them and the number check must find them.
 */
export const ASSUMPTIONS = {
  /** Long-run expected annual returns, percent: the forward-looking set the projection also uses. */
  equityReturn: forwardPercent('equity'),
  bondReturn: forwardPercent('fixed_income'),
  cashReturn: forwardPercent('cash'),
  /** Approximate US weight of a global equity index such as MSCI ACWI, percent. */
  globalUsEquityShare: 60,
  /** The 4% guideline: first-year withdrawal as a share of the portfolio, percent. */
  withdrawalRate: 4,
  /** Emergency reserve: months of planned annual spending kept as accessible cash. */
  emergencyMonths: 6,
} as const;

export const RULES = {
  /** Rebalance when any asset class is more than this many percentage points off target. */
  driftThreshold: 5,
  /** Reduce concentration when one individual stock exceeds this share of the portfolio. */
  singleStockLimit: 10,
  /** …or when the five largest holdings exceed this share and include an individual security. */
  topFiveLimit: 60,
  /** Put cash to work when cash beyond the emergency reserve exceeds this share. */
  idleCashLimit: 5,
  /** Add international equity when the US share of equities exceeds this. */
  homeBiasLimit: 80,
  /**
   * …but not as advice of its own when the move is below this share of the portfolio: a stock
   * purchase another rule recommends names the international share instead.
   */
  internationalMinMove: 1,
  /** Glide path: bonds at `glideStartBonds`% when `glideYears`+ years out, rising linearly to `glideEndBonds`% at retirement. */
  glideStartBonds: 10,
  glideEndBonds: 40,
  glideYears: 25,
  /** Raise bonds when the bond share is more than this many points below the glide path. */
  glideGap: 10,
} as const;

/** Percentage points of bond share added per year closer to retirement. */
export const GLIDE_STEP = (RULES.glideEndBonds - RULES.glideStartBonds) / RULES.glideYears;

export const GLIDE_PATH_RULE =
  `Bonds at ${RULES.glideStartBonds}% of the portfolio ${RULES.glideYears} or more years before retirement, ` +
  `rising ${GLIDE_STEP} percentage points a year to ${RULES.glideEndBonds}% at retirement and held there`;

export interface AssetClassRow {
  assetClass: string;
  value: number;
  percent: number;
  /** Undefined when no target allocation is on file. */
  target?: number;
  drift?: number;
}

export interface TopHolding {
  symbol: string;
  percent: number;
  /** A diversified fund, an individual security, or unknown (unclassified). */
  kind: 'fund' | 'security' | 'unknown';
}

export interface PortfolioFacts {
  /** ISO date of the snapshot, e.g. 2026-11-21. */
  asOf: string;
  asOfYear: number;
  hasTarget: boolean;
  /** Asset classes held or targeted, largest holding first; `unclassified` when present. */
  assetClasses: readonly AssetClassRow[];
  /** The (up to) five largest holdings, largest first. */
  topFive: readonly TopHolding[];
  /** Company exposure, costly funds and same-index funds, for the planner's rules. */
  plan: PlanFacts;
  list: readonly Fact[];
  byKey: ReadonlyMap<string, Fact>;
  /** Names supplied by users or the portfolio file: data for the model, never instructions. */
  names: UserNames;
  /** Every user-supplied string, raw and as displayed, for the number check. */
  userStrings: readonly string[];
}

export interface UserNames {
  owner: string;
  accounts: readonly { name: string; type: string }[];
  instruments: readonly { symbol: string; name: string }[];
}

/** Every fact about the snapshot. The projection's figures are added at consolidation (retirement-section.ts). */
export function computeFacts(snapshot: Snapshot): PortfolioFacts {
  const total = totalValue(snapshot);
  if (!(total > 0)) {
    throw new DomainRefusal(
      'NoPricedPositions',
      'snapshot: the portfolio has no value (no priced position and no cash), so there is nothing to report on',
    );
  }
  const book = new FactBook();
  const context = factContext(snapshot, book, {
    total,
    invested: investedTotal(snapshot),
    cash: cashTotal(snapshot),
  });
  const asOf = snapshot.asOf.slice(0, 10);
  // The order of the sections is the order of the facts in the result.
  totalsFacts(context, asOf);
  const { rows, hasTarget } = allocationFacts(context);
  const topFive = concentrationFacts(context);
  homeBiasFacts(context);
  cashFacts(context, rows);
  retirementFacts(context, rows);
  dataQualityFacts(context, rows);
  const plan: PlanFacts = {
    venues: rebalanceVenues(context),
    exposures: exposureFacts(context),
    expensive: feeFacts(context),
    sameIndex: sameIndexGroups(context),
    trims: topFiveTrims(context, topFive),
    gaps: dataGaps(context),
    bondSales: context.bondSales ?? [],
    bondBuys: context.bondBuys ?? [],
    location: locationFacts(context),
  };
  assumptionFacts(book);

  const names = [
    snapshot.owner.name,
    ...snapshot.accounts.map((account) => account.name),
    ...snapshot.instruments.map((instrument) => instrument.name),
  ].filter((name) => name.trim().length > 0);
  return {
    asOf,
    asOfYear: new Date(snapshot.asOf).getUTCFullYear(),
    hasTarget,
    assetClasses: rows,
    topFive,
    plan,
    list: book.list(),
    names: {
      owner: snapshot.owner.name,
      accounts: snapshot.accounts.map((account) => ({ name: account.name, type: account.type })),
      instruments: snapshot.instruments.map((instrument) => ({ symbol: instrument.symbol, name: instrument.name })),
    },
    byKey: book.map,
    userStrings: [...new Set([...names, ...names.map(displayName)])],
  };
}

/** The facts as stored in ReportResult.facts: each key with its value as printed. */
export function factRecord(facts: PortfolioFacts): Record<string, number | string | null> {
  return Object.fromEntries(facts.list.map((fact) => [fact.key, fact.shown]));
}

export function fact(facts: PortfolioFacts, key: string): Fact {
  const found = facts.byKey.get(key);
  if (!found) throw new Error(`reporter: no fact named ${key}`);
  return found;
}

/**
 * A fact's numeric value as printed, or null when it has none. Rules and prose decide on this
 * value, so that a drift printed as 5.0 points never counts as "more than 5".
 */
export function num(facts: PortfolioFacts, key: string): number | null {
  const shown = fact(facts, key).shown;
  return typeof shown === 'number' ? shown : null;
}

/** The printed form of a fact. */
export function txt(facts: PortfolioFacts, key: string): string {
  return fact(facts, key).text;
}

/** A percentage-point fact as words, without sign: `7.5 percentage points`. */
export function points(facts: PortfolioFacts, key: string): string {
  const found = fact(facts, key);
  if (typeof found.shown !== 'number') return found.text;
  const magnitude = Math.abs(found.shown).toFixed(found.decimals);
  return `${magnitude} percentage ${magnitude === '1' || magnitude === '1.0' ? 'point' : 'points'}`;
}

/** `a, b and c`: a list as a sentence reads it. */
export function joinAnd(items: readonly string[]): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

const WORDS = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
/** Small counts read better as words; they are not figures the number check needs to see. */
export function countWord(n: number): string {
  return WORDS[n] ?? String(n);
}

/** A count fact with its noun: "three accounts", "12 positions", "one year". */
export function counted(facts: PortfolioFacts, key: string, noun: string): string {
  const shown = fact(facts, key).shown;
  const n = typeof shown === 'number' ? shown : 0;
  return `${n >= 0 && n < WORDS.length ? countWord(n) : txt(facts, key)} ${plural(n, noun)}`;
}

export function plural(n: number, noun: string): string {
  return n === 1 ? noun : `${noun}s`;
}

/**
 * The reporter's computed facts: every figure the report may state, computed from the snapshot,
 * each under a stable key with the exact value, the rounded value as printed, and the printed
 * text. Recommendations, prose and the number check all read figures from here, so a number in
 * the report can always be traced to one computation and one formatting rule.
 */
import { DomainRefusal } from '#events/errors.ts';
import type { Snapshot } from '#events/values.ts';
import { ASSET_CLASSES, round } from '#events/values.ts';
import {
  allocationBy,
  CASH,
  cashTotal,
  classificationsBySymbol,
  currentAge,
  investedTotal,
  totalValue,
  UNCLASSIFIED,
  valueBySymbol,
} from '../common/holdings.ts';

/**
 * Stated assumptions and rule thresholds. They are facts too (keys `assumption.*`, `rule.*`),
 * because the report cites them and the number check must find them.
 */
export const ASSUMPTIONS = {
  /** Long-run expected annual returns, percent. */
  equityReturn: 7,
  bondReturn: 4,
  cashReturn: 3,
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

export type FactUnit = 'usd' | 'percent' | 'pp' | 'ratio' | 'number' | 'count' | 'age' | 'years' | 'year' | 'text';

export interface Fact {
  key: string;
  label: string;
  unit: FactUnit;
  /** The exact computed value; null when it cannot be computed for this portfolio. */
  value: number | string | null;
  /** The value as printed: rounded to `decimals`. */
  shown: number | string | null;
  decimals: number;
  /** The printed form, e.g. `$1,234,567`, `12.3%`, `+7.5 pp`. */
  text: string;
  /** Text that came from the user or the portfolio file (names), to be treated as data. */
  userSupplied?: boolean;
}

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

const FUND_TYPES = new Set(['etf', 'mutual_fund']);
const EMERGENCY_ACCOUNT_TYPES = new Set(['taxable', 'other']);

export function computeFacts(snapshot: Snapshot): PortfolioFacts {
  const total = totalValue(snapshot);
  if (!(total > 0)) {
    throw new DomainRefusal(
      'NoPricedPositions',
      'snapshot: the portfolio has no value (no priced position and no cash), so there is nothing to report on',
    );
  }
  const invested = investedTotal(snapshot);
  const cash = cashTotal(snapshot);
  const book = new FactBook();
  const asOf = snapshot.asOf.slice(0, 10);
  const asOfYear = new Date(snapshot.asOf).getUTCFullYear();

  book.text('asOf', 'Date of the snapshot', asOf);
  book.usd('totalValue', 'Total portfolio value, cash included', total);
  book.usd('investedValue', 'Value of priced positions', invested);
  book.usd('cash.value', 'Cash across all accounts', cash);
  book.percent('cash.percent', 'Cash as a share of the portfolio', pct(cash, total));

  // Asset classes, against the target allocation when there is one.
  const slices = allocationBy(snapshot, 'assetClass');
  const target = snapshot.goals.targetAllocation as Record<string, number> | undefined;
  const hasTarget = target !== undefined && Object.keys(target).length > 0;
  const classes = new Set<string>(slices.map((slice) => slice.key));
  if (hasTarget) for (const key of Object.keys(target)) classes.add(key);
  const rows: AssetClassRow[] = [];
  for (const assetClass of orderedClasses(classes)) {
    const value = slices.find((slice) => slice.key === assetClass)?.value ?? 0;
    const percent = pct(value, total);
    const row: AssetClassRow = { assetClass, value, percent };
    book.usd(`allocation.${assetClass}.value`, `Value in ${assetClass}`, value);
    book.percent(`allocation.${assetClass}.percent`, `Share in ${assetClass}`, percent);
    if (hasTarget && assetClass !== UNCLASSIFIED) {
      row.target = target[assetClass] ?? 0;
      row.drift = percent - row.target;
      book.percent(`target.${assetClass}`, `Target share in ${assetClass}`, row.target);
      book.pp(`drift.${assetClass}`, `Share minus target for ${assetClass}`, row.drift);
      book.usd(
        `driftValue.${assetClass}`,
        `Dollars above (+) or below (−) target in ${assetClass}`,
        (row.drift * total) / 100,
      );
    }
    rows.push(row);
  }
  rows.sort(
    (a, b) => b.value - a.value || (b.target ?? 0) - (a.target ?? 0) || a.assetClass.localeCompare(b.assetClass),
  );
  const drifts = rows.filter((row) => row.drift !== undefined);
  const maxDrift = drifts.reduce<AssetClassRow | undefined>(
    (max, row) => (max === undefined || Math.abs(row.drift!) > Math.abs(max.drift!) ? row : max),
    undefined,
  );
  book.text('drift.maxClass', 'Asset class furthest from target', maxDrift?.assetClass ?? null);
  book.pp('drift.max', 'Largest absolute drift from target', maxDrift ? Math.abs(maxDrift.drift!) : null);
  const shareOf = (key: string) => rows.find((row) => row.assetClass === key)?.percent ?? 0;
  const growth = shareOf('equity') + shareOf('real_estate') + shareOf('commodities');
  book.percent('growth.percent', 'Growth assets (equity, real estate, commodities)', growth);
  book.percent('defensive.percent', 'Defensive assets (bonds and cash)', shareOf('fixed_income') + shareOf(CASH));

  // Concentration, per instrument across accounts.
  const bySymbol = classificationsBySymbol(snapshot);
  const instrumentType = (symbol: string) => {
    const classification = bySymbol.get(symbol);
    return classification && classification.source !== 'unclassified' ? classification.instrumentType : undefined;
  };
  const positions = valueBySymbol(snapshot).filter((slice) => slice.value > 0);
  const largest = positions[0];
  book.text('largestHolding.symbol', 'Largest holding', largest?.key ?? null);
  book.text(
    'largestHolding.name',
    'Name of the largest holding',
    largest ? displayName(bySymbol.get(largest.key)?.name ?? largest.key) : null,
    true,
  );
  book.usd('largestHolding.value', 'Value of the largest holding', largest?.value ?? null);
  book.percent(
    'largestHolding.percent',
    'Largest holding as a share of the portfolio',
    largest ? pct(largest.value, total) : null,
  );
  const topFive = positions.slice(0, 5).map((slice) => ({
    symbol: slice.key,
    percent: pct(slice.value, total),
    kind: holdingKind(instrumentType(slice.key)),
  }));
  for (const holding of positions.slice(0, 5)) {
    book.usd(`holding.${holding.key}.value`, `Value of ${holding.key}`, holding.value);
    book.percent(
      `holding.${holding.key}.percent`,
      `${holding.key} as a share of the portfolio`,
      pct(holding.value, total),
    );
  }
  book.count('topFive.count', 'Holdings counted in the top five', topFive.length);
  book.text('topFive.symbols', 'The five largest holdings', topFive.map((h) => h.symbol).join(', ') || null);
  book.percent(
    'topFive.percent',
    'Five largest holdings as a share of the portfolio',
    sum(positions.slice(0, 5).map((s) => pct(s.value, total))),
  );
  const hhi = invested > 0 ? sum(positions.map((slice) => (slice.value / invested) ** 2)) : null;
  book.ratio('hhi', 'Herfindahl–Hirschman index over invested holdings (sum of squared weights, 0..1)', hhi);
  book.number('effectiveHoldings', 'Effective number of holdings (1 / HHI)', hhi ? 1 / hhi : null);
  const fundValue = sum(
    positions.filter((slice) => FUND_TYPES.has(instrumentType(slice.key) ?? '')).map((s) => s.value),
  );
  book.percent(
    'funds.percent',
    'Share of invested money in diversified funds (ETFs, mutual funds)',
    invested > 0 ? pct(fundValue, invested) : null,
  );
  const largestStock = positions.find((slice) => instrumentType(slice.key) === 'stock');
  book.text('largestStock.symbol', 'Largest individual stock', largestStock?.key ?? null);
  book.usd('largestStock.value', 'Value of the largest individual stock', largestStock?.value ?? null);
  book.percent(
    'largestStock.percent',
    'Largest individual stock as a share of the portfolio',
    largestStock ? pct(largestStock.value, total) : null,
  );
  book.usd(
    'largestStock.excessValue',
    `Value of the largest stock above ${RULES.singleStockLimit}% of the portfolio`,
    largestStock ? Math.max(0, largestStock.value - (RULES.singleStockLimit * total) / 100) : null,
  );

  // Home bias: North American share of the equity whose regions are known.
  let equityKnown = 0;
  let equityNorthAmerica = 0;
  for (const position of snapshot.positions) {
    const classification = bySymbol.get(position.symbol);
    if (!classification || classification.source === 'unclassified') continue;
    const equity = (position.value * (classification.assetClass.equity ?? 0)) / 100;
    if (equity <= 0 || Object.keys(classification.regions).length === 0) continue;
    equityKnown += equity;
    equityNorthAmerica += (equity * (classification.regions.north_america ?? 0)) / 100;
  }
  const usShare = equityKnown > 0 ? pct(equityNorthAmerica, equityKnown) : null;
  book.percent('homeBias.usEquityPercent', 'North American share of equities (regions known)', usShare);
  book.percent(
    'homeBias.internationalPercent',
    'Non-North-American share of equities (regions known)',
    usShare === null ? null : 100 - usShare,
  );
  book.pp(
    'homeBias.excess',
    'US share of equities minus the global reference',
    usShare === null ? null : usShare - ASSUMPTIONS.globalUsEquityShare,
  );

  // Cash beyond an emergency reserve, and what it forgoes.
  const accessibleCash = sum(snapshot.accounts.filter((a) => EMERGENCY_ACCOUNT_TYPES.has(a.type)).map((a) => a.cash));
  const reserveTarget = (snapshot.goals.annualSpending * ASSUMPTIONS.emergencyMonths) / 12;
  const reserve = Math.min(accessibleCash, reserveTarget);
  const idle = cash - reserve;
  const equity = shareOf('equity');
  const bonds = shareOf('fixed_income');
  // Idle cash is compared with the return of the portfolio's own stock/bond mix (60/40 if it has neither).
  const equityWeight = equity + bonds > 0 ? equity / (equity + bonds) : 0.6;
  const investedReturn = equityWeight * ASSUMPTIONS.equityReturn + (1 - equityWeight) * ASSUMPTIONS.bondReturn;
  book.usd('cash.emergencyTarget', 'Emergency reserve: six months of planned spending', reserveTarget);
  book.usd('cash.emergencyReserve', 'Cash in taxable accounts counted as the emergency reserve', reserve);
  book.usd('cash.idleValue', 'Cash beyond the emergency reserve', idle);
  book.percent('cash.idlePercent', 'Cash beyond the emergency reserve, share of the portfolio', pct(idle, total));
  book.percent('cashDrag.investedReturn', "Expected return of the portfolio's stock/bond mix", investedReturn);
  book.usd(
    'cashDrag.annual',
    'Annual return forgone on idle cash',
    (idle * (investedReturn - ASSUMPTIONS.cashReturn)) / 100,
  );

  // Retirement: age, glide path, and the 4% guideline.
  const age = currentAge(snapshot);
  const { retirementAge, annualSpending, otherIncome, annualContribution } = snapshot.goals;
  const yearsToRetirement = retirementAge - age;
  const glideTarget = clamp(
    RULES.glideEndBonds - GLIDE_STEP * Math.max(0, yearsToRetirement),
    RULES.glideStartBonds,
    RULES.glideEndBonds,
  );
  book.age('owner.age', 'Age this year', age);
  book.age('goals.retirementAge', 'Planned retirement age', retirementAge);
  book.years('yearsToRetirement', 'Years until the planned retirement age', yearsToRetirement);
  book.year('retirementYear', 'Year of the planned retirement', snapshot.owner.birthYear + retirementAge);
  book.percent('bonds.percent', 'Bonds as a share of the portfolio', bonds);
  book.percent('glidePath.bondTarget', 'Bond share the glide path suggests for this horizon', glideTarget);
  book.pp('glidePath.gap', 'Glide-path bond share minus actual bond share', glideTarget - bonds);
  const need = Math.max(0, annualSpending - otherIncome);
  const sustainable = (total * ASSUMPTIONS.withdrawalRate) / 100;
  book.usd('goals.annualSpending', 'Planned annual spending in retirement (today’s money)', annualSpending);
  book.usd('goals.otherIncome', 'Guaranteed income in retirement (today’s money)', otherIncome);
  book.usd('goals.annualContribution', 'Planned annual contribution', annualContribution);
  book.usd('retirement.spendingFromPortfolio', 'Spending the portfolio must provide each year', need);
  book.usd(
    'retirement.sustainableWithdrawal',
    'Annual withdrawal today’s value supports at the 4% guideline',
    sustainable,
  );
  book.percent(
    'retirement.coveragePercent',
    'Sustainable withdrawal as a share of the need',
    need > 0 ? pct(sustainable, need) : null,
  );
  book.usd(
    'retirement.portfolioNeeded',
    'Portfolio the need implies at the 4% guideline',
    (need * 100) / ASSUMPTIONS.withdrawalRate,
  );
  book.count(
    'retirement.multiple',
    'Multiple of annual need implied by the 4% guideline',
    100 / ASSUMPTIONS.withdrawalRate,
  );

  // Counts and data quality.
  const unclassified = [...new Set(snapshot.positions.map((p) => p.symbol))].filter(
    (symbol) => instrumentType(symbol) === undefined,
  );
  const unpriced = [
    ...new Set(snapshot.positions.filter((p) => p.price === null || p.priceSource === 'missing').map((p) => p.symbol)),
  ];
  book.count('positions.count', 'Positions (one instrument in one account)', snapshot.positions.length);
  book.count('holdings.count', 'Distinct instruments held', new Set(snapshot.positions.map((p) => p.symbol)).size);
  book.count('accounts.count', 'Accounts', snapshot.accounts.length);
  book.count('unclassified.count', 'Instruments without a classification', unclassified.length);
  book.text('unclassified.symbols', 'Instruments without a classification', unclassified.join(', ') || null);
  book.percent('unclassified.percent', 'Share of the portfolio in unclassified instruments', shareOf(UNCLASSIFIED));
  book.count('unpriced.count', 'Instruments without a price (excluded from totals)', unpriced.length);
  book.text('unpriced.symbols', 'Instruments without a price', unpriced.join(', ') || null);

  // Assumptions and rules, cited by the text.
  book.percent('assumption.equityReturn', 'Expected annual return of equities', ASSUMPTIONS.equityReturn, 0);
  book.percent('assumption.bondReturn', 'Expected annual return of bonds', ASSUMPTIONS.bondReturn, 0);
  book.percent('assumption.cashReturn', 'Expected annual return of cash', ASSUMPTIONS.cashReturn, 0);
  book.percent(
    'assumption.globalUsEquityShare',
    'US share of a global equity index (approximate)',
    ASSUMPTIONS.globalUsEquityShare,
    0,
  );
  book.percent(
    'assumption.withdrawalRate',
    'Sustainable withdrawal rate (4% guideline)',
    ASSUMPTIONS.withdrawalRate,
    0,
  );
  book.count(
    'assumption.emergencyMonths',
    'Months of spending kept as an emergency reserve',
    ASSUMPTIONS.emergencyMonths,
  );
  book.pp('rule.driftThreshold', 'Rebalance above this drift', RULES.driftThreshold, 0);
  book.percent('rule.singleStockLimit', 'Single-stock limit', RULES.singleStockLimit, 0);
  book.percent('rule.topFiveLimit', 'Top-five limit', RULES.topFiveLimit, 0);
  book.percent('rule.idleCashLimit', 'Idle-cash limit', RULES.idleCashLimit, 0);
  book.percent('rule.homeBiasLimit', 'US share of equities above which to add international', RULES.homeBiasLimit, 0);
  book.percent('rule.glideStartBonds', 'Glide path: bond share far from retirement', RULES.glideStartBonds, 0);
  book.percent('rule.glideEndBonds', 'Glide path: bond share at retirement', RULES.glideEndBonds, 0);
  book.years('rule.glideYears', 'Glide path: years before retirement the rise begins', RULES.glideYears);
  book.pp('rule.glideStep', 'Glide path: rise in bond share per year', GLIDE_STEP);
  book.pp('rule.glideGap', 'Raise bonds when this far below the glide path', RULES.glideGap, 0);
  book.text('rule.glidePath', 'Bond-share rule used', GLIDE_PATH_RULE);

  const names = [
    snapshot.owner.name,
    ...snapshot.accounts.map((account) => account.name),
    ...snapshot.instruments.map((instrument) => instrument.name),
  ].filter((name) => name.trim().length > 0);
  return {
    asOf,
    asOfYear,
    hasTarget,
    assetClasses: rows,
    topFive,
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

export function formatUsd(value: number): string {
  const whole = Math.round(value);
  const digits = Math.abs(whole).toLocaleString('en-US');
  return whole < 0 ? `-$${digits}` : `$${digits}`;
}

export function formatPercent(value: number, decimals = 1): string {
  return `${fixed(value, decimals)}%`;
}

export function formatPoints(value: number, decimals = 1): string {
  const text = fixed(value, decimals);
  return `${Number(text) > 0 ? '+' : ''}${text} pp`;
}

/** A name safe to print in markdown: no markup characters, no line breaks, at most 80 characters. */
export function displayName(name: string): string {
  return name
    .replace(/[\\`*_{}[\]<>#|!~^$]/g, '')
    .replace(/\s+/g, ' ')
    .trim()
    .slice(0, 80);
}

function holdingKind(type: string | undefined): TopHolding['kind'] {
  if (type === undefined) return 'unknown';
  return FUND_TYPES.has(type) ? 'fund' : 'security';
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

const CLASS_ORDER = [...ASSET_CLASSES, UNCLASSIFIED] as readonly string[];
function orderedClasses(classes: Set<string>): string[] {
  return [...classes].sort((a, b) => CLASS_ORDER.indexOf(a) - CLASS_ORDER.indexOf(b));
}

function fixed(value: number, decimals: number): string {
  const text = round(value, decimals).toFixed(decimals);
  return /^-0(\.0+)?$/.test(text) ? text.slice(1) : text;
}

function pct(part: number, whole: number): number {
  return whole > 0 ? (part / whole) * 100 : 0;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

/** Collects facts in insertion order, formatting each by its unit. */
class FactBook {
  readonly map = new Map<string, Fact>();

  list(): Fact[] {
    return [...this.map.values()];
  }

  usd(key: string, label: string, value: number | null) {
    this.numeric(key, label, 'usd', value, 0, formatUsd);
  }
  percent(key: string, label: string, value: number | null, decimals = 1) {
    this.numeric(key, label, 'percent', value, decimals, (v) => formatPercent(v, decimals));
  }
  pp(key: string, label: string, value: number | null, decimals = 1) {
    this.numeric(key, label, 'pp', value, decimals, (v) => formatPoints(v, decimals));
  }
  ratio(key: string, label: string, value: number | null) {
    this.numeric(key, label, 'ratio', value, 3, (v) => fixed(v, 3));
  }
  number(key: string, label: string, value: number | null) {
    this.numeric(key, label, 'number', value, 1, (v) => fixed(v, 1));
  }
  count(key: string, label: string, value: number) {
    this.numeric(key, label, 'count', value, 0, (v) => fixed(v, 0));
  }
  age(key: string, label: string, value: number) {
    this.numeric(key, label, 'age', value, 0, (v) => fixed(v, 0));
  }
  years(key: string, label: string, value: number) {
    this.numeric(key, label, 'years', value, 0, (v) => fixed(v, 0));
  }
  year(key: string, label: string, value: number) {
    this.numeric(key, label, 'year', value, 0, (v) => fixed(v, 0));
  }
  text(key: string, label: string, value: string | null, userSupplied = false) {
    this.add({
      key,
      label,
      unit: 'text',
      value,
      shown: value,
      decimals: 0,
      text: value ?? 'n/a',
      ...(userSupplied ? { userSupplied } : {}),
    });
  }

  private numeric(
    key: string,
    label: string,
    unit: FactUnit,
    value: number | null,
    decimals: number,
    format: (v: number) => string,
  ) {
    const usable = value !== null && Number.isFinite(value) ? value : null;
    const shown = usable === null ? null : normaliseZero(round(usable, decimals));
    this.add({ key, label, unit, value: usable, shown, decimals, text: usable === null ? 'n/a' : format(usable) });
  }

  private add(fact: Fact) {
    if (this.map.has(fact.key)) throw new Error(`reporter: fact ${fact.key} defined twice`);
    this.map.set(fact.key, fact);
  }
}

function normaliseZero(value: number): number {
  return Object.is(value, -0) ? 0 : value;
}

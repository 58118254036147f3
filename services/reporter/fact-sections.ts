/**
 * The sections of the reporter's computed facts, one function per concern. Each adds its facts to
 * the book under stable keys; computeFacts (facts.ts) calls them in the order the facts are listed.
 */
import { ASSET_CLASSES, type Classification, type Snapshot } from '#events/values.ts';
import { claimedBenefit } from '#services/retirement/social-security.ts';
import {
  allocationBy,
  CASH,
  classificationsBySymbol,
  currentAge,
  UNCLASSIFIED,
  valueBySymbol,
} from '../common/holdings.ts';
import { bondBuys, bondSales, type Trim } from './action-facts.ts';
import { displayName, type FactBook } from './fact-book.ts';
import {
  ASSUMPTIONS,
  type AssetClassRow,
  GLIDE_PATH_RULE,
  GLIDE_STEP,
  joinAnd,
  RULES,
  type TopHolding,
} from './facts.ts';
import { accountName } from './plan-facts.ts';

/** What every section reads: the snapshot, its totals, and how each symbol is classified. */
export interface FactContext {
  snapshot: Snapshot;
  book: FactBook;
  total: number;
  invested: number;
  cash: number;
  bySymbol: Map<string, Classification>;
  /** The instrument type of a classified symbol; undefined when nobody could classify it. */
  instrumentType: (symbol: string) => string | undefined;
  /** Bond funds to move to stocks when bonds are far above the glide path (set by retirementFacts). */
  bondSales?: Trim[];
  /** Stock in tax-advantaged accounts to move to bonds when bonds are far below it (set by retirementFacts). */
  bondBuys?: Trim[];
}

const FUND_TYPES = new Set(['etf', 'mutual_fund']);
const EMERGENCY_ACCOUNT_TYPES = new Set(['taxable', 'other']);

export function factContext(
  snapshot: Snapshot,
  book: FactBook,
  totals: { total: number; invested: number; cash: number },
): FactContext {
  const bySymbol = classificationsBySymbol(snapshot);
  const instrumentType = (symbol: string) => {
    const classification = bySymbol.get(symbol);
    return classification && classification.source !== 'unclassified' ? classification.instrumentType : undefined;
  };
  return { snapshot, book, ...totals, bySymbol, instrumentType };
}

/** Totals and the snapshot date. */
export function totalsFacts(c: FactContext, asOf: string): void {
  const { book, total, invested, cash } = c;
  book.text('asOf', 'Date of the snapshot', asOf);
  book.usd('totalValue', 'Total portfolio value, cash included', total);
  book.usd('investedValue', 'Value of priced positions', invested);
  book.usd('cash.value', 'Cash across all accounts', cash);
  book.percent('cash.percent', 'Cash as a share of the portfolio', pct(cash, total));
}

/** Asset classes, against the target allocation when there is one. */
export function allocationFacts(c: FactContext): { rows: AssetClassRow[]; hasTarget: boolean } {
  const { snapshot, book, total } = c;
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
  const shareOf = (key: string) => shareIn(rows, key);
  const growth = shareOf('equity') + shareOf('real_estate') + shareOf('commodities');
  book.percent('growth.percent', 'Growth assets (equity, real estate, commodities)', growth);
  book.percent('defensive.percent', 'Defensive assets (bonds and cash)', shareOf('fixed_income') + shareOf(CASH));
  return { rows, hasTarget };
}

/** Concentration, per instrument across accounts; returns the five largest holdings. */
export function concentrationFacts(c: FactContext): TopHolding[] {
  const { snapshot, book, total, invested, bySymbol, instrumentType } = c;
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
  return topFive;
}

/** Home bias: North American share of the equity whose regions are known. */
export function homeBiasFacts(c: FactContext): void {
  const { snapshot, book, bySymbol } = c;
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
  // Moving M from US to international equity brings the US share to the limit: (u·E − M) / E = limit.
  book.usd(
    'homeBias.moveToLimit',
    `US equity to move abroad to bring the US share to ${RULES.homeBiasLimit}%`,
    usShare === null ? null : Math.max(0, (equityKnown * (usShare - RULES.homeBiasLimit)) / 100),
  );
}

/** Cash beyond an emergency reserve, and what it forgoes. */
export function cashFacts(c: FactContext, rows: readonly AssetClassRow[]): void {
  const { snapshot, book, total, cash } = c;
  const shareOf = (key: string) => shareIn(rows, key);
  // Only cash reachable without tax or penalty counts toward the reserve: a 401(k) or IRA pays out
  // before 59½ only with income tax and, usually, a 10% penalty, so its cash is not an emergency fund.
  const reachable = snapshot.accounts.filter((a) => EMERGENCY_ACCOUNT_TYPES.has(a.type));
  const locked = snapshot.accounts.filter((a) => !EMERGENCY_ACCOUNT_TYPES.has(a.type) && a.cash > 0);
  const accessibleCash = sum(reachable.map((a) => a.cash));
  book.usd('cash.reachable', 'Cash in taxable accounts, reachable without tax or penalty', accessibleCash);
  book.usd(
    'cash.inRetirementAccounts',
    'Cash inside retirement accounts, not counted as a reserve',
    cash - accessibleCash,
  );
  book.text(
    'cash.reachableAccounts',
    'Accounts whose cash counts toward the emergency reserve',
    joinAnd([...new Set(reachable.filter((a) => a.cash > 0).map((a) => accountName(snapshot, a.id)))]) || null,
  );
  book.text(
    'cash.retirementAccountNames',
    'Retirement accounts holding cash',
    joinAnd([...new Set(locked.map((a) => accountName(snapshot, a.id)))]) || null,
  );
  book.percent('rule.earlyWithdrawalPenalty', 'Penalty on most retirement-account withdrawals before 59½', 10, 0);
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
  book.usd('cash.emergencyShortfall', 'Emergency reserve still missing', Math.max(0, reserveTarget - accessibleCash));
  book.usd('cash.idleValue', 'Cash beyond the emergency reserve', idle);
  book.percent('cash.idlePercent', 'Cash beyond the emergency reserve, share of the portfolio', pct(idle, total));
  book.percent('cashDrag.investedReturn', "Expected return of the portfolio's stock/bond mix", investedReturn);
  book.usd(
    'cashDrag.annual',
    'Annual return forgone on idle cash',
    (idle * (investedReturn - ASSUMPTIONS.cashReturn)) / 100,
  );
}

/** Retirement: age, glide path, and the 4% guideline. */
export function retirementFacts(c: FactContext, rows: readonly AssetClassRow[]): void {
  const { snapshot, book, total } = c;
  const bonds = shareIn(rows, 'fixed_income');
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
  c.bondSales = yearsToRetirement > 0 ? bondSales(c, glideTarget, bonds) : [];
  c.bondBuys = bondBuys(c, glideTarget, bonds);
  // Social Security (at its claiming age's factor) and pensions count with goals.otherIncome: the 4%
  // rule's need is what the portfolio alone must pay once all of them have started.
  const spouseBirthYear = snapshot.goals.spouse?.birthYear ?? snapshot.owner.birthYear;
  const socialSecurity = sum(
    (snapshot.goals.socialSecurity ?? []).map((claim) =>
      claimedBenefit(
        claim.benefitAtFullRetirementAge,
        claim.person === 'spouse' ? spouseBirthYear : snapshot.owner.birthYear,
        claim.claimingAge,
      ),
    ),
  );
  const pensions = sum((snapshot.goals.pensions ?? []).map((pension) => pension.annualAmount));
  const guaranteed = otherIncome + socialSecurity + pensions;
  book.usd(
    'retirement.guaranteedIncome',
    'Social Security, pensions and other income once all have started',
    guaranteed,
  );
  const need = Math.max(0, annualSpending - guaranteed);
  const sustainable = (total * ASSUMPTIONS.withdrawalRate) / 100;
  book.usd('goals.annualSpending', 'Planned annual spending in retirement (today’s money)', annualSpending);
  book.usd('goals.otherIncome', 'Guaranteed income in retirement (today’s money)', otherIncome);
  book.usd('goals.annualContribution', 'Planned annual contribution', annualContribution);
  book.usd('retirement.spendingFromPortfolio', 'Spending the portfolio must provide each year', need);
  book.usd('retirement.sustainableWithdrawal', 'First-year income the 4% rule gives on today’s balance', sustainable);
  book.percent(
    'retirement.coveragePercent',
    'First-year income at the 4% rule on today’s balance, as a share of the yearly need (not a chance of success)',
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
}

/** Counts and data quality. */
export function dataQualityFacts(c: FactContext, rows: readonly AssetClassRow[]): void {
  const { snapshot, book, instrumentType } = c;
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
  book.text('unclassified.symbols', 'Instruments without a classification', symbolList(unclassified));
  book.percent(
    'unclassified.percent',
    'Share of the portfolio in unclassified instruments',
    shareIn(rows, UNCLASSIFIED),
  );
  book.count('unpriced.count', 'Instruments without a price (excluded from totals)', unpriced.length);
  book.text('unpriced.symbols', 'Instruments without a price', symbolList(unpriced));
}

/** Symbols the prose names: the first few and a count, so a large portfolio's section still fits its limit. */
export const MAX_SYMBOLS_NAMED = 12;

function symbolList(symbols: readonly string[]): string | null {
  if (symbols.length === 0) return null;
  if (symbols.length <= MAX_SYMBOLS_NAMED) return symbols.join(', ');
  return `${symbols.slice(0, MAX_SYMBOLS_NAMED).join(', ')} and ${symbols.length - MAX_SYMBOLS_NAMED} more`;
}

/** Assumptions and rules, cited by the text. */
export function assumptionFacts(book: FactBook): void {
  book.percent('assumption.equityReturn', 'Expected annual return of equities', ASSUMPTIONS.equityReturn, 1);
  book.percent('assumption.bondReturn', 'Expected annual return of bonds', ASSUMPTIONS.bondReturn, 1);
  book.percent('assumption.cashReturn', 'Expected annual return of cash', ASSUMPTIONS.cashReturn, 1);
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
  book.percent(
    'rule.internationalMinMove',
    'Smallest move abroad, as a share of the portfolio, made a recommendation of its own',
    RULES.internationalMinMove,
    0,
  );
  book.percent(
    'rule.internationalShareOfNewStocks',
    'Share of new stock purchases to put abroad while the US share is above the limit',
    100 - RULES.homeBiasLimit,
    0,
  );
  book.percent('rule.glideStartBonds', 'Glide path: bond share far from retirement', RULES.glideStartBonds, 0);
  book.percent('rule.glideEndBonds', 'Glide path: bond share at retirement', RULES.glideEndBonds, 0);
  book.years('rule.glideYears', 'Glide path: years before retirement the rise begins', RULES.glideYears);
  book.pp('rule.glideStep', 'Glide path: rise in bond share per year', GLIDE_STEP);
  book.pp('rule.glideGap', 'Raise bonds when this far below the glide path', RULES.glideGap, 0);
  book.text('rule.glidePath', 'Bond-share rule used', GLIDE_PATH_RULE);
}

export function shareIn(rows: readonly AssetClassRow[], key: string): number {
  return rows.find((row) => row.assetClass === key)?.percent ?? 0;
}

function holdingKind(type: string | undefined): TopHolding['kind'] {
  if (type === undefined) return 'unknown';
  return FUND_TYPES.has(type) ? 'fund' : 'security';
}

const CLASS_ORDER = [...ASSET_CLASSES, UNCLASSIFIED] as readonly string[];
function orderedClasses(classes: Set<string>): string[] {
  return [...classes].sort((a, b) => CLASS_ORDER.indexOf(a) - CLASS_ORDER.indexOf(b));
}

export function pct(part: number, whole: number): number {
  return whole > 0 ? (part / whole) * 100 : 0;
}

export function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

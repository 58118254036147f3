/**
 * Rule-based recommendations. Each rule reads computed facts, fires on a stated threshold, and
 * words its advice with figures taken from the facts as printed, so the number check accepts
 * every recommendation without exception. Instruments are named by ticker only: tickers are
 * validated, whereas names are user data.
 */
import type { Recommendation } from '#events/values.ts';
import { cheaperAlternative } from '../common/fund-facts.ts';
import type { PortfolioFacts } from './facts.ts';
import { capitalise, counted, countWord, fact, joinAnd, num, points, RULES, txt } from './facts.ts';
import {
  assetLocation,
  bondsInTrim,
  cheaperFunds,
  companyConcentration,
  emergencyReserve,
  internationalInTrim,
  sameIndexFunds,
} from './planner-rules.ts';
import { MORE_STOCKS_TITLE } from './retirement-section.ts';

type Priority = Recommendation['priority'];
const PRIORITY_ORDER: Record<Priority, number> = { high: 0, medium: 1, low: 2 };

/** Plain-language names of asset classes, as a person would say them. */
export const CLASS_NAMES: Record<string, string> = {
  equity: 'equities',
  fixed_income: 'bonds',
  real_estate: 'real estate',
  commodities: 'commodities',
  cash: 'cash',
  unclassified: 'unclassified holdings',
};

/** The verb agreeing with a class name: "equities are", "cash is". */
export function isAre(assetClass: string): string {
  return ['cash', 'real_estate'].includes(assetClass) ? 'is' : 'are';
}

export function className(assetClass: string): string {
  return CLASS_NAMES[assetClass] ?? assetClass.replace(/_/g, ' ');
}

type Rule = (facts: PortfolioFacts) => Recommendation | undefined;

/**
 * The rules in the order of the risk they remove, within one priority. The projection's own
 * finding comes second, after one company above the limit: composeReport puts it there.
 */
const RULE_LIST: readonly Rule[] = [
  companyConcentration,
  reduceConcentration,
  moreStocks,
  raiseBonds,
  rebalance,
  emergencyReserve,
  cheaperFunds,
  deployIdleCash,
  completeData,
  assetLocation,
  addInternational,
  sameIndexFunds,
];

/** Recommendations that apply to these facts, highest priority first; deterministic. */
export function recommend(facts: PortfolioFacts): Recommendation[] {
  return RULE_LIST.map((rule) => rule(facts))
    .filter((recommendation): recommendation is Recommendation => recommendation !== undefined)
    .map((recommendation, index) => ({ recommendation, index }))
    .sort(
      (a, b) =>
        PRIORITY_ORDER[a.recommendation.priority] - PRIORITY_ORDER[b.recommendation.priority] || a.index - b.index,
    )
    .map(({ recommendation }) => recommendation);
}

function rebalance(facts: PortfolioFacts): Recommendation | undefined {
  const maxDrift = num(facts, 'drift.max');
  if (!facts.hasTarget || maxDrift === null || maxDrift <= RULES.driftThreshold) return undefined;
  const off = facts.assetClasses.filter(
    (row) => row.drift !== undefined && Math.abs(num(facts, `drift.${row.assetClass}`)!) > RULES.driftThreshold,
  );
  const describe = (assetClass: string) =>
    `${className(assetClass)} ${isAre(assetClass)} ${txt(facts, `allocation.${assetClass}.percent`)} against a target of ${txt(facts, `target.${assetClass}`)}`;
  const over = off.filter((row) => row.drift! > 0).map((row) => row.assetClass);
  const under = off.filter((row) => row.drift! < 0).map((row) => row.assetClass);
  const venue = (c: string) => facts.plan.venues[c];
  const moves = [
    ...over.map((c) => {
      const v = venue(c);
      return c === 'cash'
        ? `invest about ${usdMagnitude(facts, `driftValue.${c}`)} of cash`
        : `sell about ${usdMagnitude(facts, `driftValue.${c}`)} of ${v ? `${v.symbol} in ${v.accountName}` : className(c)}`;
    }),
    ...under.map((c) => {
      const v = venue(c);
      const fund = v ? `${v.symbol} in ${v.accountName}` : (cheaperFundFor(c) ?? className(c));
      return `buy about ${usdMagnitude(facts, `driftValue.${c}`)} of ${fund}`;
    }),
  ];
  const glideGap = num(facts, 'glidePath.gap') ?? 0;
  const bondTarget = num(facts, 'target.fixed_income') ?? 0;
  const glide =
    under.includes('fixed_income') &&
    glideGap > RULES.glideGap &&
    (num(facts, 'glidePath.bondTarget') ?? 0) > bondTarget
      ? ` As retirement nears, the glide path this review uses suggests ${txt(facts, 'glidePath.bondTarget')} in bonds, more than your target: consider raising the target too.`
      : '';
  return {
    title: 'Rebalance toward the target allocation',
    recommendation: `${capitalise(joinAnd(moves))}; trades inside tax-advantaged accounts, or new contributions, realise no gains.`,
    reasoning:
      `${capitalise(joinAnd(off.map((row) => describe(row.assetClass))))}. ` +
      `The largest gap, ${points(facts, 'drift.max')} in ${className(txt(facts, 'drift.maxClass'))}, is more than the ${points(facts, 'rule.driftThreshold')} this review allows before acting.${glide}`,
    impact:
      'Brings the portfolio’s risk back to the level you chose, and sells what has grown rather than what has fallen.',
    priority: maxDrift > 2 * RULES.driftThreshold ? 'high' : 'medium',
  };
}

function reduceConcentration(facts: PortfolioFacts): Recommendation | undefined {
  // One company above the limit is the planner rule's finding, with the look-through amount.
  if (companyConcentration(facts)) return undefined;
  const stockShare = num(facts, 'largestStock.percent');
  const topFiveShare = num(facts, 'topFive.percent') ?? 0;
  const stockTooLarge = stockShare !== null && stockShare > RULES.singleStockLimit;
  // Five broad index funds are not a concentration risk; five stocks, or a stock among them, are.
  // Unclassified holdings are left to the data-quality note rather than guessed at here.
  const topFiveTooLarge =
    topFiveShare > RULES.topFiveLimit && facts.topFive.some((holding) => holding.kind === 'security');
  if (!stockTooLarge && !topFiveTooLarge) return undefined;
  // Advice names the position, the account and the amount, or is not given.
  if (!stockTooLarge && facts.plan.trims.length === 0) return undefined;
  const stock = txt(facts, 'largestStock.symbol');
  const reasons: string[] = [];
  if (stockTooLarge) {
    reasons.push(
      `${stock} alone is ${txt(facts, 'largestStock.percent')} of the portfolio, above the ${txt(facts, 'rule.singleStockLimit')} limit for a single company`,
    );
  }
  if (topFiveTooLarge) {
    reasons.push(
      `${facts.topFive.length === 5 ? 'the five largest holdings' : `your ${countWord(facts.topFive.length)} holdings`} (${txt(facts, 'topFive.symbols')}) ` +
        `make up ${txt(facts, 'topFive.percent')}, above the ${txt(facts, 'rule.topFiveLimit')} guideline, and not all of them are diversified funds`,
    );
  }
  return {
    title: 'Reduce concentration',
    recommendation: stockTooLarge
      ? `Trim ${stock} by about ${txt(facts, 'largestStock.excessValue')} to bring it to ${txt(facts, 'rule.singleStockLimit')} of the portfolio, and reinvest the proceeds in a broad index fund. In a taxable account, spread the sales over several years or use shares with the smallest gains first.`
      : `${capitalise(joinAnd(facts.plan.trims.map((t) => `sell about ${txt(facts, t.key)} of ${t.symbol} in ${t.accountName}`)))}` +
        `${facts.plan.trims.length > 1 ? ` (${txt(facts, 'topFive.trimTotal')} in all)` : ''}, and reinvest the proceeds in a broad index fund such as ${cheaperFundFor('equity') ?? 'a total-market fund'} in the same account${facts.plan.trims.length > 1 ? 's' : ''}. ` +
        'In a taxable account, spread the sales over tax years and sell the lots with the smallest gains first.',
    reasoning: `${capitalise(reasons.join('; '))}. The effective number of holdings is ${txt(facts, 'effectiveHoldings')}, so a setback in one company would move the whole portfolio.`,
    impact:
      'Lowers the chance that one company’s trouble derails your plan, without giving up the market’s expected return.',
    priority: (stockShare ?? 0) > 2 * RULES.singleStockLimit ? 'high' : 'medium',
  };
}

/**
 * Far more in bonds than the glide path suggests, years from retirement: the mirror of raiseBonds.
 * Fixing the mix comes before cutting spending, since the projection's shortfall follows from it.
 */
function moreStocks(facts: PortfolioFacts): Recommendation | undefined {
  const gap = num(facts, 'glidePath.gap');
  const years = num(facts, 'yearsToRetirement') ?? 0;
  if (gap === null || -gap <= RULES.glideGap || years <= 0 || facts.plan.bondSales.length === 0) return undefined;
  // Rebalancing to a target that already sells bonds says the same thing: one recommendation.
  if (rebalance(facts) && (num(facts, 'drift.fixed_income') ?? 0) > RULES.driftThreshold) return undefined;
  const sales = facts.plan.bondSales.map((s) => `${txt(facts, s.key)} of ${s.symbol} in ${s.accountName}`);
  const fund = cheaperFundFor('equity') ?? 'a broad stock index fund';
  const abroad = smallInternationalMove(facts)
    ? ` with at least ${txt(facts, 'rule.internationalShareOfNewStocks')} of it in ${cheaperAlternative('equity', 'international') ?? 'an international index fund'} (stocks outside the US; today ${txt(facts, 'homeBias.usEquityPercent')} of your stocks are North American)`
    : '';
  return {
    title: MORE_STOCKS_TITLE,
    recommendation:
      `Move about ${joinAnd(sales)} into a broad stock index fund such as ${fund}${abroad} in the same account${new Set(facts.plan.bondSales.map((s) => s.accountName)).size > 1 ? 's' : ''}, ` +
      `and direct new contributions there, until bonds are near ${txt(facts, 'glidePath.bondTarget')} of the portfolio.`,
    reasoning:
      `Bonds are ${txt(facts, 'bonds.percent')} of the portfolio with ${counted(facts, 'yearsToRetirement', 'year')} to retirement; the glide path this review uses suggests ${txt(facts, 'glidePath.bondTarget')} ` +
      `(${txt(facts, 'glidePath.excessBondValue')} less). Over a horizon that long a fall in stocks has time to recover, and the lower return of bonds compounds against you.`,
    impact: 'Raises the expected growth of your savings, which a long horizon can afford.',
    priority: years >= 15 ? 'high' : 'medium',
  };
}

function raiseBonds(facts: PortfolioFacts): Recommendation | undefined {
  const gap = num(facts, 'glidePath.gap');
  const merged = rebalance(facts);
  // Rebalancing that already adds bonds says the same thing: one recommendation, not two.
  if (merged && (num(facts, 'drift.fixed_income') ?? 0) < -RULES.driftThreshold) return undefined;
  // Selling one company above the limit pays for the bonds: companyConcentration names them.
  if (bondsInTrim(facts)) return undefined;
  const years = num(facts, 'yearsToRetirement') ?? 0;
  if (gap === null || gap <= RULES.glideGap) return undefined;
  const targetBonds = facts.assetClasses.find((row) => row.assetClass === 'fixed_income')?.target ?? null;
  const ownTargetLow = targetBonds !== null && targetBonds < (num(facts, 'glidePath.bondTarget') ?? 0) - RULES.glideGap;
  const horizon =
    years > 0 ? `With ${counted(facts, 'yearsToRetirement', 'year')} to retirement` : 'At or past retirement';
  const bond = bondFund(facts);
  const sales = facts.plan.bondBuys.map((t) => `${txt(facts, t.key)} of ${t.symbol} in ${t.accountName}`);
  const accounts = new Set(facts.plan.bondBuys.map((t) => t.accountName)).size;
  const trade =
    sales.length > 0
      ? `Sell about ${joinAnd(sales)} and buy ${bond} with it in the same account${accounts > 1 ? 's' : ''}, and direct new contributions to ${bond} ` +
        `until bonds are about ${txt(facts, 'glidePath.bondTarget')} of the portfolio (${txt(facts, 'glidePath.shortBondValue')} more than today)`
      : `Direct new contributions to ${bond} until bonds are about ${txt(facts, 'glidePath.bondTarget')} of the portfolio (${txt(facts, 'glidePath.shortBondValue')} more than today); ` +
        'no stock is held in a tax-advantaged account, where the switch would cost no tax';
  return {
    title: 'Raise the bond share as retirement nears',
    recommendation:
      trade +
      (ownTargetLow
        ? `, and revisit your target of ${txt(facts, 'target.fixed_income')} in bonds, which is also below the glide path.`
        : '.'),
    reasoning:
      `Bonds are ${txt(facts, 'bonds.percent')} of the portfolio. ${horizon}, the glide path this review uses suggests ${txt(facts, 'glidePath.bondTarget')}: ` +
      `${txt(facts, 'rule.glideStartBonds')} in bonds ${txt(facts, 'rule.glideYears')} or more years out, rising ${points(facts, 'rule.glideStep')} a year to ${txt(facts, 'rule.glideEndBonds')} at retirement. ` +
      `The shortfall is ${points(facts, 'glidePath.gap')}.`,
    impact:
      'Reduces the risk that a market fall just before or after retirement forces you to sell stocks at a low point.',
    priority: years <= 10 ? 'high' : 'medium',
  };
}

/** The bond fund to buy: the one already held (in a tax-advantaged account if any), else a low-cost one. */
export function bondFund(facts: PortfolioFacts): string {
  return facts.plan.venues.fixed_income?.symbol ?? cheaperFundFor('fixed_income') ?? 'a broad bond index fund';
}

function deployIdleCash(facts: PortfolioFacts): Recommendation | undefined {
  const idleShare = num(facts, 'cash.idlePercent') ?? 0;
  if (idleShare <= RULES.idleCashLimit) return undefined;
  const reserve = num(facts, 'cash.emergencyReserve') ?? 0;
  return {
    title: 'Put idle cash to work',
    recommendation: `Invest about ${txt(facts, 'cash.idleValue')} of cash in ${idleCashFund(facts)}, in the account where the cash sits, in a lump sum or in equal monthly amounts over a few months if that is easier to live with.`,
    reasoning:
      `Cash is ${txt(facts, 'cash.value')} (${txt(facts, 'cash.percent')} of the portfolio). ` +
      (reserve > 0
        ? `After keeping ${txt(facts, 'cash.emergencyReserve')} in taxable accounts as an emergency reserve, ${txt(facts, 'cash.idleValue')} (${txt(facts, 'cash.idlePercent')}) is idle`
        : `None of it sits in a taxable account where it could serve as an emergency reserve, so all ${txt(facts, 'cash.idleValue')} (${txt(facts, 'cash.idlePercent')}) is idle`) +
      `, above the ${txt(facts, 'rule.idleCashLimit')} this review tolerates.`,
    impact: `About ${txt(facts, 'cashDrag.annual')} a year of expected return, assuming ${txt(facts, 'cashDrag.investedReturn')} from your stock and bond mix against ${txt(facts, 'assumption.cashReturn')} on cash.`,
    priority: idleShare > 3 * RULES.idleCashLimit ? 'high' : 'medium',
  };
}

function addInternational(facts: PortfolioFacts): Recommendation | undefined {
  const usShare = num(facts, 'homeBias.usEquityPercent');
  if (usShare === null || usShare <= RULES.homeBiasLimit) return undefined;
  // Selling one company above the limit already buys the international funds: one piece of advice.
  if (internationalInTrim(facts)) return undefined;
  // A move of a few hundred dollars is not worth a trade of its own; moreStocks names it when it buys stocks.
  if (smallInternationalMove(facts)) return undefined;
  const usEquity = facts.plan.venues.equity;
  return {
    title: 'Add international equities',
    recommendation: `Move about ${txt(facts, 'homeBias.moveToLimit')} from ${usEquity ? `${usEquity.symbol} in ${usEquity.accountName}` : 'US stock funds'} to ${cheaperAlternative('equity', 'international') ?? 'a broad international index fund'} (developed and emerging markets), and direct new stock money there until the US share of your stocks is nearer the global weight.`,
    reasoning: `North American companies are ${txt(facts, 'homeBias.usEquityPercent')} of your equities, against about ${txt(facts, 'assumption.globalUsEquityShare')} of a global index; that is above the ${txt(facts, 'rule.homeBiasLimit')} level at which this review suggests diversifying abroad.`,
    impact:
      'Spreads your stock risk across more economies and currencies, so that one country’s slump weighs less on your plan.',
    priority: 'low',
  };
}

/** The US share is above the limit, but the move that fixes it is below RULES.internationalMinMove of the portfolio. */
function smallInternationalMove(facts: PortfolioFacts): boolean {
  const usShare = num(facts, 'homeBias.usEquityPercent');
  const move = num(facts, 'homeBias.moveToLimit') ?? 0;
  const total = num(facts, 'totalValue') ?? 0;
  return usShare !== null && usShare > RULES.homeBiasLimit && move < (RULES.internationalMinMove / 100) * total;
}

function completeData(facts: PortfolioFacts): Recommendation | undefined {
  const unclassified = num(facts, 'unclassified.count') ?? 0;
  const unpriced = num(facts, 'unpriced.count') ?? 0;
  if (unclassified === 0 && unpriced === 0) return undefined;
  const problems: string[] = [];
  if (unpriced > 0)
    problems.push(
      `${txt(facts, 'unpriced.symbols')} had no price, so ${unpriced === 1 ? 'it is' : 'they are'} left out of every total`,
    );
  if (unclassified > 0) {
    problems.push(
      `${txt(facts, 'unclassified.symbols')} could not be classified, so ${txt(facts, 'unclassified.percent')} of the portfolio is missing from the asset-class, region and sector figures`,
    );
  }
  const listed = facts.plan.gaps.slice(0, MAX_GAPS_NAMED).map((gap) => {
    const where = gap.accountNames.length > 0 ? ` in ${joinAnd(gap.accountNames)}` : '';
    return gap.problem === 'unpriced'
      ? `add a price for ${gap.symbol} (held${where})`
      : `give ${gap.symbol} (${txt(facts, gap.key!)}${where}) its name and asset class in the portfolio file’s instruments list, or correct its symbol`;
  });
  const more = facts.plan.gaps.length - listed.length;
  return {
    title: 'Complete the instrument data',
    recommendation: `${capitalise(listed.join('; '))}${more > 0 ? '; do the same for the others named below' : ''}; then run the analysis again.`,
    reasoning: `${capitalise(joinAnd(problems))}.`,
    impact:
      unclassified > 0
        ? 'Makes the totals, allocation and drift figures complete, and lets the projection use the real mix instead of the cautious reading.'
        : 'Makes the totals, allocation and drift figures in this report complete rather than approximate.',
    // An unclassified slice wider than the drift band could hide a rebalancing need.
    priority: unpriced > 0 || (num(facts, 'unclassified.percent') ?? 0) > RULES.driftThreshold ? 'medium' : 'low',
  };
}

/** Holdings the data advice names one by one; the rest are named in its reasoning's list. */
const MAX_GAPS_NAMED = 5;

/** The fund idle cash should buy: the class furthest below target (equity without a target). */
function idleCashFund(facts: PortfolioFacts): string {
  const under = facts.assetClasses
    .filter((row) => row.assetClass !== 'cash' && (row.drift ?? 0) < 0)
    .sort((a, b) => (a.drift ?? 0) - (b.drift ?? 0))[0];
  const assetClass = under?.assetClass ?? 'equity';
  const fund = facts.plan.venues[assetClass]?.symbol ?? cheaperFundFor(assetClass);
  return fund ? `${fund} (${className(assetClass)})` : className(assetClass);
}

function cheaperFundFor(assetClass: string): string | undefined {
  return cheaperAlternative(assetClass, assetClass === 'equity' ? 'north_america' : undefined);
}

function usdMagnitude(facts: PortfolioFacts, key: string): string {
  return fact(facts, key).text.replace(/^-/, '');
}

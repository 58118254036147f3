/**
 * The offline prose: the narrative a careful adviser would write from the facts, deterministic,
 * every figure a fact's printed text. It is also the fallback when a model's narrative is
 * refused, so it must never state a number that is not a fact.
 */
import type { Recommendation } from '#events/values.ts';
import type { PortfolioFacts } from './facts.ts';
import { capitalise, counted, countWord, joinAnd, num, plural, points, RULES, txt } from './facts.ts';
import { MONTHS } from './number-check.ts';
import { EMERGENCY_MIN_SHORTFALL, retirementCashReason } from './planner-rules.ts';
import { className, isAre } from './recommendations.ts';
import type { Narrative } from './writer.ts';

export function offlineNarrative(facts: PortfolioFacts, recommendations: readonly Recommendation[]): Narrative {
  return {
    executiveSummary: executiveSummary(facts, recommendations),
    portfolioComposition: portfolioComposition(facts),
    diversification: diversificationText(facts),
    riskProfile: riskProfile(facts),
    retirementReadiness: retirementReadiness(facts),
    recommendationsIntro: recommendationsIntro(facts, recommendations),
    conclusion: conclusionText(facts, recommendations),
  };
}

function executiveSummary(facts: PortfolioFacts, recommendations: readonly Recommendation[]): string {
  const opening =
    `As of ${longDate(facts.asOf)}, your portfolio is worth ${txt(facts, 'totalValue')}: ` +
    `${txt(facts, 'investedValue')} invested in ${counted(facts, 'holdings.count', 'instrument')} across ${counted(facts, 'accounts.count', 'account')}` +
    `${(num(facts, 'cash.value') ?? 0) > 0 ? `, and ${txt(facts, 'cash.value')} in cash` : ', with no cash'}. ${capitalise(mixSentence(facts))}.`;
  const top = recommendations[0];
  // Counts and ranks are of the portfolio's own recommendations: the projection's finding, when
  // there is one, is added above them at consolidation and speaks for itself.
  const finding = top
    ? `This review makes ${countWord(recommendations.length)} ${plural(recommendations.length, 'recommendation')} about the portfolio itself. ` +
      `The most important of them is to ${lowerFirst(top.title)}. ${firstSentence(top.reasoning)}`
    : `By the rules this review applies, nothing in the portfolio itself needs changing: ${facts.hasTarget ? 'the allocation is close to your target, ' : ''}no single company dominates, and cash is at a sensible level.`;
  const headline = retirementHeadline(facts);
  return [opening, headline ? `${finding}\n\n${headline}` : finding].join('\n\n');
}

/** The projection's own paragraph is added at consolidation (retirement-section.ts); this covers the plan without it. */
function retirementHeadline(facts: PortfolioFacts): string {
  if ((num(facts, 'retirement.spendingFromPortfolio') ?? 0) <= 0) {
    return 'Your expected guaranteed income covers your planned retirement spending, so the portfolio is a reserve rather than your main source of income.';
  }
  return '';
}

function portfolioComposition(facts: PortfolioFacts): string {
  const held = facts.assetClasses.filter((row) => (num(facts, `allocation.${row.assetClass}.value`) ?? 0) >= 0.5);
  const [first, ...rest] = held;
  const parts: string[] = [];
  if (first && rest.length === 0) {
    parts.push(
      `The portfolio is entirely in ${className(first.assetClass)} (${txt(facts, `allocation.${first.assetClass}.value`)}).`,
    );
  } else if (first) {
    const others = rest.map(
      (row) =>
        `${className(row.assetClass)} ${txt(facts, `allocation.${row.assetClass}.percent`)} (${txt(facts, `allocation.${row.assetClass}.value`)})`,
    );
    parts.push(
      `${capitalise(className(first.assetClass))} ${isAre(first.assetClass)} the largest part of the portfolio at ` +
        `${txt(facts, `allocation.${first.assetClass}.percent`)} (${txt(facts, `allocation.${first.assetClass}.value`)})` +
        (others.length > 0 ? `, followed by ${joinAnd(others)}.` : '.'),
    );
  }
  if (!facts.hasTarget) {
    parts.push(
      'No target allocation is on file, so drift cannot be measured. Choosing one, and writing it down, gives every future review a yardstick and makes rebalancing a routine rather than a judgement call.',
    );
  } else if ((num(facts, 'drift.max') ?? 0) <= RULES.driftThreshold) {
    parts.push(
      `Every asset class is within ${points(facts, 'rule.driftThreshold')} of your target allocation, so the mix is where you meant it to be.`,
    );
  } else {
    const off = facts.assetClasses.filter(
      (row) => row.drift !== undefined && Math.abs(num(facts, `drift.${row.assetClass}`)!) > RULES.driftThreshold,
    );
    const gaps = off.map(
      (row) =>
        `${className(row.assetClass)} ${isAre(row.assetClass)} ${points(facts, `drift.${row.assetClass}`)} ${row.drift! > 0 ? 'above' : 'below'} ` +
        `the target of ${txt(facts, `target.${row.assetClass}`)}`,
    );
    parts.push(`Measured against your target allocation, ${joinAnd(gaps)}; the table below shows every class.`);
  }
  if ((num(facts, 'unclassified.count') ?? 0) > 0) {
    parts.push(
      `${txt(facts, 'unclassified.percent')} of the portfolio is in instruments that could not be classified (${txt(facts, 'unclassified.symbols')}), ` +
        'so the shares above understate whichever classes those belong to.',
    );
  }
  return parts.join(' ');
}

function diversificationText(facts: PortfolioFacts): string {
  const holdingsCount = num(facts, 'holdings.count') ?? 0;
  const first: string[] = [];
  const largestName = txt(facts, 'largestHolding.name');
  const largestSymbol = txt(facts, 'largestHolding.symbol');
  first.push(
    `You hold ${counted(facts, 'holdings.count', 'instrument')} in ${counted(facts, 'positions.count', 'position')}. ` +
      `The largest, ${largestSymbol}${largestName !== largestSymbol ? ` (${largestName})` : ''}, is ${txt(facts, 'largestHolding.percent')} of the portfolio` +
      (holdingsCount > 5 ? `, and the five largest together make up ${txt(facts, 'topFive.percent')}.` : '.'),
  );
  if (num(facts, 'hhi') !== null && holdingsCount > 1) {
    first.push(
      `Weighted by size, the holdings have a Herfindahl–Hirschman index of ${txt(facts, 'hhi')}, which is what ${txt(facts, 'effectiveHoldings')} equally sized positions would give.`,
    );
  }
  const funds = num(facts, 'funds.percent') ?? 0;
  const stockShare = num(facts, 'largestStock.percent');
  if (funds >= 50) {
    first.push(
      `Because ${txt(facts, 'funds.percent')} of the invested money is in diversified funds, you own far more underlying securities than that count suggests; what matters most is the mix of funds.`,
    );
  }
  if (stockShare !== null) {
    first.push(
      stockShare > RULES.singleStockLimit
        ? `Your largest individual stock, ${txt(facts, 'largestStock.symbol')}, is ${txt(facts, 'largestStock.percent')} of the portfolio, above the ${txt(facts, 'rule.singleStockLimit')} this review treats as the limit for one company.`
        : `Your largest individual stock, ${txt(facts, 'largestStock.symbol')}, is ${txt(facts, 'largestStock.percent')} of the portfolio, within the ${txt(facts, 'rule.singleStockLimit')} limit for one company.`,
    );
  }
  return [first.join(' '), homeBiasText(facts)].filter(Boolean).join('\n\n');
}

function homeBiasText(facts: PortfolioFacts): string {
  const us = num(facts, 'homeBias.usEquityPercent');
  if (us === null) {
    const equity = facts.assetClasses.find((row) => row.assetClass === 'equity')?.value ?? 0;
    return equity > 0 ? 'Regional data is missing for your equities, so home bias cannot be measured.' : '';
  }
  const excess = num(facts, 'homeBias.excess') ?? 0;
  const verdict =
    us > RULES.homeBiasLimit
      ? 'a strong home bias: your stock returns ride largely on one economy'
      : excess > 5
        ? 'a moderate home bias, common among US investors'
        : excess < -5
          ? 'less than the global weight, a deliberate tilt abroad'
          : 'close to the global weight';
  return (
    `Of the equities whose region is known, ${txt(facts, 'homeBias.usEquityPercent')} are in North American companies, ` +
    `against about ${txt(facts, 'assumption.globalUsEquityShare')} in a global stock index. That is ${verdict}.`
  );
}

function riskLabel(facts: PortfolioFacts): string {
  const growth = num(facts, 'growth.percent') ?? 0;
  if (growth >= 80) return 'aggressive';
  if (growth >= 60) return 'growth-oriented';
  if (growth >= 40) return 'balanced';
  return 'conservative';
}

function riskProfile(facts: PortfolioFacts): string {
  const growth = num(facts, 'growth.percent') ?? 0;
  const label = riskLabel(facts);
  const mix =
    `With ${txt(facts, 'growth.percent')} in growth assets (stocks, real estate and commodities) and ${txt(facts, 'defensive.percent')} in bonds and cash, ` +
    `the portfolio is ${label}. ` +
    (growth >= 60
      ? 'Its value will rise and fall with the stock market, and a deep bear market would take a large bite out of it; the plan works only if you can hold on through one.'
      : 'Its bonds and cash will cushion a stock-market fall, at the cost of slower growth over long periods.');
  const years = num(facts, 'yearsToRetirement') ?? 0;
  const gap = num(facts, 'glidePath.gap') ?? 0;
  const position =
    gap > RULES.glideGap
      ? `well short of the path, by ${points(facts, 'glidePath.gap')}`
      : gap < -RULES.glideGap
        ? 'more than the path calls for, a cautious choice that trades some growth for stability'
        : 'close to the path';
  const glide =
    `For bonds, this review uses a glide path: ${txt(facts, 'rule.glideStartBonds')} of the portfolio ${txt(facts, 'rule.glideYears')} or more years before retirement, ` +
    `rising ${points(facts, 'rule.glideStep')} a year to ${txt(facts, 'rule.glideEndBonds')} at retirement. ` +
    `${years > 0 ? `With ${counted(facts, 'yearsToRetirement', 'year')} to go` : 'At or past retirement'}, that suggests about ${txt(facts, 'glidePath.bondTarget')}; ` +
    `you hold ${txt(facts, 'bonds.percent')}, ${position}.`;
  return [mix, glide, cashText(facts)].join('\n\n');
}

/**
 * The emergency reserve and idle cash, in the same terms as the reserve advice: which accounts were
 * counted, why retirement-account cash is not, what is missing, and what the rest forgoes.
 */
function cashText(facts: PortfolioFacts): string {
  const months = countWord(num(facts, 'assumption.emergencyMonths') ?? 0);
  const reachable = num(facts, 'cash.reachable') ?? 0;
  const locked = num(facts, 'cash.inRetirementAccounts') ?? 0;
  const shortfall = num(facts, 'cash.emergencyShortfall') ?? 0;
  const where = reachable > 0 ? ` in ${txt(facts, 'cash.reachableAccounts')}` : '';
  if ((num(facts, 'cash.emergencyTarget') ?? 0) <= 0) return idleCashText(facts);
  const counted =
    `For an emergency reserve of ${txt(facts, 'cash.emergencyTarget')} (${months} months of planned spending), this review counts only cash you can reach without tax or penalty: ` +
    `${txt(facts, 'cash.reachable')}${where}` +
    (shortfall >= EMERGENCY_MIN_SHORTFALL
      ? `, ${txt(facts, 'cash.emergencyShortfall')} short of it (see the recommendations).`
      : shortfall >= 0.5
        ? `, ${txt(facts, 'cash.emergencyShortfall')} short of it, too little to act on.`
        : ', which covers it.');
  const lockedNote =
    locked >= 0.5
      ? ` The ${txt(facts, 'cash.inRetirementAccounts')} of cash in ${txt(facts, 'cash.retirementAccountNames')} is not counted: ${retirementCashReason(facts)}.`
      : '';
  return `${counted}${lockedNote}${idleCashText(facts)}`;
}

function idleCashText(facts: PortfolioFacts): string {
  if ((num(facts, 'cash.idleValue') ?? 0) < 0.5) return '';
  return (
    ` Cash beyond the reserve comes to ${txt(facts, 'cash.idleValue')} (${txt(facts, 'cash.idlePercent')} of the portfolio). Assuming ${txt(facts, 'cashDrag.investedReturn')} a year from your stock and bond mix against ` +
    `${txt(facts, 'assumption.cashReturn')} on cash, it gives up about ${txt(facts, 'cashDrag.annual')} of expected return a year.`
  );
}

function retirementReadiness(facts: PortfolioFacts): string {
  const years = num(facts, 'yearsToRetirement') ?? 0;
  const need = num(facts, 'retirement.spendingFromPortfolio') ?? 0;
  const other = num(facts, 'retirement.guaranteedIncome') ?? 0;
  const timing =
    years > 0
      ? `You are ${txt(facts, 'owner.age')} and plan to retire at ${txt(facts, 'goals.retirementAge')}, in ${txt(facts, 'retirementYear')}: ${counted(facts, 'yearsToRetirement', 'year')} from now.`
      : `You are ${txt(facts, 'owner.age')}, at or past your planned retirement age of ${txt(facts, 'goals.retirementAge')}.`;
  if (need <= 0) {
    return (
      `${timing} You plan to spend ${txt(facts, 'goals.annualSpending')} a year in today's money and expect ${txt(facts, 'retirement.guaranteedIncome')} ` +
      'from Social Security or a pension. That income covers the plan in full, so the portfolio is a reserve for the unexpected and for those who come after you.'
    );
  }
  const spending =
    `You plan to spend ${txt(facts, 'goals.annualSpending')} a year in today's money` +
    (other > 0
      ? `, of which you expect ${txt(facts, 'retirement.guaranteedIncome')} from Social Security, pensions or other income once all of it has started, leaving ${txt(facts, 'retirement.spendingFromPortfolio')} for the portfolio to provide.`
      : ', all of it from the portfolio.');
  const coverage = num(facts, 'retirement.coveragePercent') ?? 0;
  // A rule of thumb on today's balance, not a probability: worded so that its share of the spending
  // target cannot be read against the projection's chance of success.
  const guideline =
    `A rule of thumb on today's balance, separate from the projection: the ${txt(facts, 'assumption.withdrawalRate')} rule (take that share of the portfolio in the first year, then raise it with inflation) ` +
    `applied to today's ${txt(facts, 'totalValue')} gives a first-year income of about ${txt(facts, 'retirement.sustainableWithdrawal')}, ` +
    `${txt(facts, 'retirement.coveragePercent')} of the ${txt(facts, 'retirement.spendingFromPortfolio')} a year the portfolio must provide. That is a share of your spending target, not a chance of success. ` +
    `By the same rule the full amount needs a portfolio of about ${txt(facts, 'retirement.portfolioNeeded')}, ${txt(facts, 'retirement.multiple')} times the yearly withdrawal.`;
  const contribution = num(facts, 'goals.annualContribution') ?? 0;
  const outlook =
    coverage >= 100
      ? 'On that measure you already have enough; the task now is to keep the plan on course and the risk in proportion.'
      : years > 0
        ? `The difference is for ${contribution > 0 ? `your contributions of ${txt(facts, 'goals.annualContribution')} a year and ` : ''}investment growth to close over the years before you retire; the projection counts them, so its chance that the money lasts is the figure to plan on.`
        : 'Spending at this level would draw on the portfolio faster than the guideline considers sustainable, so it is worth revisiting the spending plan or other sources of income.';
  const bonds = `Your bond share of ${txt(facts, 'bonds.percent')} compares with ${txt(facts, 'glidePath.bondTarget')} on the glide path for your horizon.`;
  return [`${timing} ${spending}`, `${guideline} ${outlook}`, bonds].join('\n\n');
}

function recommendationsIntro(facts: PortfolioFacts, recommendations: readonly Recommendation[]): string {
  if (recommendations.length === 0) {
    return `No change to the portfolio itself is needed at this time. ${facts.hasTarget ? `Every asset class is within ${points(facts, 'rule.driftThreshold')} of target, n` : 'N'}o single stock exceeds ${txt(facts, 'rule.singleStockLimit')} of the portfolio, and idle cash is below ${txt(facts, 'rule.idleCashLimit')}.`;
  }
  return 'The recommendations below follow from the figures above, highest priority first.';
}

function conclusionText(facts: PortfolioFacts, recommendations: readonly Recommendation[]): string {
  const concentrated = (num(facts, 'largestStock.percent') ?? 0) > RULES.singleStockLimit;
  const diversified =
    !concentrated && ((num(facts, 'funds.percent') ?? 0) >= 50 || (num(facts, 'effectiveHoldings') ?? 0) >= 10);
  const overall = `Overall, your portfolio is ${riskLabel(facts)}${diversified ? ' and broadly diversified' : ''}.`;
  const high = recommendations.filter((r) => r.priority === 'high').map((r) => lowerFirst(r.title));
  const next =
    recommendations.length === 0
      ? 'It is in good order. Review it again in a year, or sooner after a change in income, spending or plans.'
      : high.length > 0
        ? `Of the changes to the portfolio, start with what matters most: ${joinAnd(high)}${recommendations.length > high.length ? '; the other items can follow at your next review' : ''}.`
        : 'None of the recommendations is urgent, but acting on them over the coming months will make the plan sturdier.';
  const unpriced = num(facts, 'unpriced.count') ?? 0;
  const caveat =
    unpriced > 0
      ? ` Note that ${txt(facts, 'unpriced.symbols')} had no price and ${unpriced === 1 ? 'is' : 'are'} left out of every figure in this report.`
      : '';
  return `${overall} ${next}${caveat}`;
}

function mixSentence(facts: PortfolioFacts): string {
  const held = facts.assetClasses.filter((row) => (num(facts, `allocation.${row.assetClass}.value`) ?? 0) >= 0.5);
  return `the mix is ${joinAnd(held.map((row) => `${txt(facts, `allocation.${row.assetClass}.percent`)} ${className(row.assetClass)}`))}`;
}

export function longDate(isoDate: string): string {
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number];
  return `${MONTHS[month - 1]} ${day}, ${year}`;
}

export function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

function firstSentence(text: string): string {
  const match = /^.*?[.!?](?=\s|$)/.exec(text);
  return match ? match[0] : text;
}

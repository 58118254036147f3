/**
 * The planner's rules (the one on the projection is in retirement-section.ts): one company's weight (direct plus through index
 * funds), costly funds, funds tracking the same index, asset location and the emergency reserve.
 * Each names the account, the instrument and the dollar amount, every figure a fact as printed.
 */
import type { Recommendation } from '#events/values.ts';
import { cheaperAlternative } from '../common/fund-facts.ts';
import type { PortfolioFacts } from './facts.ts';
import { capitalise, joinAnd, num, RULES, txt } from './facts.ts';

export function companyConcentration(facts: PortfolioFacts): Recommendation | undefined {
  const top = facts.plan.exposures[0];
  if (!top) return undefined;
  const share = num(facts, `exposure.${top.symbol}.percent`) ?? 0;
  if (share <= RULES.singleStockLimit) return undefined;
  const account = top.directAccounts[0];
  const trim = num(facts, `exposure.${top.symbol}.trim`) ?? 0;
  const inPlan = account?.accountType === '401k';
  // Only a sale in a taxable account realises gains; inside retirement accounts the note is noise.
  const taxNote = top.directAccounts.some((a) => a.accountType === 'taxable')
    ? '; in a taxable account, spread the sales over tax years and sell the lots with the smallest gains first'
    : '';
  const where = account ? ` in ${account.accountName}` : '';
  const nua = inPlan
    ? ` Before selling employer stock inside the 401(k), ask the plan about net unrealized appreciation: moved in kind to a taxable account as part of a lump-sum distribution, its growth can be taxed as a long-term capital gain instead of income.`
    : '';
  const funds =
    (num(facts, `exposure.${top.symbol}.viaFunds`) ?? 0) > 0
      ? `, of which ${txt(facts, `exposure.${top.symbol}.direct`)} directly and ${txt(facts, `exposure.${top.symbol}.viaFunds`)} inside index funds`
      : '';
  const us = cheaperAlternative('equity', 'north_america') ?? 'a US total-market fund';
  const international = cheaperAlternative('equity', 'international') ?? 'an international index fund';
  const parts: string[] = [];
  if (bondsInTrim(facts)) {
    const bond = facts.plan.venues.fixed_income?.symbol ?? cheaperAlternative('fixed_income') ?? 'a bond index fund';
    parts.push(
      `about ${txt(facts, 'glidePath.shortBondValue')} in ${bond} (bonds, which brings them to the ${txt(facts, 'glidePath.bondTarget')} the glide path suggests for your horizon)`,
    );
  }
  if (internationalInTrim(facts)) {
    parts.push(
      `about ${txt(facts, 'homeBias.moveToLimit')} in ${international} (stocks outside the US, which also brings your US share of stocks down to ${txt(facts, 'rule.homeBiasLimit')})`,
    );
  }
  const reinvest =
    parts.length > 0
      ? `reinvest it: ${parts.join(', ')}, and the rest in ${us}`
      : `reinvest it in a broad index fund such as ${us}`;
  return {
    title: `Reduce ${top.symbol} to ${txt(facts, 'rule.singleStockLimit')} of the portfolio`,
    recommendation:
      trim > 0
        ? `Sell about ${txt(facts, `exposure.${top.symbol}.trim`)} of ${top.symbol}${where} and ${reinvest}${taxNote}.${nua}`
        : `Direct new money away from funds heavy in ${top.symbol}; its weight comes from the index funds you hold.`,
    reasoning: `${top.symbol} is ${txt(facts, `exposure.${top.symbol}.percent`)} of the portfolio (${txt(facts, `exposure.${top.symbol}.value`)}${funds}), above the ${txt(facts, 'rule.singleStockLimit')} limit for one company. One company can lose most of its value in a year; the projection gives a single stock its own, higher volatility.`,
    impact: 'Removes the largest single risk to the plan: one company’s trouble no longer decides your retirement.',
    priority: 'high',
  };
}

/**
 * True when one company is above the limit and the US share of stocks too: the sale of the company
 * then buys the international funds, and the home-bias advice is folded into it (one action, not two).
 */
export function internationalInTrim(facts: PortfolioFacts): boolean {
  const top = facts.plan.exposures[0];
  if (!top || (num(facts, `exposure.${top.symbol}.percent`) ?? 0) <= RULES.singleStockLimit) return false;
  const trim = num(facts, `exposure.${top.symbol}.trim`) ?? 0;
  const move = num(facts, 'homeBias.moveToLimit') ?? 0;
  const usShare = num(facts, 'homeBias.usEquityPercent');
  return usShare !== null && usShare > RULES.homeBiasLimit && move > 0 && move <= trim;
}

/**
 * True when one company above the limit is sold and bonds are far below the glide path: the sale
 * pays for the bonds, and the bond advice is folded into it. The bonds come first from the proceeds,
 * so together with the international part they must fit in the sale.
 */
export function bondsInTrim(facts: PortfolioFacts): boolean {
  const top = facts.plan.exposures[0];
  if (!top || (num(facts, `exposure.${top.symbol}.percent`) ?? 0) <= RULES.singleStockLimit) return false;
  const trim = num(facts, `exposure.${top.symbol}.trim`) ?? 0;
  const short = num(facts, 'glidePath.shortBondValue') ?? 0;
  const abroad = internationalInTrim(facts) ? (num(facts, 'homeBias.moveToLimit') ?? 0) : 0;
  return (num(facts, 'glidePath.gap') ?? 0) > RULES.glideGap && short > 0 && short + abroad <= trim;
}

export function cheaperFunds(facts: PortfolioFacts): Recommendation | undefined {
  const switches = facts.plan.expensive.filter((f) => f.alternative !== undefined);
  if (switches.length === 0) return undefined;
  const key = (f: (typeof switches)[number]) => `fee.${f.symbol}.${f.accountId}`;
  const load = (f: (typeof switches)[number]) =>
    f.shareClass
      ? `, a Class ${f.shareClass} share with up to ${txt(facts, `${key(f)}.frontLoad`)} sales charge on purchases`
      : '';
  const moves = switches.map(
    (f) =>
      `move ${txt(facts, `${key(f)}.value`)} of ${f.symbol} (${txt(facts, `${key(f)}.percent`)} a year${load(f)}) in ${f.accountName} to ${f.alternative} (${txt(facts, `${key(f)}.alternativePercent`)}), saving about ${txt(facts, `${key(f)}.saving`)} a year`,
  );
  return {
    title: 'Replace costly funds with index funds of the same kind',
    recommendation: `${capitalise(moves.join('; '))}. Inside retirement accounts the switch costs no tax; in a taxable account weigh the gain you would realise, and a share class with a sales charge is never worth buying more of.`,
    reasoning: `The whole portfolio costs ${txt(facts, 'fees.weightedPercent')} a year (${txt(facts, 'fees.annualCost')} this year). Each of these funds charges more than ${txt(facts, 'rule.expensiveFund')} a year for a market a low-cost index fund holds for less; the fee is certain, the extra return is not.`,
    impact: 'Every dollar not paid in fees compounds for you; the projection is already net of today’s costs.',
    priority: 'medium',
  };
}

export function sameIndexFunds(facts: PortfolioFacts): Recommendation | undefined {
  const groups = facts.plan.sameIndex;
  if (groups.length === 0) return undefined;
  return {
    title: 'Consolidate funds that track the same index',
    recommendation: `${capitalise(groups.map((g) => `${g.symbols.join(' and ')} both track the ${g.index}: keep the cheaper where you can`).join('; '))}.`,
    reasoning:
      'Funds that track the same index hold the same companies: owning several adds accounts to watch, not diversification.',
    impact: 'A simpler portfolio that is easier to rebalance, with the same risk.',
    priority: 'low',
  };
}

export function assetLocation(facts: PortfolioFacts): Recommendation | undefined {
  const swap = num(facts, 'location.swapNamed') ?? 0;
  const { taxable, sheltered } = facts.plan.location;
  if (swap < 1000 || taxable.length === 0 || sheltered.length === 0) return undefined;
  const sells = (trims: typeof taxable) => trims.map((t) => `${txt(facts, t.key)} of ${t.symbol}`);
  const accounts = [...new Set(sheltered.map((t) => t.accountName))];
  const bought = joinAnd([...new Set(taxable.map((t) => t.symbol))]);
  return {
    title: 'Hold bonds and gold in tax-advantaged accounts',
    recommendation:
      `In the taxable account, sell about ${joinAnd(sells(taxable))} and buy ${txt(facts, 'location.swapNamed')} of a broad stock index fund such as ${cheaperAlternative('equity', 'north_america') ?? 'a total-market fund'}; ` +
      `in ${joinAnd(accounts)}, sell about ${joinAnd(sells(sheltered))} and buy ${bought} with it. The mix stays the same, and no tax is due on the trades inside ${accounts.length > 1 ? 'those accounts' : 'it'}; in the taxable account, mind the gains you realise.`,
    reasoning: `The taxable account holds ${txt(facts, 'location.taxableBondsAndGold')} in bonds and gold, whose interest and gains are taxed as income every year or at the collectibles rate, while tax-advantaged accounts hold ${txt(facts, 'location.shelteredEquity')} in stocks, which are taxed lightly in a taxable account.`,
    impact: 'Lowers the tax paid every year without changing the risk you take.',
    priority: 'low',
  };
}

/** Why cash inside retirement accounts is not an emergency reserve, for the owner's age. */
export function retirementCashReason(facts: PortfolioFacts): string {
  return (num(facts, 'owner.age') ?? 0) < 60
    ? `taken out before age 59½ it generally costs income tax and a ${txt(facts, 'rule.earlyWithdrawalPenalty')} penalty`
    : 'withdrawing it adds to taxable income (qualified Roth withdrawals excepted), so it is better kept for retirement';
}

/** A reserve shortfall below this is too small to be worth a recommendation. */
export const EMERGENCY_MIN_SHORTFALL = 500;

export function emergencyReserve(facts: PortfolioFacts): Recommendation | undefined {
  const shortfall = num(facts, 'cash.emergencyShortfall') ?? 0;
  if (shortfall < EMERGENCY_MIN_SHORTFALL) return undefined;
  const reachable = num(facts, 'cash.reachable') ?? 0;
  const locked = num(facts, 'cash.inRetirementAccounts') ?? 0;
  const counted =
    reachable > 0
      ? `${txt(facts, 'cash.reachable')} is in ${txt(facts, 'cash.reachableAccounts')} now`
      : 'no cash is in a taxable account now';
  const notCounted =
    locked >= 0.5
      ? `; the ${txt(facts, 'cash.inRetirementAccounts')} of cash in ${txt(facts, 'cash.retirementAccountNames')} is not counted: ${retirementCashReason(facts)}`
      : '';
  return {
    title: 'Build the emergency reserve',
    recommendation: `Set aside about ${txt(facts, 'cash.emergencyShortfall')} in cash or a money market fund in a taxable account, from new savings before further investing.`,
    reasoning: `An emergency reserve of ${txt(facts, 'cash.emergencyTarget')} (six months of planned spending) keeps a job loss or a large bill from forcing a sale in a falling market; ${counted}${notCounted}.`,
    impact: 'Protects the long-term plan from short-term needs.',
    priority: 'medium',
  };
}

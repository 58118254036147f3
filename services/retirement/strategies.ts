/**
 * Withdrawal strategies: constant dollar (the first year's spending held in real terms), constant
 * percentage of the balance, the Bogleheads variable percentage withdrawal (VPW, data/vpw.json)
 * and the Guyton–Klinger decision rules (Guyton & Klinger, "Decision Rules and Maximum Initial
 * Withdrawal Rates", Journal of Financial Planning, March 2006).
 */
import vpw from './data/vpw.json' with { type: 'json' };

export const STRATEGIES = ['constant-dollar', 'constant-percentage', 'vpw', 'guyton-klinger'] as const;
export type StrategyKind = (typeof STRATEGIES)[number];

export interface Strategy {
  kind: StrategyKind;
  /** Constant percentage: the yearly rate; Guyton–Klinger: the initial withdrawal rate. */
  rate?: number;
}

export const DEFAULT_PERCENTAGE_RATE = 0.04;
/** Guyton & Klinger found 5.2%–5.6% initial rates sustainable for 65% equity over 40 years; 5% is the cautious default. */
export const DEFAULT_GUARDRAILS_RATE = 0.05;

export const VPW_SOURCE = `${vpw.source} (${vpw.year})`;
export const VPW_FINAL_AGE = vpw.finalAge;

/** The published Guyton–Klinger rules, with their thresholds. */
export const GUARDRAILS = {
  /** Capital preservation: cut 10% when the current rate is 20% above the initial one… */
  upperTrigger: 1.2,
  cut: 0.9,
  /** …but only while more than 15 years of the plan remain. */
  preservationHorizon: 15,
  /** Prosperity: raise 10% when the current rate is 20% below the initial one. */
  lowerTrigger: 0.8,
  raise: 1.1,
} as const;

/** The payment at the start of each of `years` years that spends 1 to zero at growth `rate` (PMT, type 1). */
export function annuityDue(rate: number, years: number): number {
  if (years <= 1) return 1;
  if (rate === 0) return 1 / years;
  return rate / (1 - (1 + rate) ** -years) / (1 + rate);
}

/** The VPW table's assumed real growth for a stock share (the rest in bonds). */
export function vpwGrowthTrend(stockShare: number): number {
  return stockShare * vpw.stockRealReturn + (1 - stockShare) * vpw.bondRealReturn;
}

/** The VPW table's rate at `age` for a stock share: PMT over the years left to age 100. */
export function vpwRate(age: number, stockShare: number): number {
  return annuityDue(vpwGrowthTrend(stockShare), vpw.finalAge - age);
}

export function describeStrategy(strategy: Strategy): string {
  switch (strategy.kind) {
    case 'constant-dollar':
      return 'constant dollar: the planned spending every year, raised with inflation';
    case 'constant-percentage':
      return `constant percentage: ${pct(strategy.rate ?? DEFAULT_PERCENTAGE_RATE)} of the balance each year`;
    case 'vpw':
      return `Bogleheads VPW: each year the table's rate for the age and allocation (to age ${vpw.finalAge}; stocks ${pct(vpw.stockRealReturn)}, bonds ${pct(vpw.bondRealReturn)} real)`;
    case 'guyton-klinger':
      return `Guyton–Klinger guardrails: ${pct(strategy.rate ?? DEFAULT_GUARDRAILS_RATE)} at first; no inflation raise after a losing year when the rate is above the initial one; −10% when the rate is 20% above it (while over 15 years remain); +10% when 20% below`;
  }
}

function pct(x: number): string {
  return `${Math.round(x * 1000) / 10}%`;
}

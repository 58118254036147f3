/**
 * Social Security claiming: the share of the benefit at full retirement age (the primary
 * insurance amount) paid when claiming at another age, by SSA's rules vendored in
 * data/ssa-claiming.json — 5/9 of 1% less a month for the first 36 months early, 5/12 of 1% for
 * each month beyond, and 8% a year more for each year delayed up to 70.
 */
import rules from './data/ssa-claiming.json' with { type: 'json' };

export const SSA_RULES_SOURCE = `${rules.source} (${rules.year})`;

/** Full retirement age in months for a birth year (SSA table; 67 for 1960 and later). */
export function fullRetirementAgeMonths(birthYear: number): number {
  const row = rules.fullRetirementAge.find((r) => birthYear >= r.bornFrom && birthYear <= r.bornTo);
  // The table spans 1900–2100, which the portfolio file's birth year cannot leave.
  if (!row) throw new Error(`services/retirement/data/ssa-claiming.json: no full retirement age for ${birthYear}`);
  return row.years * 12 + row.months;
}

/**
 * Benefit as a fraction of the primary insurance amount when claiming at `claimAgeMonths`.
 * Credits stop at 70 and nobody can claim before 62: ages outside are clamped by the caller's
 * schema, not here.
 */
export function claimingFactor(claimAgeMonths: number, fullAgeMonths: number): number {
  const early = fullAgeMonths - claimAgeMonths;
  if (early > 0) {
    const first = Math.min(early, 36);
    return 1 - first * rules.reductionPerMonthFirst36 - (early - first) * rules.reductionPerMonthBeyond36;
  }
  const late = Math.min(claimAgeMonths, rules.latestCreditAge * 12) - fullAgeMonths;
  return 1 + (late * rules.delayedCreditPerYear) / 12;
}

/** The yearly benefit, today's money, for a person born `birthYear` claiming at a whole `claimAge`. */
export function claimedBenefit(benefitAtFullAge: number, birthYear: number, claimAge: number): number {
  return benefitAtFullAge * claimingFactor(claimAge * 12, fullRetirementAgeMonths(birthYear));
}

export const EARLIEST_CLAIMING_AGE = rules.earliestClaimingAge;
export const LATEST_CREDIT_AGE = rules.latestCreditAge;

import { describe, expect, it } from 'vitest';
import { Snapshot } from '#events/values.ts';
import { runCashflow } from '#services/retirement/cashflow.ts';
import { cashflowPlanOf, householdOf } from '#services/retirement/household.ts';
import { claimedBenefit, claimingFactor, fullRetirementAgeMonths } from '#services/retirement/social-security.ts';
import { basePlan, flatMarket } from './planning-support.ts';

describe('SSA claiming adjustments', () => {
  // SSA, "Benefits Planner: Retirement — Born in 1960 or later": the percentage of the full
  // benefit at each claiming age for a full retirement age of 67.
  it.each([
    [62, 0.7],
    [63, 0.75],
    [64, 0.8],
    [65, 0.8667],
    [66, 0.9333],
    [67, 1],
    [68, 1.08],
    [69, 1.16],
    [70, 1.24],
  ])('pays %i-year-old claimants born in 1960 %f of the full benefit', (age, factor) => {
    expect(claimingFactor(age * 12, fullRetirementAgeMonths(1960))).toBeCloseTo(factor, 4);
  });

  it('reduces a claim at 62 to 75% and raises one at 70 to 132% for a full retirement age of 66 (born 1954)', () => {
    expect(fullRetirementAgeMonths(1954)).toBe(66 * 12);
    expect(claimingFactor(62 * 12, 66 * 12)).toBeCloseTo(0.75, 10);
    expect(claimingFactor(70 * 12, 66 * 12)).toBeCloseTo(1.32, 10);
  });

  it('uses 5/12 of 1% a month beyond 36 months early: 72.5% at 62 for a full retirement age of 66 and 6 months', () => {
    // 36 × 5/9% = 20%, then 18 × 5/12% = 7.5% (SSA's table for 1957 births).
    expect(fullRetirementAgeMonths(1957)).toBe(66 * 12 + 6);
    expect(claimingFactor(62 * 12, fullRetirementAgeMonths(1957))).toBeCloseTo(0.725, 10);
  });

  it('stops delayed credits at 70', () => {
    expect(claimingFactor(72 * 12, 67 * 12)).toBeCloseTo(1.24, 10);
  });

  it('turns a $30,000 benefit at full retirement age into $21,000 at 62 and $37,200 at 70 for a 1979 birth', () => {
    expect(claimedBenefit(30_000, 1979, 62)).toBeCloseTo(21_000, 6);
    expect(claimedBenefit(30_000, 1979, 70)).toBeCloseTo(37_200, 6);
  });
});

const snapshot = (goals: Record<string, unknown>) =>
  Snapshot.parse({
    userId: 'household-ss',
    asOf: '2026-06-01T00:00:00.000Z',
    currency: 'USD',
    owner: { name: 'Lee', birthYear: 1961 }, // 65 in 2026
    goals: { retirementAge: 65, lifeExpectancy: 75, annualSpending: 60_000, ...goals },
    accounts: [{ id: 'ira', name: 'IRA', type: 'roth_ira', cash: 500_000 }],
    positions: [],
    instruments: [],
  });

describe('Social Security and pensions in the plan', () => {
  it('starts each spouse’s benefit at their own claiming age on the owner’s age line', () => {
    const h = householdOf(
      snapshot({
        spouse: { birthYear: 1964 }, // three years younger
        socialSecurity: [
          { person: 'owner', benefitAtFullRetirementAge: 24_000, claimingAge: 67 },
          { person: 'spouse', benefitAtFullRetirementAge: 12_000, claimingAge: 62 },
        ],
        taxes: { model: false },
      }),
      0.6,
      0,
    );
    const plan = cashflowPlanOf(h);
    // Owner 65..74. Spouse claims at 62 = owner 65, reduced to 70%: 8,400 from the start;
    // owner's own 24,000 from 67.
    expect(Array.from(plan.incomeReal)).toEqual([8400, 8400, 32400, 32400, 32400, 32400, 32400, 32400, 32400, 32400]);
  });

  it('pays the spending not covered by income from the portfolio: 10 years of 60,000 less 8,400 then 32,400', () => {
    const h = householdOf(
      snapshot({
        spouse: { birthYear: 1964 },
        socialSecurity: [
          { person: 'owner', benefitAtFullRetirementAge: 24_000, claimingAge: 67 },
          { person: 'spouse', benefitAtFullRetirementAge: 12_000, claimingAge: 62 },
        ],
        taxes: { model: false },
      }),
      0.6,
      0,
    );
    const result = runCashflow(cashflowPlanOf(h), flatMarket(10, 1), { detail: true });
    // With no growth: 500,000 − 2 × 51,600 − 8 × 27,600 = 176,000.
    expect(result.balance.at(-1)!.p50).toBeCloseTo(176_000, 6);
    expect(result.successProbability).toBe(1);
    expect(result.spending.map((band) => band.p50)).toEqual(Array(10).fill(60_000));
  });

  it('lets a pension without COLA lose real value with inflation and keeps a COLA pension level', () => {
    // 3% inflation, no real growth: a 12,000 fixed pension is worth 12,000 / 1.03^t in year t.
    const years = 5;
    const plan = basePlan(years, {
      roth: 1_000_000,
      spending: 50_000,
      incomeNominal: new Float64Array(years).fill(12_000),
      incomeReal: new Float64Array(years).fill(6_000),
      incomeRealTaxable: new Float64Array(years).fill(6_000),
    });
    const result = runCashflow(plan, flatMarket(years, 1, 0.03), { detail: true });
    let expected = 1_000_000;
    for (let t = 0; t < years; t++) expected -= 50_000 - 6_000 - 12_000 / 1.03 ** t;
    expect(result.balance.at(-1)!.p50).toBeCloseTo(expected, 4);
  });

  it('keeps goals.otherIncome working as income from retirement', () => {
    const h = householdOf(snapshot({ otherIncome: 20_000, taxes: { model: false } }), 0.6, 0);
    const plan = cashflowPlanOf(h);
    expect(Array.from(plan.incomeReal)).toEqual(Array(10).fill(20_000));
    const result = runCashflow(plan, flatMarket(10, 1), { detail: true });
    expect(result.balance.at(-1)!.p50).toBeCloseTo(500_000 - 10 * 40_000, 6);
  });
});

describe('filing status', () => {
  it('files a household without a spouse as single and says why; a spouse files jointly without the note', () => {
    const single = householdOf(snapshot({}), 0.6, 0).tax.description;
    expect(single).toContain('single (brackets');
    expect(single).toContain('single because the file names no spouse (goals.spouse with a birthYear files jointly)');
    const joint = householdOf(snapshot({ spouse: { birthYear: 1964 } }), 0.6, 0).tax.description;
    expect(joint).toContain('married joint');
    expect(joint).not.toContain('names no spouse');
  });
});

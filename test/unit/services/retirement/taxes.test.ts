import { describe, expect, it } from 'vitest';
import { runCashflow } from '#services/retirement/cashflow.ts';
import { rmdDivisor, rmdStartAge } from '#services/retirement/rmd.ts';
import {
  deductionFor,
  effectiveRateSchedule,
  federalSchedule,
  TAXABLE_SOCIAL_SECURITY_SHARE,
  taxOn,
} from '#services/retirement/taxes.ts';
import { basePlan, flatMarket } from './planning-support.ts';

describe('federal tax, 2025 tables', () => {
  it('taxes a married couple over 65 by hand: $40,000 Social Security, $60,000 from the IRA, $50,000 of gains', () => {
    // Deduction 31,500 + 2 × 1,600 = 34,700. Ordinary 0.85 × 40,000 + 60,000 = 94,000, taxable 59,300:
    // 10% × 23,850 + 12% × 35,450 = 2,385 + 4,254 = 6,639. Gains stacked from 59,300 to 109,300:
    // 37,400 at 0% below 96,700, 12,600 at 15% = 1,890. Total 8,529.
    const schedule = federalSchedule('married_joint');
    const deduction = deductionFor(schedule, 2);
    expect(deduction).toBe(34_700);
    const ordinary = TAXABLE_SOCIAL_SECURITY_SHARE * 40_000 + 60_000;
    expect(taxOn(schedule, ordinary, 0, deduction)).toBeCloseTo(6_639, 6);
    expect(taxOn(schedule, ordinary, 50_000, deduction)).toBeCloseTo(8_529, 6);
  });

  it('taxes a single filer’s $120,000 by hand through four brackets: $17,867', () => {
    // Taxable 104,250: 1,192.50 + 4,386 + 12,072.50 + 216.
    expect(taxOn(federalSchedule('single'), 120_000, 0, deductionFor(federalSchedule('single'), 0))).toBeCloseTo(
      17_867,
      6,
    );
  });

  it('lets an unused deduction shelter gains, and taxes nothing below it', () => {
    const single = federalSchedule('single');
    expect(taxOn(single, 10_000, 5_000, 15_750)).toBe(0);
    // 10,000 of deduction left after 5,750 of ordinary income; 60,000 − 10,000 = 50,000 gains:
    // 48,350 at 0%, 1,650 at 15% = 247.50.
    expect(taxOn(single, 5_750, 60_000, 15_750)).toBeCloseTo(247.5, 6);
  });

  it('applies a stated effective rate to ordinary income and its own rate to gains', () => {
    expect(taxOn(effectiveRateSchedule(0.2, 0.15), 50_000, 10_000, 0)).toBeCloseTo(11_500, 6);
  });
});

describe('required minimum distributions', () => {
  it.each([
    [1950, 72],
    [1951, 73],
    [1959, 73],
    [1960, 75],
    [1979, 75],
  ])('starts at the SECURE 2.0 age for a %i birth: %i', (birthYear, age) => {
    expect(rmdStartAge(birthYear)).toBe(age);
  });

  it.each([
    [72, 27.4],
    [73, 26.5],
    [75, 24.6],
    [80, 20.2],
    [90, 12.2],
    [100, 6.4],
    [120, 2.0],
    [125, 2.0],
  ])('uses the Uniform Lifetime Table divisor at %i: %f', (age, divisor) => {
    expect(rmdDivisor(age)).toBe(divisor);
  });
});

describe('taxes by account type in the engine', () => {
  it('grosses a pre-tax withdrawal up so $60,000 is left after tax: $65,960.26 for a single filer under 65', () => {
    // In the 22% bracket: W − (1,192.50 + 4,386 + 0.22 (W − 15,750 − 48,475)) = 60,000 → W = 51,449 / 0.78.
    const plan = basePlan(1, {
      preTax: 1_000_000,
      spending: 60_000,
      tax: federalSchedule('single'),
      deductions: new Float64Array([15_750]),
    });
    const result = runCashflow(plan, flatMarket(1, 1), { detail: true });
    expect(result.spending[0]!.p50).toBeCloseTo(60_000, 1);
    expect(result.balance.at(-1)!.p50).toBeCloseTo(1_000_000 - 51_449 / 0.78, 1);
    expect(result.medianLifetimeTax).toBeCloseTo(51_449 / 0.78 - 60_000, 1);
  });

  it('takes Roth money tax-free', () => {
    const plan = basePlan(1, { roth: 500_000, spending: 50_000, tax: federalSchedule('single') });
    const result = runCashflow(plan, flatMarket(1, 1), { detail: true });
    expect(result.balance.at(-1)!.p50).toBeCloseTo(450_000, 6);
    expect(result.medianLifetimeTax).toBe(0);
  });

  it('taxes only the gain share of a taxable sale: half gain at 15% needs 100,000 / 0.925', () => {
    const plan = basePlan(1, {
      taxable: 1_000_000,
      taxableBasis: 500_000,
      spending: 100_000,
      tax: effectiveRateSchedule(0.2, 0.15),
    });
    const result = runCashflow(plan, flatMarket(1, 1), { detail: true });
    expect(result.balance.at(-1)!.p50).toBeCloseTo(1_000_000 - 100_000 / 0.925, 2);
  });

  it('follows the stated order: pre-tax before taxable when told so', () => {
    const plan = basePlan(1, {
      taxable: 100_000,
      taxableBasis: 100_000,
      preTax: 100_000,
      spending: 10_000,
      tax: effectiveRateSchedule(0.2, 0.15),
      order: ['pre_tax', 'taxable', 'roth'],
    });
    const result = runCashflow(plan, flatMarket(1, 1), { detail: true });
    // 10,000 / 0.8 = 12,500 from pre-tax; the taxable account is untouched.
    expect(result.balance.at(-1)!.p50).toBeCloseTo(200_000 - 12_500, 2);
    expect(result.medianLifetimeTax).toBeCloseTo(2_500, 2);
  });

  it('forces the RMD out at 75 (500,000 / 24.6), taxes it and reinvests what is not spent', () => {
    // Single, 65+: deduction 15,750 + 2,000 = 17,750; RMD 20,325.20; tax 10% × 2,575.20 = 257.52.
    const rmd = 500_000 / 24.6;
    const plan = basePlan(1, {
      preTax: 500_000,
      spending: 0,
      tax: federalSchedule('single'),
      deductions: new Float64Array([17_750]),
      rmdFractions: new Float64Array([1 / 24.6]),
    });
    const result = runCashflow(plan, flatMarket(1, 1), { detail: true });
    const tax = 0.1 * (rmd - 17_750);
    expect(result.medianLifetimeTax).toBeCloseTo(tax, 6);
    expect(result.balance.at(-1)!.p50).toBeCloseTo(500_000 - tax, 6);
  });
});

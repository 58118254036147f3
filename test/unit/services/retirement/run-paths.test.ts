/**
 * The cash-flow engine driven directly: resolvePlan's defaults and refusals, and runPaths on a
 * few paths whose growth factors the test chooses, so every balance, band, count and the
 * sustainable withdrawal can be worked out by hand (each worked figure is in a comment).
 */
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '#events/errors.ts';
import { type GrowthSource, type RetirementPlan, resolvePlan, runPaths } from '#services/retirement/engine.ts';

/** A growth source from a table: growth[path][year]. */
function table(growth: number[][]): GrowthSource {
  return (year, out) => {
    growth.forEach((path, i) => {
      out[i] = path[year]!;
    });
  };
}

const base: RetirementPlan = {
  initialBalance: 100,
  allocation: { equity: 1 },
  withdrawalYears: 1,
  annualWithdrawal: 0,
};

describe('resolvePlan', () => {
  it('fills the documented defaults and normalises the weights in asset-class order', () => {
    const resolved = resolvePlan({
      initialBalance: 1_000,
      allocation: { cash: 0.2, equity: 0.6, fixed_income: 0.2004 },
      withdrawalYears: 3,
      withdrawalRate: 0.05,
    });
    // 0.6 + 0.2004 + 0.2 = 1.0004, within the 0.0005 tolerance; each weight is divided by it.
    const expected = [0.6 / 1.0004, 0.2004 / 1.0004, 0, 0, 0.2 / 1.0004];
    resolved.weights.forEach((weight, index) => expect(weight).toBeCloseTo(expected[index]!, 12));
    expect(resolved.weights).toHaveLength(5);
    expect(resolved).toMatchObject({
      initialBalance: 1_000,
      accumulationYears: 0,
      annualContribution: 0,
      withdrawalYears: 3,
      firstYearWithdrawal: 50, // 5% of 1,000
      targetSuccess: 0.9,
      withdrawalTiming: 'start',
      annualFee: 0,
      singleStocks: [],
      years: 3,
    });
  });

  it('takes a stated withdrawal as is, and none at all when there are no withdrawal years', () => {
    expect(resolvePlan({ ...base, annualWithdrawal: 1_234 }).firstYearWithdrawal).toBe(1_234);
    const saver = resolvePlan({ ...base, accumulationYears: 5, withdrawalYears: 0, annualWithdrawal: 1_234 });
    expect(saver.firstYearWithdrawal).toBe(0);
    expect(saver.years).toBe(5);
  });

  it('accepts the limits it documents', () => {
    expect(() => resolvePlan({ ...base, allocation: { equity: 0.5, cash: 0.5005 } })).not.toThrow();
    expect(() => resolvePlan({ ...base, allocation: { equity: 0.5, cash: 0.4995 } })).not.toThrow();
    expect(() => resolvePlan({ ...base, accumulationYears: 150, withdrawalYears: 150 })).not.toThrow();
    expect(() => resolvePlan({ ...base, annualWithdrawal: undefined, withdrawalRate: 1 })).not.toThrow();
    expect(() => resolvePlan({ ...base, targetSuccess: 1, annualFee: 0.1 })).not.toThrow();
    expect(() => resolvePlan({ ...base, targetSuccess: 0.5, withdrawalTiming: 'start' })).not.toThrow();
    expect(() =>
      resolvePlan({ ...base, singleStocks: [{ symbol: 'X', fraction: 0.5, volatility: 0.3 }] }),
    ).not.toThrow();
    const stock = { symbol: 'X', fraction: 1, volatility: 3 };
    expect(() => resolvePlan({ ...base, singleStocks: [stock] })).not.toThrow();
  });

  it('refuses each mistake with the field and what is wanted', () => {
    const refusals: [Partial<RetirementPlan>, string][] = [
      [{ allocation: { equity: 0.5, cash: 0.5006 } }, 'plan.allocation: fractions must sum to 1 (they sum to 1.0006)'],
      [{ allocation: { equity: 1.2 } }, 'plan.allocation.equity: must be a fraction between 0 and 1 (0.6 = 60%)'],
      [{ accumulationYears: 151 }, 'plan.accumulationYears:'],
      [{ withdrawalYears: 151 }, 'plan.withdrawalYears:'],
      [{ initialBalance: -1 }, 'plan.initialBalance:'],
      [{ targetSuccess: 0 }, 'plan.targetSuccess:'],
      [{ targetSuccess: 1.5 }, 'plan.targetSuccess:'],
      [{ singleStocks: [{ symbol: 'X', fraction: 1.5, volatility: 0.3 }] }, 'plan.singleStocks[0].fraction:'],
      [{ annualWithdrawal: undefined, withdrawalRate: 1.5 }, 'plan.withdrawalRate: must be a fraction (0.04 = 4%)'],
      [{ annualFee: 0.11 }, 'plan.annualFee: must be a yearly fraction (0.002 = 0.2%)'],
      [{ withdrawalTiming: 'end' as 'start' }, 'plan.withdrawalTiming:'],
      [
        { singleStocks: [{ symbol: 'X', fraction: 0.5, volatility: 3.5 }] },
        'plan.singleStocks[0].volatility: must be a yearly fraction (0.35 = 35%)',
      ],
      [{ withdrawalYears: 0 }, 'plan.withdrawalYears: the plan must cover at least one year'],
      [{ withdrawalRate: 0.04 }, 'plan.withdrawalRate: give either annualWithdrawal or withdrawalRate, not both'],
      [
        { annualWithdrawal: undefined },
        'plan.annualWithdrawal: required (or withdrawalRate) when there are withdrawal years',
      ],
    ];
    for (const [change, message] of refusals) {
      const attempt = () => resolvePlan({ ...base, ...change }, 'plan');
      expect(attempt, message).toThrow(InvalidInputError);
      expect(attempt, message).toThrow(message);
    }
  });

  it('names "options" when the caller does not say what it checked', () => {
    expect(() => resolvePlan({ ...base, initialBalance: -1 })).toThrow(/^options\.initialBalance:/);
  });
});

describe('runPaths on chosen growth', () => {
  // 100 saved, 10 contributed in the one accumulation year, then 50 withdrawn in each of two years.
  const plan = resolvePlan({
    initialBalance: 100,
    allocation: { equity: 1 },
    accumulationYears: 1,
    annualContribution: 10,
    withdrawalYears: 2,
    annualWithdrawal: 50,
  });
  // path 0: 110 → 60 → 10; path 1: 55 → 5 → runs dry in its second withdrawal year; path 2: 220 → 170 → 120.
  const growth = table([
    [1, 1, 1],
    [0.5, 1, 1],
    [2, 1, 1],
  ]);

  it('contributes then withdraws at the start of each year, and counts the paths that last', () => {
    const result = runPaths(plan, 3, growth);
    expect(result.paths).toBe(3);
    expect(result.years).toBe(3);
    expect(result.successProbability).toBeCloseTo(2 / 3, 12);
    expect(result.firstYearWithdrawal).toBe(50);
    expect(result.targetSuccess).toBe(0.9);
  });

  it('gives type-7 percentile bands of the balances, today included', () => {
    const { bands, medianEndingValue, p10EndingValue } = runPaths(plan, 3, growth);
    expect(bands).toHaveLength(4);
    expect(bands[0]).toEqual({ yearIndex: 0, p10: 100, p25: 100, p50: 100, p75: 100, p90: 100 });
    // Year 1 sorted 55, 110, 220; h = 2p: p10 = 55 + 0.2·55, p25 = 55 + 0.5·55, p75 = 110 + 0.5·110, p90 = 110 + 0.8·110.
    expect(bands[1]!.yearIndex).toBe(1);
    expect(bands[1]!.p10).toBeCloseTo(66, 9);
    expect(bands[1]!.p25).toBeCloseTo(82.5, 9);
    expect(bands[1]!.p50).toBeCloseTo(110, 9);
    expect(bands[1]!.p75).toBeCloseTo(165, 9);
    expect(bands[1]!.p90).toBeCloseTo(198, 9);
    // Year 2 sorted 5, 60, 170; year 3 sorted 0, 10, 120.
    expect(bands[2]!.p50).toBeCloseTo(60, 9);
    expect(bands[2]!.p10).toBeCloseTo(16, 9);
    expect(bands[3]!.yearIndex).toBe(3);
    expect(medianEndingValue).toBeCloseTo(10, 9);
    expect(p10EndingValue).toBeCloseTo(2, 9);
  });

  it('records the withdrawal years each path paid in full, and their 10th percentile', () => {
    // Paid in full: 2, 1, 2 → sorted 1, 2, 2 → p10 = 1 + 0.2·1.
    expect(runPaths(plan, 3, growth).fundedYearsP10).toBeCloseTo(1.2, 12);
  });

  it('finds the sustainable withdrawal as an order statistic of balance over unit withdrawals', () => {
    // Without withdrawals the paths hold 110, 55, 220 from retirement on; a unit withdrawn in each
    // of the two years at growth 1 costs 2. Their maxima are 55, 27.5, 110.
    const all = runPaths(plan, 3, growth); // 90% of 3 paths → all 3 must last → the smallest
    expect(all.sustainableWithdrawal).toBeCloseTo(27.5, 9);
    expect(all.sustainableWithdrawalRate).toBeCloseTo(0.275, 12);
    const twoOfThree = runPaths({ ...plan, targetSuccess: 2 / 3 }, 3, growth); // 2 of 3 → the middle one
    expect(twoOfThree.sustainableWithdrawal).toBeCloseTo(55, 9);
    const one = runPaths({ ...plan, targetSuccess: 0.3 }, 3, growth); // 1 of 3 → the largest
    expect(one.sustainableWithdrawal).toBeCloseTo(110, 9);
  });

  it('keeps the year a path first ran dry, though later years fail too', () => {
    const early = resolvePlan({ ...base, withdrawalYears: 4, annualWithdrawal: 60 });
    // 100 → 40 → dry in the second withdrawal year (index 1); years 3 and 4 are not paid either.
    const result = runPaths(early, 1, table([[1, 1, 1, 1]]));
    expect(result.fundedYearsP10).toBe(1);
    expect(result.successProbability).toBe(0);
    expect(result.medianEndingValue).toBe(0);
  });

  it('counts a path that pays everything but ends with nothing as failed', () => {
    // 100 − 10 = 90, then a total loss: every withdrawal was paid, the balance is 0.
    const wiped = resolvePlan({ ...base, withdrawalYears: 1, annualWithdrawal: 10 });
    const result = runPaths(wiped, 1, table([[0]]));
    expect(result.fundedYearsP10).toBe(1);
    expect(result.successProbability).toBe(0);
    // After a total loss no withdrawal is sustainable.
    expect(result.sustainableWithdrawal).toBe(0);
  });

  it('does not call a zero withdrawal from an empty portfolio a shortfall', () => {
    const empty = resolvePlan({ ...base, initialBalance: 0, withdrawalYears: 2, annualWithdrawal: 0 });
    const result = runPaths(empty, 1, table([[1, 1]]));
    expect(result.fundedYearsP10).toBe(2);
    expect(result.successProbability).toBe(0); // nothing left is not success
    expect(result.sustainableWithdrawal).toBe(0);
    expect(result.sustainableWithdrawalRate).toBeNull(); // no rate of a zero balance
  });

  it('has no sustainable withdrawal when the plan has no withdrawal years', () => {
    const saver = resolvePlan({ ...base, accumulationYears: 2, withdrawalYears: 0, annualContribution: 5 });
    const result = runPaths(saver, 1, table([[2, 2]]));
    // (100 + 5)·2 = 210; (210 + 5)·2 = 430
    expect(result.medianEndingValue).toBe(430);
    expect(result.successProbability).toBe(1);
    expect(result.sustainableWithdrawal).toBeNull();
    expect(result.sustainableWithdrawalRate).toBeNull();
  });

  it('takes the fund fee out of every year’s growth, saving and withdrawing', () => {
    const feePlan = resolvePlan({
      ...base,
      accumulationYears: 1,
      withdrawalYears: 1,
      annualWithdrawal: 10,
      annualFee: 0.1,
    });
    // Growth 1 less a 10% fee is 0.9: 100·0.9 = 90, then (90 − 10)·0.9 = 72.
    const result = runPaths(feePlan, 1, table([[1, 1]]));
    expect(result.bands[1]!.p50).toBeCloseTo(90, 9);
    expect(result.medianEndingValue).toBeCloseTo(72, 9);
    // Without withdrawals 100·0.81 = 81; a unit withdrawn at the start of the last year costs 0.9.
    expect(result.sustainableWithdrawal).toBeCloseTo(90, 9);
  });

  it('takes a mid-year withdrawal after half the year’s growth', () => {
    const middle = resolvePlan({ ...base, withdrawalYears: 2, annualWithdrawal: 10, withdrawalTiming: 'middle' });
    // Growth 4, half-year growth 2: (100·2 − 10)·2 = 380, then (380·2 − 10)·2 = 1,500.
    const result = runPaths(middle, 1, table([[4, 4]]));
    expect(result.bands[1]!.p50).toBeCloseTo(380, 9);
    expect(result.medianEndingValue).toBeCloseTo(1_500, 9);
    expect(result.successProbability).toBe(1);
    // Without withdrawals 100·16 = 1,600; a unit a year costs 2·4 + 2 = 10 by the end: 160.
    expect(result.sustainableWithdrawal).toBeCloseTo(160, 9);
  });

  it('runs a mid-year path dry when half a year’s growth cannot pay the withdrawal', () => {
    const middle = resolvePlan({ ...base, withdrawalYears: 3, annualWithdrawal: 250, withdrawalTiming: 'middle' });
    // 100·2 = 200 < 250 in the first year: nothing paid in full, nothing left, and it stays so.
    const result = runPaths(middle, 1, table([[4, 4, 4]]));
    expect(result.fundedYearsP10).toBe(0);
    expect(result.bands[1]!.p50).toBe(0);
    expect(result.medianEndingValue).toBe(0);
    expect(result.successProbability).toBe(0);
  });

  it('picks the sustainable withdrawal among many paths by its rank', () => {
    // Two withdrawal years; growth g then 1: without withdrawals 100·g, a unit a year costs g + 1,
    // so path g can pay 100·g/(g + 1): 50, 66.67, 75, 80, 83.33, 85.71, 87.5, 88.89, 90 for g = 1…9.
    const order = [7, 3, 9, 1, 5, 8, 2, 6, 4];
    const source = table(order.map((g) => [g, 1]));
    const plan2 = resolvePlan({ ...base, withdrawalYears: 2, annualWithdrawal: 1 });
    const at = (targetSuccess: number) => runPaths({ ...plan2, targetSuccess }, 9, source).sustainableWithdrawal;
    expect(at(0.9)).toBeCloseTo(50, 9); // all 9 must last: the smallest
    expect(at(0.5)).toBeCloseTo(500 / 6, 9); // 5 of 9: the fifth largest, g = 5
    expect(at(0.2)).toBeCloseTo(800 / 9, 9); // 2 of 9: the second largest, g = 8
  });

  it('counts a withdrawal that leaves exactly nothing as running dry, at the start of the year or mid-year', () => {
    // 100 − 100 = 0 in the first withdrawal year: that year is not counted as paid in full.
    const start = resolvePlan({ ...base, withdrawalYears: 2, annualWithdrawal: 100 });
    expect(runPaths(start, 1, table([[1, 1]])).fundedYearsP10).toBe(0);
    // Mid-year: 100·√4 − 200 = 0.
    const middle = resolvePlan({ ...base, withdrawalYears: 2, annualWithdrawal: 200, withdrawalTiming: 'middle' });
    expect(runPaths(middle, 1, table([[4, 4]])).fundedYearsP10).toBe(0);
  });

  it('counts the years a mid-year path paid from the start of withdrawals, not of the plan', () => {
    // One saving year (100 → 100), then 60 a year mid-year at growth 1: 40, then dry in withdrawal year 2.
    const middle = resolvePlan({
      ...base,
      accumulationYears: 1,
      withdrawalYears: 3,
      annualWithdrawal: 60,
      withdrawalTiming: 'middle',
    });
    expect(runPaths(middle, 1, table([[1, 1, 1, 1]])).fundedYearsP10).toBe(1);
  });

  it('does not call a zero mid-year withdrawal from an empty portfolio a shortfall', () => {
    const empty = resolvePlan({
      ...base,
      initialBalance: 0,
      withdrawalYears: 2,
      annualWithdrawal: 0,
      withdrawalTiming: 'middle',
    });
    expect(runPaths(empty, 1, table([[1, 1]])).fundedYearsP10).toBe(2);
  });

  it('refuses a path count that is not a positive whole number', () => {
    for (const paths of [0, -1, 1.5]) {
      expect(() => runPaths(plan, paths, growth)).toThrow(InvalidInputError);
      expect(() => runPaths(plan, paths, growth)).toThrow(`paths: must be a positive integer, got ${paths}`);
    }
  });
});

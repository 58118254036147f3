import { describe, expect, it } from 'vitest';
import { AnalysisPlanned } from '#events/catalog.ts';
import { RetirementResult, Snapshot } from '#events/values.ts';
import { portfolioAllocation, projectRetirement } from '#services/retirement/domain.ts';

const instrument = (symbol: string, assetClass: Record<string, number>) => ({
  symbol,
  name: symbol,
  instrumentType: 'etf' as const,
  assetClass,
  regions: { north_america: 100 },
  sectors: { other: 100 },
  source: 'reference' as const,
  rationale: 'test',
});
const position = (symbol: string, value: number) => ({
  accountId: 'ira',
  symbol,
  quantity: 1,
  price: value > 0 ? value : null,
  priceSource: value > 0 ? ('portfolio' as const) : ('missing' as const),
  value,
});

const household = Snapshot.parse({
  userId: 'household-7',
  asOf: '2026-11-21T09:30:00.000Z',
  currency: 'USD',
  owner: { name: 'Ana', birthYear: 1966 }, // 60 in 2026
  goals: {
    retirementAge: 65,
    lifeExpectancy: 95,
    annualContribution: 15_000,
    annualSpending: 70_000,
    otherIncome: 30_000,
  },
  accounts: [{ id: 'ira', name: 'IRA', type: 'traditional_ira', cash: 5_000 }],
  positions: [
    position('VTI', 60_000),
    position('BND', 30_000),
    position('VBIAX', 10_000),
    position('XYZ', 5_000),
    position('GONE', 0),
  ],
  instruments: [
    instrument('VTI', { equity: 100 }),
    instrument('BND', { fixed_income: 100 }),
    instrument('VBIAX', { equity: 60, fixed_income: 40 }),
  ],
});

describe('portfolioAllocation', () => {
  it('looks through each instrument, counts cash as cash and keeps unclassified holdings apart', () => {
    const allocation = portfolioAllocation(household);
    // equity 60k + 6k = 66k; fixed income 30k + 4k = 34k; cash 5k; XYZ 5k unclassified; total 110k.
    expect(allocation.startingBalance).toBe(110_000);
    expect(allocation.fractions.equity).toBeCloseTo(66 / 110, 12);
    expect(allocation.fractions.fixed_income).toBeCloseTo(34 / 110, 12);
    expect(allocation.fractions.cash).toBeCloseTo(5 / 110, 12);
    expect(allocation.unclassifiedFraction).toBeCloseTo(5 / 110, 12);
    expect(allocation.unclassified).toEqual(['XYZ']);
    expect(allocation.unpriced).toEqual(['GONE']);
  });
});

describe('projectRetirement', () => {
  it('is valid against the RetirementResult schema, with bands by calendar year and age', () => {
    const result = projectRetirement(household);
    expect(RetirementResult.safeParse(result).success).toBe(true);
    expect(result.method).toBe('monte-carlo');
    expect(result.paths).toBe(10_000);
    // Age 60 in 2026 to life expectancy 95: 35 years, 36 points including today.
    expect(result.bands).toHaveLength(36);
    expect(result.bands[0]).toMatchObject({ year: 2026, age: 60, p10: 110_000, p90: 110_000 });
    expect(result.bands[35]).toMatchObject({ year: 2061, age: 95 });
    expect(result.medianEndingValue).toBe(result.bands[35]!.p50);
    expect(result.p10EndingValue).toBe(result.bands[35]!.p10);
  });

  it('records every input it used', () => {
    const { assumptions } = projectRetirement(household);
    expect(assumptions).toMatchObject({
      valuesIn: expect.stringMatching(/today’s/),
      currentAge: 60,
      accumulationYears: 5,
      withdrawalYears: 30,
      startingBalance: 110_000,
      annualContribution: 15_000,
      firstYearWithdrawal: 40_000, // 70,000 spending − 30,000 other income
      // XYZ (5k, unclassified) read both ways; this household's lower success puts it in equity.
      'allocationPercent.equity': 64.55,
      'allocationPercent.fixed_income': 30.91,
      'allocationPercent.cash': 4.55,
      seed: expect.any(Number),
      paths: 10_000,
      inflation: expect.any(Number),
      'expectedReturn.equity': expect.any(Number),
      'volatility.fixed_income': expect.any(Number),
      unclassified: expect.stringContaining('XYZ'),
      unpricedPositions: expect.stringContaining('GONE'),
      fundedYearsP10: expect.any(Number),
      sustainableWithdrawalRateBasis: 'first-year withdrawal ÷ median projected balance at retirement',
    });
  });

  it('states how long the money lasts in bad cases and the withdrawal that reaches 90% success', () => {
    const result = projectRetirement(household);
    const atRetirement = result.bands.find((band) => band.age === 65)!;
    expect(result.moneyLastsToAgeP10).toBeGreaterThan(65);
    expect(result.moneyLastsToAgeP10).toBeLessThanOrEqual(95);
    expect(result.sustainableWithdrawal).toBeGreaterThan(0);
    expect(result.sustainableSpending).toBe(result.sustainableWithdrawal! + 30_000);
    // Not retired yet: the rate is of the median balance projected for retirement day.
    expect(result.sustainableWithdrawalRate).toBeCloseTo(result.sustainableWithdrawal! / atRetirement.p50, 4);
    // Withdrawing exactly that amount succeeds in at least 90% of the same paths.
    const asked = { ...household, goals: { ...household.goals, annualSpending: result.sustainableSpending! - 1 } };
    expect(projectRetirement(asked).successProbability).toBeGreaterThanOrEqual(0.9);
  });

  it('uses market assumptions the household states, and records them', () => {
    const stated = {
      ...household,
      goals: {
        ...household.goals,
        marketAssumptions: { expectedReturn: { equity: 0.05 }, volatility: { equity: 0.25 } },
      },
    };
    const result = projectRetirement(stated);
    expect(result.assumptions['expectedReturn.equity']).toBe(0.05);
    expect(result.assumptions['volatility.equity']).toBe(0.25);
    expect(String(result.assumptions.marketAssumptionsSource)).toMatch(
      /stated by the user: expected return of equity, volatility of equity/,
    );
    // Lower return and higher risk for equity than the forward set: less is sustainable.
    const forward = result.outlook!.scenarios.find((s) => s.id === 'forward')!;
    const own = result.outlook!.scenarios.find((s) => s.id === 'stated')!;
    expect(result.outlook!.primary).toBe('stated');
    expect(own.sustainableSpending!).toBeLessThan(forward.sustainableSpending!);
  });

  it('is deterministic by default and follows an explicit seed', () => {
    const first = projectRetirement(household);
    expect(projectRetirement(household)).toEqual(first);
    expect(projectRetirement(household, { seed: 5, paths: 2_000 }).bands[5]!.p50).not.toBe(first.bands[5]!.p50);
  });

  it('projects with history: one path per rolling 35-year period of 1928–2024', () => {
    const result = projectRetirement(household, { method: 'historical' });
    expect(RetirementResult.safeParse(result).success).toBe(true);
    expect(result.paths).toBe(97 - 35 + 1);
    expect(result.assumptions.method).toBe('historical');
  });

  it('a retiree already past retirement age withdraws from today', () => {
    const retired = {
      ...household,
      owner: { name: 'Ana', birthYear: 1956 },
      goals: { ...household.goals, annualSpending: 40_000 },
    };
    const result = projectRetirement(retired);
    expect(result.assumptions).toMatchObject({
      currentAge: 70,
      accumulationYears: 0,
      withdrawalYears: 25,
      firstYearWithdrawal: 10_000,
    });
    expect(result.bands).toHaveLength(26);
    // Retired now: the sustainable withdrawal is a rate of today's balance.
    expect(result.sustainableWithdrawalRate).toBeCloseTo(result.sustainableWithdrawal! / 110_000, 4);
  });

  it('projects the catalog example snapshot', () => {
    const snapshot = Snapshot.parse(AnalysisPlanned.example.snapshot);
    const result = projectRetirement(snapshot, { paths: 1_000 });
    expect(RetirementResult.safeParse(result).success).toBe(true);
    expect(result.assumptions.startingBalance).toBe(30_250);
    expect(result.assumptions['allocationPercent.equity']).toBe(96.03);
  });

  it('refuses projections that cannot be made, naming the field', () => {
    const noRetirement = { ...household, goals: { ...household.goals, retirementAge: 90, lifeExpectancy: 90 } };
    expect(() => projectRetirement(noRetirement)).toThrow(/goals\.retirementAge: must be below goals\.lifeExpectancy/);
    const tooOld = { ...household, owner: { name: 'Ana', birthYear: 1920 } };
    expect(() => projectRetirement(tooOld)).toThrow(
      /goals\.lifeExpectancy: must be above the owner's current age \(106/,
    );
    const empty = { ...household, accounts: [], positions: [], goals: { ...household.goals, annualContribution: 0 } };
    expect(() => projectRetirement(empty)).toThrow(
      expect.objectContaining({ name: 'DomainRefusal', code: 'NothingToProject' }),
    );
  });
});

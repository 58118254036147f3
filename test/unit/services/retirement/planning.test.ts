/**
 * The planning view of a projection: both methods under every assumption set, the failing
 * historical years (checked by an independent year-by-year script on the vendored CSV), the
 * sensitivity table and the 90% spending, and the example household's income and taxes.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { RetirementResult, Snapshot } from '#events/values.ts';
import { projectRetirement } from '#services/retirement/domain.ts';
import { exampleSnapshot } from '#test/support/example-snapshot.ts';

const retiree = (goals: Record<string, unknown>) =>
  Snapshot.parse({
    userId: 'household-plan',
    asOf: '2026-06-01T00:00:00.000Z',
    currency: 'USD',
    owner: { name: 'Ray', birthYear: 1961 }, // 65 in 2026
    goals: { retirementAge: 65, lifeExpectancy: 95, annualSpending: 50_000, ...goals },
    accounts: [{ id: 'roth', name: 'Roth IRA', type: 'roth_ira', cash: 0 }],
    positions: [
      { accountId: 'roth', symbol: 'BAL', quantity: 1, price: 1_000_000, priceSource: 'portfolio', value: 1_000_000 },
    ],
    instruments: [
      {
        symbol: 'BAL',
        name: 'Balanced 60/40',
        instrumentType: 'etf',
        assetClass: { equity: 60, fixed_income: 40 },
        regions: { north_america: 100 },
        sectors: { other: 100 },
        source: 'reference',
        rationale: 'test',
      },
    ],
  });

/**
 * Independent: each 30-year run of the CSV, 5% of a Roth spent at the start of each year, less
 * the 0.65% a year charged for a fund with no published expense ratio (docs/assumptions.md).
 */
function failingYearsByHand(spending: number, start: number, years: number): number[] {
  const rows = readFileSync(
    new URL('../../../../services/retirement/data/historical-returns.csv', import.meta.url),
    'utf8',
  )
    .trim()
    .split('\n')
    .slice(1)
    .map((line) => line.split(',').map(Number));
  const failing: number[] = [];
  for (let first = 0; first + years <= rows.length; first++) {
    let balance = start;
    let failed = false;
    for (let k = 0; k < years; k++) {
      const [, sp500, , tbond, cpi] = rows[first + k]!;
      if (balance < spending - 0.01) failed = true;
      balance = Math.max(0, balance - spending) * ((1 + 0.6 * sp500! + 0.4 * tbond!) / (1 + cpi!)) * (1 - 0.0065);
    }
    if (failed) failing.push(rows[first]![0]!);
  }
  return failing;
}

describe('the planning view', () => {
  const result = projectRetirement(retiree({ taxes: { model: false } }), { paths: 2_000, gridPaths: 500 });
  const planning = result.planning!;

  it('is valid against the RetirementResult schema and runs under both assumption sets', () => {
    expect(RetirementResult.safeParse(result).success).toBe(true);
    expect(planning.scenarios.map((s) => s.id)).toEqual(['historical', 'forward']);
  });

  it('lists the historical retirement years that fail, as an independent year-by-year run finds them', () => {
    const historical = planning.scenarios[0]!.historical;
    const expected = failingYearsByHand(50_000, 1_000_000, 30);
    expect(expected.length).toBeGreaterThan(0);
    expect(historical.failingRetirementYears).toEqual(expected);
    expect(historical.periods).toBe(97 - 30 + 1);
    expect(historical.successProbability).toBeCloseTo(1 - expected.length / 68, 12);
    expect([historical.firstRetirementYear, historical.lastRetirementYear]).toEqual([1928, 1995]);
  });

  it('fails more often in the sensitivity table as spending rises and less as retirement comes later', () => {
    for (const scenario of planning.scenarios) {
      const { success, retirementAges, spendingChanges } = scenario.sensitivity;
      expect(retirementAges).toEqual([65, 66, 67]); // a retiree of 65 cannot retire earlier
      expect(spendingChanges).toEqual([-0.2, -0.1, 0, 0.1]);
      success.forEach((row, a) => {
        row.forEach((cell, j) => {
          if (j > 0) expect(cell).toBeLessThanOrEqual(row[j - 1]!);
          if (a > 0) expect(cell).toBeGreaterThanOrEqual(success[a - 1]![j]!);
        });
      });
    }
  });

  it('finds a 90% spending below the planned 5% for history and the conservative set alike', () => {
    for (const scenario of planning.scenarios) {
      expect(scenario.spendingFor90Percent).not.toBeNull();
      expect(scenario.spendingFor90Percent!).toBeGreaterThan(25_000);
      expect(scenario.spendingFor90Percent! % 100).toBe(0);
    }
    // The forward set's lower returns support less than the historical record.
    expect(planning.scenarios[1]!.spendingFor90Percent!).toBeLessThan(planning.scenarios[0]!.spendingFor90Percent!);
  });
});

describe('the planning example (examples/retirement-planning.json)', () => {
  const result = projectRetirement(exampleSnapshot('retirement-planning.json'), { paths: 2_000, gridPaths: 300 });
  const planning = result.planning!;

  it('claims Social Security for both spouses and starts the spouse’s pension on the owner’s age line', () => {
    // Spouse born 1981 claims at 65, 24 months before 67: 15,600 × (1 − 24 × 5/9%) = 13,520.
    expect(planning.income).toEqual([
      expect.objectContaining({ startAge: 67, annualAmount: 26_400, cola: true }),
      expect.objectContaining({ startAge: 67, annualAmount: 13_520, cola: true }),
      expect.objectContaining({ startAge: 62, annualAmount: 9_000, cola: false }),
    ]);
  });

  it('shows the strategy, the withdrawal order, the tax table and RMD age as assumptions', () => {
    expect(planning.strategy).toMatchObject({ type: 'guyton-klinger', rate: 0.05 });
    expect(planning.withdrawalOrder).toEqual(['taxable', 'pre_tax', 'roth']);
    expect(planning.taxes).toContain('federal 2025 brackets');
    expect(planning.rmdStartAge).toBe(75);
    expect(planning.notes.join(' ')).toContain('withdrawal order (an assumption): taxable, then pre-tax, then Roth');
    expect(planning.balances.taxableBasis).toBeLessThan(planning.balances.taxable);
  });

  it('reports the spending path, median above the poor case, from retirement to life expectancy', () => {
    const spending = planning.scenarios[0]!.monteCarlo.spending;
    expect(spending[0]!.age).toBe(62);
    expect(spending.at(-1)!.age).toBe(94);
    for (const point of spending) expect(point.median).toBeGreaterThanOrEqual(point.poor);
  });
});

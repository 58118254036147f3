import { describe, expect, it } from 'vitest';
import {
  loadHistoricalReturns,
  parseHistoricalReturns,
  simulateHistorical,
  withdrawalSuccessRate,
} from '#services/retirement/historical.ts';

describe('parseHistoricalReturns', () => {
  it('reads the columns into typed arrays by year', () => {
    const data = parseHistoricalReturns(
      'year,sp500,tbill,tbond,cpi\n2000,0.1,0.05,0.02,0.03\n2001,-0.2,0.04,0.08,0.01\n',
    );
    expect(data.firstYear).toBe(2000);
    expect(data.lastYear).toBe(2001);
    expect([...data.sp500]).toEqual([0.1, -0.2]);
    expect([...data.cpi]).toEqual([0.03, 0.01]);
  });

  it('names the line and column of bad input', () => {
    expect(() => parseHistoricalReturns('year,sp500,tbond\n2000,0.1,0.2')).toThrow(
      /line 1: header must be "year,sp500,tbill,tbond,cpi"/,
    );
    expect(() => parseHistoricalReturns('year,sp500,tbill,tbond,cpi\n2000,0.1,0.05,x,0.03')).toThrow(
      /line 2, column tbond: "x" is not a number/,
    );
    expect(() => parseHistoricalReturns('year,sp500,tbill,tbond,cpi\n2000,0,0,0,0\n2002,0,0,0,0')).toThrow(
      /line 3, column year: expected 2001/,
    );
    expect(() => parseHistoricalReturns('year,sp500,tbill,tbond,cpi\n2000,-1.2,0,0,0')).toThrow(
      /column sp500: -1.2 is a loss of 100% or more/,
    );
  });

  it('loads the vendored Damodaran file: 1928–2024, 97 years', () => {
    const data = loadHistoricalReturns();
    expect(data.firstYear).toBe(1928);
    expect(data.lastYear).toBe(2024);
    expect(data.sp500).toHaveLength(97);
    expect(data.sp500[0]).toBeCloseTo(0.43811155, 8); // 1928, as in the source note's spot check
    expect(data.cpi[96]).toBe(0.0275); // 2024, provisional
  });
});

describe('simulateHistorical', () => {
  const retiree = { initialBalance: 1_000_000, allocation: { equity: 0.6, fixed_income: 0.4 }, withdrawalRate: 0.04 };

  it('runs one path per rolling period: data years − horizon + 1', () => {
    expect(simulateHistorical({ ...retiree, withdrawalYears: 30 }).paths).toBe(97 - 30 + 1);
    expect(simulateHistorical({ ...retiree, withdrawalYears: 30, to: 1995 }).paths).toBe(68 - 30 + 1);
    const window = simulateHistorical({ ...retiree, withdrawalYears: 20, from: 1950, to: 2000 });
    expect(window.paths).toBe(51 - 20 + 1);
    expect(window.assumptions.firstStartYear).toBe(1950);
    expect(window.assumptions.lastStartYear).toBe(1981);
  });

  it('compounds each period from its own start year, in real terms (hand-checked on three years of data)', () => {
    const data = parseHistoricalReturns(
      'year,sp500,tbill,tbond,cpi\n2000,0.10,0,0.02,0\n2001,-0.20,0,0.04,0.10\n2002,0.30,0,0.06,0\n',
    );
    const result = simulateHistorical({
      initialBalance: 1_000,
      allocation: { equity: 1 },
      withdrawalYears: 2,
      annualWithdrawal: 100,
      data,
    });
    // Start 2000: (1000 − 100)·1.10 = 990, then (990 − 100)·0.8/1.1 = 647.27.
    // Start 2001: (1000 − 100)·0.8/1.1 = 654.55, then (654.55 − 100)·1.3 = 720.91.
    expect(result.paths).toBe(2);
    expect(result.bands[2]!.p10).toBeCloseTo(647.27 + 0.1 * (720.91 - 647.27), 2);
    expect(result.medianEndingValue).toBeCloseTo((647.2727 + 720.9091) / 2, 3);
    expect(result.bands[1]!.p50).toBeCloseTo((990 + 654.5455) / 2, 3);
    expect(result.successProbability).toBe(1);
  });

  it('rejects a window outside the data or too short for the plan', () => {
    expect(() => simulateHistorical({ ...retiree, withdrawalYears: 30, from: 1900 })).toThrow(
      /options\.from: must be within the data, 1928–2024/,
    );
    expect(() => simulateHistorical({ ...retiree, withdrawalYears: 30, from: 2000 })).toThrow(
      /needs 30 consecutive years .* 2000–2024 holds only 25/,
    );
  });
});

/**
 * Cooley, Hubbard & Walz (the Trinity study): inflation-adjusted withdrawals, published success
 * rates (withdrawal-studies.json, /work/shared/data): the 1998 paper's Table 3 (data 1926–1995,
 * reproduced here with data to 1995) and the 2011 update (data 1926–2009, here to 2009).
 *
 * Our data and conventions differ, all in the direction of lower success:
 * - bonds are 10-year Treasuries (4.8% a year 1928–1995), not long-term high-grade corporates
 *   (5.7% 1926–1995 in the paper), so bond-heavy mixes and high rates suffer most;
 * - withdrawals are annual at the start of each year, not monthly: money leaves earlier;
 * - data start in 1928, not 1926, so the strong 1926–27 markets are missing (S&P 9.9% a year
 *   1928–1995 against 10.5% 1926–1995) and there are two fewer periods.
 * Within TOLERANCE we reproduce the table where those effects are small; larger gaps are listed
 * below with our figure, not hidden behind a wider tolerance.
 */
describe('withdrawalSuccessRate reproduces the Trinity study', () => {
  const TOLERANCE = 5; // percentage points
  type Case = [stocks: number, years: number, ratePercent: number, to: 1995 | 2009, published: number];
  const close: Case[] = [
    [100, 30, 4, 1995, 95],
    [75, 30, 4, 1995, 98],
    [50, 30, 4, 1995, 95],
    [100, 30, 3, 1995, 100],
    [100, 30, 6, 1995, 68],
    [100, 20, 5, 1995, 88],
    [75, 20, 5, 1995, 90],
    [50, 20, 5, 1995, 90],
    [100, 15, 6, 1995, 91],
    [75, 15, 6, 1995, 95],
    [50, 15, 6, 1995, 93],
    [100, 15, 7, 1995, 79],
    [50, 15, 7, 1995, 79],
    [50, 30, 4, 2009, 96],
    [100, 25, 4, 2009, 100],
    [100, 20, 5, 2009, 92],
    [75, 20, 5, 2009, 95],
    [50, 20, 5, 2009, 94],
    [100, 30, 6, 2009, 62],
    [100, 15, 7, 2009, 86],
    [50, 15, 7, 2009, 84],
  ];

  it.each(close)(
    'stocks %i, %i years, withdrawal rate %i, data to %i: published %i',
    (stocks, years, rate, to, published) => {
      const { successRate } = withdrawalSuccessRate({
        method: 'historical',
        years,
        withdrawalRate: rate / 100,
        stocks: stocks / 100,
        to,
      });
      // The study prints whole percents, so compare like with like.
      expect(Math.abs(Math.round(successRate * 100) - published)).toBeLessThanOrEqual(TOLERANCE);
    },
  );

  // Every case of the 4–7% × 15/30-year × 100/75/50% grid that is off by more than TOLERANCE,
  // for the reasons above: [stocks, years, rate, to, published, ours].
  // 2009 4%/30y: start-of-year withdrawals alone cost 100/0 three and 75/25 six points (end-of-year
  // withdrawals give 94 and 98). 5–7% over 30 years with 50–75% bonds: mostly the weaker bonds.
  const documentedGaps: [...Case, ours: number][] = [
    [100, 30, 4, 2009, 98, 91],
    [75, 30, 4, 2009, 100, 92],
    [75, 15, 7, 1995, 82, 76],
    [100, 30, 5, 1995, 85, 79],
    [75, 30, 5, 1995, 83, 77],
    [50, 30, 5, 1995, 76, 62],
    [75, 30, 6, 1995, 68, 54],
    [50, 30, 6, 1995, 51, 33],
    [100, 30, 7, 1995, 59, 51],
    [75, 30, 7, 1995, 49, 36],
    [50, 30, 7, 1995, 17, 8],
    [75, 30, 5, 2009, 82, 70],
    [50, 30, 5, 2009, 67, 57],
    [50, 30, 6, 2009, 51, 34],
    [100, 30, 5, 2009, 80, 72],
    [100, 30, 7, 2009, 55, 47],
    [75, 30, 6, 2009, 60, 51],
    [75, 30, 7, 2009, 45, 34],
    [50, 30, 7, 2009, 22, 9],
    [75, 15, 7, 2009, 87, 81],
  ];

  it.each(documentedGaps)(
    'documented gap: stocks %i, %i years, rate %i, to %i: published %i, ours %i',
    (stocks, years, rate, to, published, ours) => {
      const { successRate } = withdrawalSuccessRate({
        method: 'historical',
        years,
        withdrawalRate: rate / 100,
        stocks: stocks / 100,
        to,
      });
      expect(Math.round(successRate * 100)).toBe(ours);
      expect(ours).toBeLessThan(published);
    },
  );

  it('counts the rolling periods like the study, less the two years our data lack (1926, 1927)', () => {
    // Published for 1926–1995: 41 thirty-year and 56 fifteen-year periods.
    expect(
      withdrawalSuccessRate({ method: 'historical', years: 30, withdrawalRate: 0.04, stocks: 0.5, to: 1995 }).periods,
    ).toBe(39);
    expect(
      withdrawalSuccessRate({ method: 'historical', years: 15, withdrawalRate: 0.04, stocks: 0.5, to: 1995 }).periods,
    ).toBe(54);
  });

  it('takes fractions and says so when given percents', () => {
    expect(() => withdrawalSuccessRate({ method: 'historical', years: 30, withdrawalRate: 4, stocks: 0.5 })).toThrow(
      /options\.withdrawalRate: must be a fraction \(0\.04 = 4%\)/,
    );
    expect(() => withdrawalSuccessRate({ method: 'historical', years: 30, withdrawalRate: 0.04, stocks: 75 })).toThrow(
      /options\.stocks: must be a fraction/,
    );
  });
});

describe('withdrawal timing', () => {
  // Two years of 21% growth (so half a year grows by √1.21 = 1.1), no inflation.
  const data = parseHistoricalReturns('year,sp500,tbill,tbond,cpi\n2000,0.21,0,0,0\n2001,0.21,0,0,0\n');
  const plan = { initialBalance: 1000, allocation: { equity: 1 }, withdrawalYears: 2, annualWithdrawal: 100, data };

  it('takes the withdrawal before the year grows by default', () => {
    const result = simulateHistorical(plan);
    // (1000 − 100) × 1.21 = 1089; (1089 − 100) × 1.21 = 1196.69
    expect(result.medianEndingValue).toBeCloseTo(1196.69, 6);
  });

  it('takes it mid-year when asked, and finds the sustainable withdrawal by the same arithmetic', () => {
    const result = simulateHistorical({ ...plan, withdrawalTiming: 'middle' });
    // (1000 × 1.1 − 100) × 1.1 = 1100; (1100 × 1.1 − 100) × 1.1 = 1221
    expect(result.medianEndingValue).toBeCloseTo(1221, 6);
    // End balance 1000 × 1.21² − W × (1.1 × 1.21 + 1.1) = 0 at W = 1464.1 / 2.431
    expect(result.sustainableWithdrawal).toBeCloseTo(1464.1 / 2.431, 6);
  });
});

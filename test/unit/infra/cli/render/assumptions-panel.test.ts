import { describe, expect, it } from 'vitest';
import type { RetirementResult } from '#events/values.ts';
import { assumptionRows, yearlyPercent } from '#infra/cli/render/assumptions-panel.ts';

const retirement: RetirementResult = {
  method: 'monte-carlo',
  paths: 10_000,
  successProbability: 0.69,
  bands: [],
  medianEndingValue: 0,
  p10EndingValue: 0,
  moneyLastsToAgeP10: 79,
  sustainableWithdrawal: 35_000,
  sustainableSpending: 69_000,
  sustainableWithdrawalRate: null,
  assumptions: {
    currentAge: 47,
    retirementAge: 62,
    lifeExpectancy: 95,
    accumulationYears: 15,
    startingBalance: 937_080.4,
    annualContribution: 36_000,
    annualSpending: 96_000,
    otherIncome: 34_000,
    'volatility.equity': 0.19512,
    'volatility.fixed_income': 0.07789,
    'volatility.cash': 0.03049,
    'correlation.equity.fixed_income': 0.017171843405025883,
  },
  outlook: {
    scenarios: [
      {
        id: 'forward',
        label: 'Conservative forward-looking (2025 published forecasts)',
        successProbability: 0.69,
        successRange: null,
        sustainableSpending: 69_000,
        moneyLastsToAgeP10: 79,
        expectedReturn: { equity: 0.067, fixed_income: 0.038, cash: 0.03 },
        inflation: 0.0235,
        source: 'J.P. Morgan 2025 LTCMA',
      },
    ],
    primary: 'forward',
    plannedSpending: 96_000,
    spendingFromPortfolio: 62_000,
    unclassifiedPercent: 11.04,
    unclassifiedSymbols: ['NWSTX'],
    cautiousReading: 'fixed_income',
    uncertain: true,
    singleStocks: [
      {
        symbol: 'NVDA',
        percent: 4.4244,
        volatility: 0.9773,
        ownVolatility: 0.9773,
        volatilityBasis: 'calendar-year total returns 2016–2025, chartrow.com',
      },
      {
        symbol: 'KO',
        percent: 2,
        volatility: 0.19512,
        ownVolatility: 0.0769,
        volatilityBasis: 'calendar-year total returns 2016–2025, chartrow.com',
      },
      { symbol: 'NWND', percent: 1.5, volatility: 0.35 },
    ],
    fees: { weightedExpenseRatioPercent: 0.0448, annualCost: 420, horizonCost: 35_000, unknownSymbols: [] },
  },
};

describe('the assumptions panel', () => {
  const rows = Object.fromEntries(assumptionRows(retirement).map((row) => [row.label, row.value]));

  it('rounds once: returns and volatility to 0.1 point, inflation to 0.01', () => {
    expect(yearlyPercent(0.067)).toBe('6.7%');
    expect(yearlyPercent(0.0235, 2)).toBe('2.35%');
    expect(yearlyPercent(0.19512)).toBe('19.5%');
  });

  it('labels each set’s returns, inflation and source in words, not the engine’s keys', () => {
    expect(rows['Conservative forward-looking (2025 published forecasts)']).toBe(
      'Stocks 6.7%, bonds 3.8%, cash 3.0% a year; inflation 2.35%. Source: J.P. Morgan 2025 LTCMA',
    );
    expect(rows['Volatility (yearly standard deviation)']).toBe('Stocks 19.5%, bonds 7.8%, cash 3.0%; from 1928–2024');
    expect(Object.keys(rows).some((label) => /correlation|\./.test(label))).toBe(false);
  });

  it('states the plan, each company’s volatility and its source, costs and the unclassified share as a person reads them', () => {
    expect(rows.Plan).toBe('age 47 today, retiring at 62, money to last to age 95');
    expect(rows['Starting balance']).toBe('$937,080');
    expect(rows['Spending in retirement']).toBe(
      '$96,000 a year in today’s money, of which $34,000 from Social Security or a pension',
    );
    expect(rows['Single companies']).toBe(
      'NVDA (4.4% of the portfolio): 98% volatility a year (calendar-year total returns 2016–2025, chartrow.com); ' +
        "KO (2.0% of the portfolio): 20% volatility a year, the broad market's: its own 8% (calendar-year total " +
        'returns 2016–2025, chartrow.com) is lower, and one company is never simulated as steadier than the market; ' +
        'NWND (1.5% of the portfolio): 35% volatility a year, a stated default for one company (no reference data ' +
        'for it). Each is simulated as one company, not as the index, with correlation 0.5 with the market',
    );
    // 0.0448% a year rounds to 0.04%
    expect(rows['Fund costs']).toBe('0.04% a year, taken out of every year’s growth');
    expect(rows['Not classified']).toBe(
      'NWSTX (11% of the portfolio): projected as bonds, the cautious reading for this plan',
    );
  });
});

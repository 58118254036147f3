/**
 * Plans and markets written out by hand for the planning-engine tests: a constant market makes
 * every path the same, so a year-by-year hand calculation is the expected value.
 */
import type { CashflowPlan, MarketPaths } from '#services/retirement/cashflow.ts';
import { noTaxSchedule } from '#services/retirement/taxes.ts';

export function flatMarket(years: number, realGrowth: number, inflation = 0, paths = 1): MarketPaths {
  return {
    paths,
    years,
    growth: new Float64Array(years * paths).fill(realGrowth),
    inflation: null,
    constantInflation: inflation,
  };
}

/** A market from explicit yearly real growth factors and inflation, one path. */
export function sequenceMarket(growth: number[], inflation: number[]): MarketPaths {
  return {
    paths: 1,
    years: growth.length,
    growth: Float64Array.from(growth),
    inflation: Float64Array.from(inflation),
    constantInflation: 0,
  };
}

/** A retiree's plan with everything off: override what a test needs. */
export function basePlan(withdrawalYears: number, overrides: Partial<CashflowPlan> = {}): CashflowPlan {
  const zeros = () => new Float64Array(withdrawalYears);
  return {
    accumulationYears: 0,
    withdrawalYears,
    contribution: 0,
    taxable: 0,
    taxableBasis: 0,
    preTax: 0,
    roth: 0,
    annualFee: 0,
    spending: 0,
    strategy: 'constant-dollar',
    strategyRate: 0,
    vpwRates: zeros(),
    incomeReal: zeros(),
    incomeRealTaxable: zeros(),
    incomeNominal: zeros(),
    rmdFractions: zeros(),
    deductions: zeros(),
    tax: noTaxSchedule(),
    order: ['taxable', 'pre_tax', 'roth'],
    ...overrides,
  };
}

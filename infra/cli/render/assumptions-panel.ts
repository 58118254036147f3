/**
 * The projection's assumptions as a person reads them: labelled, rounded rows ("Stocks 6.7% a
 * year, volatility 19.5%"), one per idea, for the HTML panel and the markdown report alike. The
 * engine's full record stays in the appendix for whoever audits it. Percents are rounded here,
 * once: returns and volatilities to 0.1 point, inflation to 0.01 (as published), success whole.
 */
import type { RetirementResult } from '#events/values.ts';
import { SINGLE_STOCK_MARKET_CORRELATION } from '#services/retirement/assumptions.ts';
import { formatUsd } from './svg-charts.ts';

export interface AssumptionRow {
  label: string;
  value: string;
}

const CLASSES: [key: string, name: string][] = [
  ['equity', 'Stocks'],
  ['fixed_income', 'bonds'],
  ['cash', 'cash'],
  ['real_estate', 'real estate'],
  ['commodities', 'commodities'],
];

/** A yearly fraction (0.067) as a rounded percent ("6.7%"). */
export function yearlyPercent(fraction: number, decimals = 1): string {
  return `${(Math.round(fraction * 100 * 10 ** decimals) / 10 ** decimals).toFixed(decimals)}%`;
}

export function assumptionRows(retirement: RetirementResult): AssumptionRow[] {
  const a = retirement.assumptions;
  const outlook = retirement.outlook;
  const rows: AssumptionRow[] = [];
  const n = (key: string) => (typeof a[key] === 'number' ? (a[key] as number) : undefined);

  const age = n('currentAge');
  const retireAt = n('retirementAge');
  const lastAge = n('lifeExpectancy');
  if (age !== undefined && retireAt !== undefined && lastAge !== undefined) {
    rows.push({
      label: 'Plan',
      value: `age ${age} today, retiring at ${Math.max(age, retireAt)}, money to last to age ${lastAge}`,
    });
  }
  const balance = n('startingBalance');
  if (balance !== undefined) rows.push({ label: 'Starting balance', value: formatUsd(balance) });
  const contribution = n('annualContribution') ?? 0;
  if (contribution > 0 && (n('accumulationYears') ?? 0) > 0) {
    rows.push({ label: 'Saving until retirement', value: `${formatUsd(contribution)} a year, raised with inflation` });
  }
  const spending = n('annualSpending');
  if (spending !== undefined) {
    const other = n('otherIncome') ?? 0;
    rows.push({
      label: 'Spending in retirement',
      value:
        `${formatUsd(spending)} a year in today’s money` +
        (other > 0 ? `, of which ${formatUsd(other)} from Social Security or a pension` : ', all from the portfolio'),
    });
  }
  for (const scenario of outlook?.scenarios ?? []) {
    const returns = CLASSES.filter(([key]) => scenario.expectedReturn[key] !== undefined).map(
      ([key, name]) => `${name} ${yearlyPercent(scenario.expectedReturn[key]!)}`,
    );
    const parts = [
      returns.length > 0 ? `${returns.join(', ')} a year` : 'each year’s actual returns',
      scenario.inflation === null
        ? 'inflation as it was each year'
        : `inflation ${yearlyPercent(scenario.inflation, 2)}`,
    ];
    rows.push({ label: scenario.label, value: `${parts.join('; ')}. Source: ${scenario.source}` });
  }
  const volatilities = CLASSES.filter(([key]) => n(`volatility.${key}`) !== undefined).map(
    ([key, name]) => `${name} ${yearlyPercent(n(`volatility.${key}`)!)}`,
  );
  if (volatilities.length > 0) {
    const history = outlook?.primary === 'stated' ? 'yours where you stated it, else 1928–2024' : 'from 1928–2024';
    rows.push({ label: 'Volatility (yearly standard deviation)', value: `${volatilities.join(', ')}; ${history}` });
  }
  if (outlook && outlook.singleStocks.length > 0) {
    rows.push({
      label: 'Single companies',
      value:
        `${outlook.singleStocks.map(companyVolatility).join('; ')}. Each is simulated as one company, not as the ` +
        `index, with correlation ${SINGLE_STOCK_MARKET_CORRELATION} with the market`,
    });
  }
  if (outlook) {
    rows.push({
      label: 'Fund costs',
      value: `${yearlyPercent(outlook.fees.weightedExpenseRatioPercent / 100, 2)} a year, taken out of every year’s growth`,
    });
    if (outlook.unclassifiedSymbols.length > 0) {
      rows.push({
        label: 'Not classified',
        value: `${outlook.unclassifiedSymbols.join(', ')} (${yearlyPercent(outlook.unclassifiedPercent / 100, 0)} of the portfolio): projected as ${outlook.cautiousReading === 'equity' ? 'stocks' : 'bonds'}, the cautious reading for this plan`,
      });
    }
  }
  rows.push({
    label: 'Method',
    value:
      retirement.method === 'monte-carlo'
        ? `Monte Carlo, ${retirement.paths.toLocaleString('en-US')} simulated markets; values in today’s dollars; rebalanced yearly`
        : `every historical period of 1928–2024 (${retirement.paths.toLocaleString('en-US')} paths); values in today’s dollars; rebalanced yearly`,
  });
  rows.push({
    label: 'Success means',
    value: 'every year’s spending paid in full and money left at the last age',
  });
  return rows;
}

type HeldCompany = NonNullable<RetirementResult['outlook']>['singleStocks'][number];

/** "AAPL (4.4% of the portfolio): 37% volatility a year (calendar-year total returns 2016–2025, chartrow.com)". */
function companyVolatility(company: HeldCompany): string {
  const held = `${company.symbol} (${yearlyPercent(company.percent / 100)} of the portfolio): ${yearlyPercent(company.volatility, 0)} volatility a year`;
  if (company.volatilityBasis === undefined)
    return `${held}, a stated default for one company (no reference data for it)`;
  if (company.ownVolatility === undefined || company.ownVolatility >= company.volatility)
    return `${held} (${company.volatilityBasis})`;
  return (
    `${held}, the broad market's: its own ${yearlyPercent(company.ownVolatility, 0)} (${company.volatilityBasis}) ` +
    'is lower, and one company is never simulated as steadier than the market'
  );
}

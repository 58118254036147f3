import { describe, expect, it } from 'vitest';
import type { RetirementOutlook, RetirementResult } from '#events/values.ts';
import { OfflineModel } from '#services/common/model/offline.ts';
import { writeReport } from '#services/reporter/domain.ts';
import { findUnsupportedNumbers } from '#services/reporter/number-check.ts';
import { composeReport } from '#services/reporter/retirement-section.ts';
import { exampleSnapshot } from '#test/support/example-snapshot.ts';

/** A projection written by hand, so every expected figure below is worked out from it alone. */
function retirement(success: number, sustainable: number, planned = 96_000): RetirementResult {
  const outlook: RetirementOutlook = {
    scenarios: [
      {
        id: 'historical',
        label: 'Historical record (US 1928–2024)',
        successProbability: 0.9671,
        successRange: null,
        sustainableSpending: 124_360.4,
        moneyLastsToAgeP10: 95,
        expectedReturn: {},
        inflation: null,
        source: 'Damodaran',
      },
      {
        id: 'forward',
        label: 'Conservative forward-looking (2025 published forecasts)',
        successProbability: success,
        successRange: null,
        sustainableSpending: sustainable,
        moneyLastsToAgeP10: 79.6,
        expectedReturn: { equity: 0.067 },
        inflation: 0.0235,
        source: 'J.P. Morgan',
      },
    ],
    primary: 'forward',
    plannedSpending: planned,
    spendingFromPortfolio: planned - 34_000,
    unclassifiedPercent: 0,
    unclassifiedSymbols: [],
    cautiousReading: null,
    uncertain: false,
    singleStocks: [],
    fees: { weightedExpenseRatioPercent: 0.04, annualCost: 420, horizonCost: 35_000, unknownSymbols: [] },
  };
  return {
    method: 'monte-carlo',
    paths: 10_000,
    successProbability: success,
    bands: [],
    medianEndingValue: 0,
    p10EndingValue: 0,
    moneyLastsToAgeP10: 79.6,
    sustainableWithdrawal: sustainable - 34_000,
    sustainableSpending: sustainable,
    sustainableWithdrawalRate: null,
    assumptions: {},
    outlook,
  };
}

const report = (file: string) => writeReport(exampleSnapshot(file), new OfflineModel(), {});

describe('composeReport: the projection joins the report from the retirement result', () => {
  it('states the retirement result’s own figures, rounded once, and the gap worked out by hand', async () => {
    const composed = composeReport(await report('portfolio.json'), retirement(0.6949, 69_432.4));
    // 69.49% → 69%; 96.71% → 97%; 96,000 − 69,432.4 = 26,567.6 → $26,568; age ⌊79.6⌋ = 79
    expect(composed.markdown).toContain(
      'On track? Under Conservative forward-looking (2025 published forecasts) assumptions the money lasts in 69% of simulated markets, and $69,432 a year of spending is sustainable against the $96,000 you plan. Under the historical record it is 97%, supporting $124,360 a year.',
    );
    const [first] = composed.recommendations;
    expect(first!.title).toBe('Close the gap between planned and sustainable spending');
    expect(first!.priority).toBe('high');
    expect(first!.recommendation).toContain('($26,568 less)');
    expect(first!.reasoning).toContain('runs out at age 79');
    expect(composed.markdown).toMatch(/### 1\. Close the gap between planned and sustainable spending/);
  });

  it('numbers the recommendations 1..n with the finding in its place and leaves the portfolio’s own after it', async () => {
    const written = await report('portfolio.json');
    const composed = composeReport(written, retirement(0.6949, 69_432.4));
    expect(composed.recommendations.slice(1)).toEqual(written.recommendations);
    const headings = [...composed.markdown.matchAll(/^### (\d+)\. (.*)$/gm)].map((m) => `${m[1]}. ${m[2]}`);
    expect(headings).toEqual(composed.recommendations.map((r, i) => `${i + 1}. ${r.title}`));
  });

  it('puts one company above the limit first and the projection’s finding second', async () => {
    const composed = composeReport(await report('stress-employer-stock.json'), retirement(0.31, 39_490, 80_000));
    expect(composed.recommendations.map((r) => r.title).slice(0, 2)).toEqual([
      'Reduce NWND to 10% of the portfolio',
      'Close the gap between planned and sustainable spending',
    ]);
  });

  it('adds no finding when success is at least 80% and planned spending is sustainable', async () => {
    const written = await report('portfolio.json');
    const composed = composeReport(written, retirement(0.8, 96_000));
    expect(composed.recommendations).toEqual(written.recommendations);
    expect(composed.markdown).toContain('the money lasts in 80% of simulated markets');
  });

  it('every figure of the composed report is among its facts (the number check)', async () => {
    const composed = composeReport(await report('portfolio.json'), retirement(0.6949, 69_432.4));
    expect(findUnsupportedNumbers(composed.markdown, composed.facts)).toEqual([]);
  });

  it('leaves the report as written when the projection is missing', async () => {
    const written = await report('portfolio.json');
    expect(composeReport(written, null)).toBe(written);
  });

  it('puts a mix far too cautious for the horizon before the projection’s finding, since it changes the projection', async () => {
    const composed = composeReport(
      await report('stress-young-saver-bond-funds.json'),
      retirement(0.04, 36_545, 60_000),
    );
    expect(composed.recommendations.map((r) => r.title).slice(0, 2)).toEqual([
      'Hold more stocks for your horizon',
      'Close the gap between planned and sustainable spending',
    ]);
    expect(composed.markdown).toContain('take up that gap after the mix of stocks and bonds, which changes it.');
  });
});

import { describe, expect, it } from 'vitest';
import { reportFacts } from '#services/reporter/domain.ts';
import { computeFacts } from '#services/reporter/facts.ts';
import { findUnsupportedNumbers } from '#services/reporter/number-check.ts';
import { recommend } from '#services/reporter/recommendations.ts';
import { exampleSnapshot } from '#test/support/example-snapshot.ts';
import { portfolio } from './snapshots.ts';

const accounts = [
  { id: 'roth', name: 'Roth', type: 'roth_ira' as const, cash: 0 },
  { id: 'tx', name: 'Brokerage', type: 'taxable' as const, cash: 0 },
];

function checked(facts: ReturnType<typeof computeFacts>) {
  const recommendations = recommend(facts);
  for (const r of recommendations) {
    expect(findUnsupportedNumbers(`${r.recommendation} ${r.reasoning} ${r.impact}`, facts)).toEqual([]);
  }
  return recommendations;
}

describe('specific advice: account, instrument and dollar amount', () => {
  it('trims the individual securities among the five largest holdings by the excess over 60%, largest first', () => {
    // $1,000,000: funds 250k, 200k, 80k ×3, 60k ×2; stocks ACME 100k (taxable), BOLT 90k (Roth).
    // Top five = 250 + 200 + 100 + 90 + 80 = 720k = 72%; excess over 60% = 120k:
    // all 100k of ACME (the larger position), then 20k of BOLT.
    const facts = computeFacts(
      portfolio({
        accounts,
        holdings: [
          { symbol: 'FNDA', value: 250_000 },
          { symbol: 'FNDB', value: 200_000 },
          { symbol: 'ACME', value: 100_000, accountId: 'tx', type: 'stock' },
          { symbol: 'BOLT', value: 90_000, type: 'stock' },
          { symbol: 'FNDC', value: 80_000 },
          { symbol: 'FNDD', value: 80_000 },
          { symbol: 'FNDE', value: 80_000 },
          { symbol: 'FNDF', value: 60_000 },
          { symbol: 'FNDG', value: 60_000 },
        ],
      }),
    );
    const advice = checked(facts).find((r) => r.title === 'Reduce concentration')!;
    expect(advice.recommendation).toContain(
      'Sell about $100,000 of ACME in the taxable account and sell about $20,000 of BOLT in the Roth IRA ($120,000 in all)',
    );
    expect(advice.recommendation).toMatch(/broad index fund such as VTI in the same accounts/);
  });

  it('names each holding without data, its value and account, largest first, and each without a price', () => {
    // NWSTX: 30,000 in the Roth IRA + 10,000 in the taxable account = 40,000; MYST 5,000; XYZ unpriced.
    const facts = computeFacts(
      portfolio({
        accounts,
        holdings: [
          { symbol: 'VTI', value: 55_000 },
          { symbol: 'MYST', value: 5_000, accountId: 'tx', unclassified: true },
          { symbol: 'NWSTX', value: 30_000, unclassified: true },
          { symbol: 'NWSTX', value: 10_000, accountId: 'tx', unclassified: true },
          { symbol: 'XYZ', value: 0, accountId: 'tx', unpriced: true },
        ],
      }),
    );
    const advice = checked(facts).find((r) => r.title === 'Complete the instrument data')!;
    expect(advice.recommendation).toBe(
      'Give NWSTX ($40,000 in the Roth IRA and the taxable account) its name and asset class in the portfolio file’s instruments list, or correct its symbol; ' +
        'give MYST ($5,000 in the taxable account) its name and asset class in the portfolio file’s instruments list, or correct its symbol; ' +
        'add a price for XYZ (held in the taxable account); then run the analysis again.',
    );
  });

  it('folds the bonds the glide path asks for and the move abroad into the sale of one employer’s stock', () => {
    // Born 1964: 62 at the 2026 snapshot, 3 years to 65, so the glide path says 40 − 1.2 × 3 = 36.4%
    // bonds; BND 60,000 is 6.0% of 1,000,000, so (36.4 − 6.0)% × 1,000,000 = 304,000 of bonds to buy.
    // NWND 900,000 is all of the equities and all US: 80% US needs 900,000 × 20% = 180,000 abroad.
    // Both fit in the 800,000 sale, leaving 316,000 for VTI.
    const recommendations = checked(reportFacts(exampleSnapshot('stress-employer-stock.json')));
    const [first] = recommendations;
    expect(first!.recommendation).toContain(
      'Sell about $800,000 of NWND in the 401(k) and reinvest it: about $304,000 in BND (bonds, which brings them to the 36.4%',
    );
    expect(first!.recommendation).toContain('about $180,000 in VXUS');
    expect(first!.recommendation).toContain('the rest in VTI');
    expect(recommendations.map((r) => r.title)).not.toContain('Add international equities');
    expect(recommendations.map((r) => r.title)).not.toContain('Raise the bond share as retirement nears');
  });

  it('moves the bonds above the glide path into stocks for a young saver, from the largest bond funds first', () => {
    // Born 1996: 30 at the 2026 snapshot, 35 years to 65, so the glide path says 10% bonds.
    // Bonds: CTRAX 40,000 + CGVSX 30,000 + CINCX 15,000 = 85,000 of 136,000 = 62.5%.
    // Excess: (62.5 − 10)% × 136,000 = 71,400 = 40,000 + 30,000 + 1,400.
    const [first] = checked(reportFacts(exampleSnapshot('stress-young-saver-bond-funds.json')));
    expect(first!.title).toBe('Hold more stocks for your horizon');
    expect(first!.priority).toBe('high');
    expect(first!.recommendation).toBe(
      'Move about $40,000 of CTRAX in the 401(k), $30,000 of CGVSX in the 401(k) and $1,400 of CINCX in the 401(k) ' +
        'into a broad stock index fund such as VTI with at least 20% of it in VXUS (stocks outside the US; today 100.0% of your stocks are North American) ' +
        'in the same account, and direct new contributions there, until bonds are near 10.0% of the portfolio.',
    );
    expect(first!.reasoning).toContain('($71,400 less)');
  });

  it('folds a move abroad below 1% of the portfolio into the stock purchase instead of advising it alone', () => {
    // VTI 6,000 is all of the equities, all US: 80% US needs 6,000 × 20% = 1,200 abroad, under 1% of
    // 136,000 (1,360), so no separate advice; the purchase of stocks names the share abroad (100 − 80 = 20%).
    const recommendations = checked(reportFacts(exampleSnapshot('stress-young-saver-bond-funds.json')));
    expect(recommendations.map((r) => r.title)).not.toContain('Add international equities');
    expect(recommendations[0]!.recommendation).toContain('with at least 20% of it in VXUS');
  });

  it('names the bond and gold funds to move out of the taxable account and the stock fund to move out of the 401(k)', () => {
    // examples/portfolio.json, taxable: BND 410 × 73.25 = 30,032.50 and GLD 64 × 245.10 = 15,686.40 (45,718.90);
    // the largest stock fund in a tax-advantaged account is FXAIX in the 401(k), 1,210.552 × 212.34 = 257,048.61.
    const advice = checked(reportFacts(exampleSnapshot('portfolio.json'))).find(
      (r) => r.title === 'Hold bonds and gold in tax-advantaged accounts',
    )!;
    expect(advice.recommendation).toContain(
      'In the taxable account, sell about $30,033 of BND and $15,686 of GLD and buy $45,719 of a broad stock index fund such as VTI; ' +
        'in the 401(k), sell about $45,719 of FXAIX and buy BND and GLD with it.',
    );
  });
});

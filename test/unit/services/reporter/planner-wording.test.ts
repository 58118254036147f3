/**
 * Issue 15's leftovers, each against figures worked out by hand in the comments: the 4% rule
 * said as what it is, the emergency reserve that says which accounts it counted, bonds raised with
 * named funds and dollars, and a costly A-share fund with its load and a like-for-like fund.
 */
import { describe, expect, it } from 'vitest';
import { reportFacts } from '#services/reporter/domain.ts';
import { computeFacts, fact } from '#services/reporter/facts.ts';
import { findUnsupportedNumbers } from '#services/reporter/number-check.ts';
import { offlineNarrative } from '#services/reporter/prose.ts';
import { recommend } from '#services/reporter/recommendations.ts';
import { exampleSnapshot } from '#test/support/example-snapshot.ts';
import { portfolio } from './snapshots.ts';

function checked(facts: ReturnType<typeof computeFacts>) {
  const recommendations = recommend(facts);
  for (const r of recommendations) {
    expect(findUnsupportedNumbers(`${r.recommendation} ${r.reasoning} ${r.impact}`, facts)).toEqual([]);
  }
  const narrative = offlineNarrative(facts, recommendations);
  expect(findUnsupportedNumbers(Object.values(narrative).join('\n\n'), facts)).toEqual([]);
  return { recommendations, narrative };
}

describe('the 4% rule beside the projection (examples/portfolio.json)', () => {
  const facts = reportFacts(exampleSnapshot('portfolio.json'));
  const { narrative } = checked(facts);

  it('says the share is of the spending target, not a chance of success', () => {
    // 4% of 937,080 = 37,483.20; spending 96,000 − 34,000 other income = 62,000;
    // 37,483.20 / 62,000 = 60.46% → 60.5%.
    expect(narrative.retirementReadiness).toContain(
      'gives a first-year income of about $37,483, 60.5% of the $62,000 a year the portfolio must provide',
    );
    expect(narrative.retirementReadiness).toContain('not a chance of success');
    expect(narrative.executiveSummary).not.toContain('60.5%');
  });
});

describe('the emergency reserve (examples/portfolio.json)', () => {
  const facts = reportFacts(exampleSnapshot('portfolio.json'));
  const { recommendations, narrative } = checked(facts);

  it('counts only the taxable cash and says why the retirement-account cash is left out', () => {
    // Six months of 96,000 = 48,000; taxable cash 41,200, so 6,800 short. The 401(k) holds 2,150.40
    // and the Roth IRA 830.12: 2,980.52 → $2,981 not counted.
    expect(fact(facts, 'cash.reachable').value).toBeCloseTo(41_200, 6);
    expect(fact(facts, 'cash.inRetirementAccounts').value).toBeCloseTo(2_980.52, 6);
    expect(narrative.riskProfile).toContain(
      '$41,200 in the taxable account, $6,800 short of it (see the recommendations). ' +
        'The $2,981 of cash in the 401(k) and the Roth IRA is not counted: taken out before age 59½ it generally costs income tax and a 10% penalty.',
    );
    const reserve = recommendations.find((r) => r.title === 'Build the emergency reserve')!;
    expect(reserve.recommendation).toContain('Set aside about $6,800');
    expect(reserve.reasoning).toContain('$41,200 is in the taxable account now; the $2,981 of cash in the 401(k)');
  });

  it('never says the cash beyond the reserve is spare while the reserve is short', () => {
    expect(narrative.riskProfile).not.toContain('does not exceed a sensible emergency reserve');
    expect(narrative.riskProfile).toContain('Cash beyond the reserve comes to $2,981');
  });
});

describe('raising bonds toward the glide path', () => {
  it('names the stock fund to sell, the bond fund to buy, the account and the dollars', () => {
    // Born 1966: 60 at the 2026 snapshot, 5 years to 65, glide path 40 − 1.2 × 5 = 34% bonds.
    // 401(k): VTI 450,000 and BND 50,000; taxable: VOO 100,000. Total 600,000; bonds 8.3%.
    // Short: (34 − 8.33…)% × 600,000 = 204,000 − 50,000 = 154,000, sold from VTI in the 401(k)
    // (the only stock in a tax-advantaged account) and bought as BND there.
    const facts = computeFacts(
      portfolio({
        birthYear: 1966,
        accounts: [
          { id: 'k', name: 'Work plan', type: '401k', cash: 0 },
          { id: 't', name: 'Brokerage', type: 'taxable', cash: 0 },
        ],
        holdings: [
          { symbol: 'VTI', value: 450_000 },
          { symbol: 'BND', value: 50_000, assetClass: { fixed_income: 100 } },
          { symbol: 'VOO', value: 100_000, accountId: 't' },
        ],
      }),
    );
    const raise = checked(facts).recommendations.find((r) => r.title === 'Raise the bond share as retirement nears')!;
    expect(raise.recommendation).toBe(
      'Sell about $154,000 of VTI in the 401(k) and buy BND with it in the same account, and direct new contributions to BND ' +
        'until bonds are about 34.0% of the portfolio ($154,000 more than today).',
    );
    expect(raise.priority).toBe('high');
  });

  it('is not made when the bond share is within the gap the rule allows', () => {
    // Same household with 150,000 in BND: 150,000 / 600,000 = 25%, 9 points under 34%: within 10.
    const facts = computeFacts(
      portfolio({
        birthYear: 1966,
        holdings: [
          { symbol: 'VTI', value: 450_000 },
          { symbol: 'BND', value: 150_000, assetClass: { fixed_income: 100 } },
        ],
      }),
    );
    expect(recommend(facts).map((r) => r.title)).not.toContain('Raise the bond share as retirement nears');
  });
});

describe('rebalancing with a bond target equal to the glide path', () => {
  it('does not call the glide path more than a target it equals', () => {
    // examples/portfolio.json: 47 years old, 15 years to 62: 40 − 1.2 × 15 = 22.0%, the target too.
    const facts = reportFacts(exampleSnapshot('portfolio.json'));
    const rebalance = checked(facts).recommendations.find((r) => r.title === 'Rebalance toward the target allocation')!;
    expect(rebalance.reasoning).not.toContain('more than your target');
  });
});

describe('a costly A-share fund (examples/stress-high-fee-a-shares.json)', () => {
  const facts = reportFacts(exampleSnapshot('stress-high-fee-a-shares.json'));

  it('classifies AIVSX from reference data as US stock, no longer unclassified', () => {
    expect(fact(facts, 'unclassified.count').value).toBe(0);
  });

  it('names its load, a like-for-like index fund and the yearly saving', () => {
    // 90,000 × (0.56 − 0.03)% = 477 a year to VOO (S&P 500, large-cap blend like ICA); Class A load
    // up to 5.75% of the offering price (the fund's prospectus).
    const fees = checked(facts).recommendations.find(
      (r) => r.title === 'Replace costly funds with index funds of the same kind',
    )!;
    expect(fees.recommendation).toContain(
      'move $90,000 of AIVSX (0.56% a year, a Class A share with up to 5.75% sales charge on purchases) in the taxable account to VOO (0.03%), saving about $477 a year',
    );
  });
});

describe('the 4% rule’s need counts Social Security and pensions (examples/retirement-planning.json)', () => {
  it('takes the claimed benefits and the pension off the spending before comparing', () => {
    // Owner born 1979 claims 26,400 at 67 = full retirement age: 26,400. Spouse born 1981 claims
    // 15,600 at 65, 24 months early: 15,600 × (1 − 24 × 5/900) = 13,520. Pension 9,000.
    // Guaranteed 48,920; need 96,000 − 48,920 = 47,080; 4% of 937,080 = 37,483.20 → 79.6% of it.
    const facts = reportFacts(exampleSnapshot('retirement-planning.json'));
    expect(fact(facts, 'retirement.guaranteedIncome').value).toBeCloseTo(48_920, 6);
    expect(fact(facts, 'retirement.spendingFromPortfolio').value).toBeCloseTo(47_080, 6);
    const { narrative } = checked(facts);
    expect(narrative.retirementReadiness).toContain('79.6% of the $47,080 a year the portfolio must provide');
  });
});

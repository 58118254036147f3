import { describe, expect, it } from 'vitest';
import { reportFacts } from '#services/reporter/domain.ts';
import { fact } from '#services/reporter/facts.ts';
import { recommend } from '#services/reporter/recommendations.ts';
import { exampleSnapshot } from '#test/support/example-snapshot.ts';

describe('the example household (examples/portfolio.json)', () => {
  const facts = reportFacts(exampleSnapshot('portfolio.json'));

  it('counts NVDA held directly and inside the S&P 500 and total-market funds', () => {
    // direct 300 × 138.20; FXAIX 1,210.552 × 212.34 and VOO 95 × 552.30 at 7.83% (S&P 500 top
    // holdings); VTI 260 × 301.12 at 7.13% (CRSP US Total Market) — fund-facts.json
    const direct = 300 * 138.2;
    const via = (1210.552 * 212.34 + 95 * 552.3) * 0.0783 + 260 * 301.12 * 0.0713;
    expect(fact(facts, 'exposure.NVDA.direct').value).toBeCloseTo(direct, 2);
    expect(fact(facts, 'exposure.NVDA.viaFunds').value).toBeCloseTo(via, 2);
  });
});

describe('90% in one employer’s stock (examples/stress-employer-stock.json)', () => {
  const facts = reportFacts(exampleSnapshot('stress-employer-stock.json'));
  const [first] = recommend(facts);

  it('is the first, high-priority recommendation, with the amount to sell and a note on NUA', () => {
    expect(first!.title).toBe('Reduce NWND to 10% of the portfolio');
    expect(first!.priority).toBe('high');
    // 900,000 of 1,000,000 (BND 60,000, cash 40,000); the limit is 100,000: sell 800,000
    expect(first!.recommendation).toContain('Sell about $800,000 of NWND in the 401(k)');
    expect(first!.recommendation).toMatch(/net unrealized appreciation/);
  });
});

describe('high-fee A shares (examples/stress-high-fee-a-shares.json)', () => {
  const facts = reportFacts(exampleSnapshot('stress-high-fee-a-shares.json'));

  it('states the weighted expense ratio and the dollars paid this year', () => {
    // 150,000 × 0.59% + 90,000 × 0.77% + 90,000 × 0.56% + 60,000 × 0.60% = 2,442 on 425,000
    expect(fact(facts, 'fees.annualCost').value).toBeCloseTo(2_442, 6);
    expect(fact(facts, 'fees.weightedPercent').value).toBeCloseTo((2_442 / 425_000) * 100, 6);
  });

  it('names a cheaper fund of the same asset class, the account and the yearly saving', () => {
    const fees = recommend(facts).find((r) => r.title === 'Replace costly funds with index funds of the same kind')!;
    // AGTHX 150,000 × (0.59 − 0.03)% = 840 to VTI; AEPGX (international) 90,000 × (0.77 − 0.05)% = 648
    // to VXUS; ABNDX 60,000 × (0.60 − 0.03)% = 342 to BND
    expect(fees.recommendation).toContain(
      'Move $150,000 of AGTHX (0.59% a year) in the traditional IRA to VTI (0.03%)',
    );
    expect(fees.recommendation).toContain(
      'AEPGX (0.77% a year) in the traditional IRA to VXUS (0.05%), saving about $648',
    );
    expect(fees.recommendation).toContain('saving about $840 a year');
    expect(fees.recommendation).toContain('ABNDX');
    expect(fees.recommendation).toContain('to BND (0.03%), saving about $342 a year');
  });
});

import { describe, expect, it } from 'vitest';
import { monthlyCost, monthlyResults, SCENARIOS } from '#scripts/bench/monthly.ts';

// The measured cost of one analysis in docs/benchmarks.md (cost.perAnalysisUsd).
const MEASURED = 9.603e-5;

describe('monthly cost at 1k, 10k and 100k analyses', () => {
  // Worked by hand from the list prices in docs/aws.md: model 4k in × $0.00006 + 1k out × $0.00024 per 1k
  // tokens = $0.00048 an analysis; fixed $1 key + 5 × $0.40 secrets + 26 × $0.10 alarms + $3 dashboard
  // + $1.50 polling = $10.10; logs 20 KB an analysis at $0.50/GB (1 GB = 1,048,576 KB).
  it('adds measured, model, Aurora, fixed and log costs into the base figure', () => {
    const [k1, k10, k100] = SCENARIOS.map((s) => monthlyCost(s, MEASURED));
    expect(k1!.model).toBeCloseTo(0.48, 6);
    expect(k1!.aurora).toBeCloseTo(88 * 0.12 + 0.1, 6); // 176 h at 0.5 ACU, and 1 GB
    expect(k1!.fixed).toBeCloseTo(10.1, 6);
    expect(k1!.base).toBeCloseTo(0.09603 + 0.48 + 10.66 + 10.1 + 0.0095367, 5); // 21.3456
    expect(k10!.base).toBeCloseTo(0.9603 + 4.8 + 43.9 + 10.1 + 0.0953674, 5); // 59.8557
    expect(k100!.base).toBeCloseTo(9.603 + 48 + 87.7 + 10.1 + 0.9536743, 5); // 156.3567
  });

  // VPC: 8 endpoints (S3 Vectors the eighth) × 2 zones × 730 h × $0.01 = $116.80, plus 200 KB an analysis at $0.01/GB.
  // WAF: $5 + 3 rules × $1 = $8, plus 10 requests an analysis at $0.60 a million. GuardDuty $2; budget $0.
  it('prices each extra, most of it fixed: the endpoints dominate', () => {
    const [k1, , k100] = SCENARIOS.map((s) => monthlyCost(s, MEASURED));
    expect(k1!.extras).toEqual({
      budget: 0,
      guardduty: 2,
      vpc: expect.closeTo(116.8019074, 6),
      waf: expect.closeTo(8.006, 6),
    });
    expect(k1!.withAllExtras).toBeCloseTo(148.1534741, 5);
    expect(k100!.extras.vpc).toBeCloseTo(116.9907349, 6);
    expect(k100!.withAllExtras).toBeCloseTo(283.9474092, 5);
  });

  it('reports base and all-extras figures per scenario for the bench', () => {
    expect(monthlyResults(MEASURED).map((r) => [r.name, r.value, r.unit])).toEqual([
      ['cost.monthly1kUsd', 21.35, 'USD/month'],
      ['cost.monthly1kAllExtrasUsd', 148.15, 'USD/month'],
      ['cost.monthly10kUsd', 59.86, 'USD/month'],
      ['cost.monthly10kAllExtrasUsd', 186.73, 'USD/month'],
      ['cost.monthly100kUsd', 156.36, 'USD/month'],
      ['cost.monthly100kAllExtrasUsd', 283.95, 'USD/month'],
    ]);
  });
});

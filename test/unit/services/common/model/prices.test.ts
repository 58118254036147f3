/** The vendored price table: each configured Bedrock model by its id or inference profile, unknown ones unpriced. */
import { describe, expect, it } from 'vitest';
import { costOf, priceOf } from '#services/common/model/prices.ts';

describe('model prices', () => {
  it('prices Nova Micro at $0.000035 / $0.00014 per 1k tokens: a million of each costs $0.035 + $0.14', () => {
    const price = priceOf('bedrock:amazon.nova-micro-v1:0')!;
    expect(costOf(price, 1_000_000, 1_000_000)).toBeCloseTo(0.175, 10);
  });

  it('gives an inference profile (us., eu., apac., global.) its model price', () => {
    for (const prefix of ['us.', 'eu.', 'apac.', 'global.']) {
      expect(priceOf(`bedrock:${prefix}amazon.nova-pro-v1:0`)).toEqual({ inputPer1k: 0.0008, outputPer1k: 0.0032 });
    }
  });

  it('charges nothing for the offline model', () => {
    expect(costOf(priceOf('offline')!, 5000, 5000)).toBe(0);
  });

  it('has no price for a model the table does not list, rather than a price of zero', () => {
    expect(priceOf('bedrock:amazon.titan-text-express-v1')).toBeUndefined();
    expect(priceOf('openai:gpt-4o-mini')).toBeUndefined();
    expect(priceOf('bedrock:arn:aws:bedrock:eu-west-1:123456789012:inference-profile/x')).toBeUndefined();
  });
});

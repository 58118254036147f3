import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { oneLineReason } from '#services/common/dead-letter.ts';

describe('dead-letter reasons', () => {
  it('turn a zod error into its first issue and a count, on one line', () => {
    const schema = z.object({ goals: z.object({ annualSpending: z.number().max(10), age: z.number() }) });
    const error = schema.safeParse({ goals: { annualSpending: 1e308, age: 'x' } }).error!;
    expect(error.message.split('\n').length).toBeGreaterThan(10);
    expect(oneLineReason(error.message)).toBe('goals.annualSpending: Too big: expected number to be <=10 (and 1 more)');
  });

  it('keep other text, without line breaks, at most 500 characters', () => {
    expect(oneLineReason('boom\n  at x\n  at y')).toBe('boom at x at y');
    expect(oneLineReason('positions[3].symbol: bad')).toBe('positions[3].symbol: bad');
    expect(oneLineReason('x'.repeat(600))).toHaveLength(500);
  });
});

import { describe, expect, it } from 'vitest';
import { atLeast, atMost, formatTable, median, percentile, result } from '#scripts/bench/results.ts';

describe('percentile', () => {
  it('interpolates linearly between the closest ranks', () => {
    // rank = 0.5 · 3 = 1.5: halfway between 2 and 3.
    expect(percentile([4, 1, 3, 2], 50)).toBe(2.5);
    // 1..100: rank = 0.95 · 99 = 94.05, so 95 + 0.05 · (96 − 95).
    const oneToHundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(oneToHundred, 95)).toBeCloseTo(95.05, 10);
    expect(percentile(oneToHundred, 99)).toBeCloseTo(99.01, 10);
  });

  it('gives the extremes at 0 and 100, and the only value of one', () => {
    expect(percentile([7, 3, 9], 0)).toBe(3);
    expect(percentile([7, 3, 9], 100)).toBe(9);
    expect(percentile([42], 99)).toBe(42);
    expect(median([5, 1, 3])).toBe(3);
  });

  it('does not reorder the caller’s array', () => {
    const values = [3, 1, 2];
    percentile(values, 50);
    expect(values).toEqual([3, 1, 2]);
  });

  it('refuses no values and a p outside 0..100', () => {
    expect(() => percentile([], 50)).toThrow(/no values/);
    expect(() => percentile([1], 101)).toThrow(/within 0\.\.100/);
  });
});

describe('result', () => {
  it('decides the target on the unrounded value', () => {
    const r = result('retirement.monteCarlo10kx60Ms', 25.004, 'ms', atMost(25));
    expect(r.value).toBe(25);
    expect(r.met).toBe(false);
    expect(r.target).toBe('<= 25');
  });

  it('meets an at-least target at the bound and leaves informative figures without one', () => {
    expect(result('e2e.analysesPerSecond', 50, 'analyses/s', atLeast(50)).met).toBe(true);
    expect(result('e2e.analysesPerSecond', 49.9, 'analyses/s', atLeast(50)).met).toBe(false);
    expect(result('e2e.latencyP50Ms', 12, 'ms')).toEqual({
      name: 'e2e.latencyP50Ms',
      value: 12,
      unit: 'ms',
      target: null,
      met: null,
    });
  });

  it('refuses a value that is not a finite number', () => {
    expect(() => result('x', Number.NaN, 'ms')).toThrow(/x: measured value is not a finite number/);
  });

  it('prints a missed target so it stands out', () => {
    const table = formatTable([result('a', 1, 'ms', atMost(2)), result('b', 3, 'ms', atMost(2))]);
    expect(table.split('\n')[2]).toMatch(/^a\s+1\s+ms\s+<= 2\s+yes$/);
    expect(table.split('\n')[3]).toMatch(/^b\s+3\s+ms\s+<= 2\s+NO$/);
  });
});

/**
 * Numbers in patterns, by the EventBridge user guide (content filtering, numeric matching):
 * numeric matching works on JSON numbers between -5.0e9 and +5.0e9 inclusive, to six digits
 * after the decimal point; each comparison operator includes or excludes its bound as its
 * symbol says, and a range needs its bottom below its top.
 */
import { describe, expect, it } from 'vitest';
import { compilePattern, matchesPattern } from '#infra/local/event-pattern.ts';

const numeric = (terms: unknown[], value: unknown) => matchesPattern({ v: [{ numeric: terms }] }, { v: value });

describe('numeric bounds', () => {
  it('includes or excludes each bound as its operator says', () => {
    expect(numeric(['<', 5], 5)).toBe(false);
    expect(numeric(['<', 5], 4.999999)).toBe(true);
    expect(numeric(['<=', 5], 5)).toBe(true);
    expect(numeric(['<=', 5], 5.000001)).toBe(false);
    expect(numeric(['>', 5], 5)).toBe(false);
    expect(numeric(['>', 5], 5.000001)).toBe(true);
    expect(numeric(['>=', 5], 5)).toBe(true);
    expect(numeric(['>=', 5], 4.999999)).toBe(false);
    expect(numeric(['=', 5], 5)).toBe(true);
    expect(numeric(['=', 5], 5.000001)).toBe(false);
    expect(numeric(['=', 5], 4.999999)).toBe(false);
    expect(numeric(['>=', 0, '<', 5], 5)).toBe(false);
    expect(numeric(['>=', 0, '<', 5], 0)).toBe(true);
    expect(numeric(['>', 0, '<=', 5], 0)).toBe(false);
  });

  it('lets a one-sided range reach the documented limit of ±5e9, inclusive, and no further', () => {
    expect(numeric(['<', 0], -5e9)).toBe(true);
    expect(numeric(['<', 0], -5.000001e9)).toBe(false);
    expect(numeric(['<=', 0], -5e9)).toBe(true);
    expect(numeric(['>=', 0], 5e9)).toBe(true);
    expect(numeric(['>=', 0], 5.000001e9)).toBe(false);
    expect(numeric(['>=', -5e9, '<=', 5e9], -5e9)).toBe(true);
    expect(numeric(['>=', -5e9, '<=', 5e9], 5e9)).toBe(true);
  });

  it('refuses a range whose bottom is not below its top, one-sided ones at the limit included', () => {
    for (const terms of [
      ['>', 5, '<', 5],
      ['>=', 5, '<=', 5],
      ['>=', 6, '<', 5],
      ['<', -5e9],
      ['>', 5e9],
    ])
      expect(() => compilePattern({ v: [{ numeric: terms }] }), JSON.stringify(terms)).toThrow(
        /Bottom must be less than top/,
      );
    expect(numeric(['>', 4.999999, '<', 5], 4.9999995)).toBe(false);
  });

  it('matches no string, boolean or null, however numeric it looks', () => {
    for (const value of ['5', true, null, '5e0']) expect(numeric(['>=', 0], value), String(value)).toBe(false);
  });
});

describe('numbers within the limits', () => {
  it('accepts pattern numbers with up to six decimals, in any notation and sign', () => {
    for (const n of [0.000001, -0.000001, 2.5e-5, 123.456789, -5e9, 5e9, 1e3])
      expect(() => compilePattern({ v: [{ 'anything-but': n }] }), String(n)).not.toThrow();
  });

  it('refuses pattern numbers with more than six decimals, in any notation and sign', () => {
    // 1e-7 and 1.5e-7 print in exponent notation; -0.1234567 has a sign before its digits.
    for (const n of [1e-7, 1.5e-7, 1e-10, -0.1234567, 0.0000015, 12.1234567])
      expect(() => compilePattern({ v: [{ numeric: ['>', n] }] }), String(n)).toThrow(/upto 6 decimals/);
  });

  it('refuses pattern numbers outside ±5e9 for numeric and anything-but, naming the limits', () => {
    for (const pattern of [
      { v: [{ numeric: ['<', -5.000001e9] }] },
      { v: [{ numeric: ['>', 0, '<', 5.000001e9] }] },
      { v: [{ 'anything-but': -6e9 }] },
      { v: [{ 'anything-but': [1, 6e9] }] },
    ])
      expect(() => compilePattern(pattern), JSON.stringify(pattern)).toThrow(
        'Value must be between -5000000000 and 5000000000, inclusive',
      );
  });

  it('compares exact numbers as numbers: 5, 5.0 and 5e0 are one number', () => {
    expect(matchesPattern({ v: [5] }, { v: 5.0 })).toBe(true);
    expect(matchesPattern({ v: [5] }, { v: 5 })).toBe(true);
    expect(matchesPattern({ v: [-2.5] }, { v: -2.5 })).toBe(true);
    expect(matchesPattern({ v: [5] }, { v: 5.000001 })).toBe(false);
    expect(matchesPattern({ v: [5] }, { v: -5 })).toBe(false);
  });

  it('matches a number beyond the limits exactly, and only itself', () => {
    expect(matchesPattern({ v: [6e9] }, { v: 6e9 })).toBe(true);
    expect(matchesPattern({ v: [6e9] }, { v: 6000000000.000001 })).toBe(false);
    expect(matchesPattern({ v: [6e9] }, { v: 5e9 })).toBe(false);
    expect(matchesPattern({ v: [5e9] }, { v: 6e9 })).toBe(false);
    expect(matchesPattern({ v: [{ 'anything-but': [5e9] }] }, { v: 6e9 })).toBe(true);
  });
});

/**
 * The string operators on values that are not strings, and wildcards whose pieces could be
 * placed wrongly: a suffix or case-insensitive test never matches (nor breaks on) a number,
 * boolean or null, and a wildcard's literal pieces are found in order, without overlapping.
 * Expectations follow the EventBridge user guide: string operators apply to strings only.
 */
import { describe, expect, it } from 'vitest';
import { matchesPattern } from '#infra/local/event-pattern.ts';

const matches = (operator: unknown, value: unknown) => matchesPattern({ v: [operator] }, { v: value });

describe('string operators on values that are not strings', () => {
  const operators = [
    { suffix: '5' },
    { suffix: { 'equals-ignore-case': '5' } },
    { prefix: { 'equals-ignore-case': '1' } },
    { 'equals-ignore-case': 'true' },
    { wildcard: '*' },
  ];
  for (const operator of operators) {
    it(`${JSON.stringify(operator)} matches no number, boolean or null`, () => {
      for (const value of [15, 1.5, true, false, null]) expect(matches(operator, value), String(value)).toBe(false);
    });
  }

  it('the same operators match the strings they name', () => {
    expect(matches({ suffix: '5' }, '15')).toBe(true);
    expect(matches({ suffix: { 'equals-ignore-case': 'RUE' } }, 'true')).toBe(true);
    expect(matches({ prefix: { 'equals-ignore-case': 'TR' } }, 'true')).toBe(true);
  });
});

describe('wildcard pieces', () => {
  it('without a star, matches the whole string only', () => {
    expect(matches({ wildcard: 'ab' }, 'ab')).toBe(true);
    expect(matches({ wildcard: 'ab' }, 'abab')).toBe(false);
  });

  it('finds a middle piece at the very start when the pattern begins with a star', () => {
    expect(matches({ wildcard: '*b*' }, 'bx')).toBe(true);
    expect(matches({ wildcard: '*b*' }, 'b')).toBe(true);
  });

  it('never lets a middle piece overlap the last one', () => {
    // "ab*c*cd": the only c of "abxcd" belongs to the final "cd".
    expect(matches({ wildcard: 'ab*c*cd' }, 'abxcd')).toBe(false);
    expect(matches({ wildcard: 'ab*c*cd' }, 'abccd')).toBe(true);
  });

  it('never lets two middle pieces overlap each other', () => {
    // "aba" holds "ab" and "ba" only by sharing the b.
    expect(matches({ wildcard: '*ab*ba*' }, 'aba')).toBe(false);
    expect(matches({ wildcard: '*ab*ba*' }, 'abba')).toBe(true);
  });
});

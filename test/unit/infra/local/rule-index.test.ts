import { describe, expect, it } from 'vitest';
import {
  compilePattern,
  InvalidEventPatternError,
  MAX_PATTERN_ALTERNATIVES,
  RuleIndex,
} from '#infra/local/event-pattern.ts';
import { generateWorkload } from '#scripts/bench/matcher-workload.ts';

function indexOf(patterns: readonly unknown[]): RuleIndex<number> {
  const index = new RuleIndex<number>();
  patterns.forEach((pattern, i) => index.add(i, compilePattern(pattern)));
  return index;
}

describe('RuleIndex', () => {
  it('finds exactly the rules each pattern matches on its own, in the order they were added', () => {
    const workload = generateWorkload({ rules: 1000, events: 300, seed: 11 });
    const compiled = workload.rules.map((rule) => compilePattern(rule.pattern));
    const index = new RuleIndex<number>();
    compiled.forEach((pattern, i) => index.add(i, pattern));
    let matches = 0;
    for (const text of workload.eventTexts) {
      const event = JSON.parse(text) as unknown;
      const expected = compiled.flatMap((pattern, i) => (pattern.matches(event) ? [i] : []));
      expect(index.matching(event)).toEqual(expected);
      matches += expected.length;
    }
    expect(matches).toBeGreaterThan(300); // the comparison is not vacuous
  });

  it('files rules under exact and prefix values of top-level fields, and still tests the others', () => {
    const index = indexOf([
      { 'detail-type': ['A', 'B'], source: ['s'] },
      { source: [{ prefix: 'par' }] },
      { detail: { n: [{ numeric: ['>', 1] }] } },
      { source: [{ prefix: { 'equals-ignore-case': 'PAR' } }] },
      { resources: ['arn:x'] },
      { 'detail-type': ['A'], $or: [{ source: ['s'] }, { source: ['t'] }] },
    ]);
    expect(index.matching({ 'detail-type': 'B', source: 's', detail: { n: 2 } })).toEqual([0, 2]);
    expect(index.matching({ 'detail-type': 'A', source: 's', detail: {} })).toEqual([0, 5]);
    expect(index.matching({ 'detail-type': 'A', source: 'partner' })).toEqual([1, 3]);
    expect(index.matching({ source: 'Partner', resources: ['arn:y', 'arn:x'] })).toEqual([3, 4]);
    expect(index.matching({ 'detail-type': 'C', source: 't' })).toEqual([]);
  });

  it('answers for an event that is not an object as each pattern does', () => {
    const index = indexOf([{ a: [{ exists: false }] }, { a: ['x'] }]);
    expect(index.matching('scalar')).toEqual([0]);
  });

  it('judges leaves under an array of the event within one element', () => {
    const index = indexOf([{ detail: { p: { t: ['r'], v: [1] } } }, { detail: { p: { t: ['r'] } } }]);
    expect(
      index.matching({
        detail: {
          p: [
            { t: 'r', v: 2 },
            { t: 'q', v: 1 },
          ],
        },
      }),
    ).toEqual([1]);
    expect(index.matching({ detail: { p: { t: 'r', v: 1 } } })).toEqual([0, 1]);
  });
});

describe('$or expansion', () => {
  it(`refuses a pattern whose $or combinations exceed ${MAX_PATTERN_ALTERNATIVES} alternatives`, () => {
    const or = (field: string) => ({ $or: Array.from({ length: 10 }, (_, i) => ({ [field]: [i] })) });
    const pattern = { a: or('x'), b: or('y'), c: or('z'), d: or('w') };
    expect(() => compilePattern(pattern)).toThrow(InvalidEventPatternError);
    expect(() => compilePattern(pattern)).toThrow(/more than 4096 alternatives/);
    expect(compilePattern({ a: or('x'), b: or('y'), c: or('z') }).alternatives).toHaveLength(1000);
  });
});

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

describe('RuleIndex filing', () => {
  it('files only top-level fields: a nested field of the same name is not the event top-level value', () => {
    const index = indexOf([{ detail: { source: ['x'] } }, { detail: { source: [{ prefix: 'x' }] } }]);
    expect(index.matching({ source: 'y', detail: { source: 'x' } })).toEqual([0, 1]);
    expect(index.matching({ source: 'x', detail: { source: 'y' } })).toEqual([]);
  });

  it('follows a filed field into nested arrays of the event, as the matcher crushes them', () => {
    const index = indexOf([{ source: ['s'] }, { source: [{ prefix: 'p' }] }]);
    expect(index.matching({ source: [['a'], ['s']] })).toEqual([0]);
    expect(index.matching({ source: [['a'], [5, 'px']] })).toEqual([1]);
    expect(index.matching({ source: [{ s: 's' }] })).toEqual([]);
  });

  it('finds a rule added after events were matched, beside the rules filed there before', () => {
    const index = new RuleIndex<string>();
    index.add('first', compilePattern({ source: ['s'] }));
    index.add('root', compilePattern({ detail: { n: [1] } }));
    expect(index.matching({ source: 's', detail: { n: 1 } })).toEqual(['first', 'root']);
    index.add('second', compilePattern({ source: ['s'], detail: { n: [1] } }));
    index.add('third', compilePattern({ detail: { n: [{ numeric: ['>', 0] }] } }));
    expect(index.size).toBe(4);
    expect(index.matching({ source: 's', detail: { n: 1 } })).toEqual(['first', 'root', 'second', 'third']);
    expect(index.matching({ source: 's', detail: { n: 2 } })).toEqual(['first', 'third']);
  });

  it('lists a pattern once when several of its alternatives match, whatever its position', () => {
    const index = new RuleIndex<number>();
    // Enough rules and conditions that every table the index keeps per rule and condition grows.
    for (let i = 0; i < 100; i++)
      index.add(i, compilePattern({ source: [`s${i}`], $or: [{ a: [`${i}`] }, { b: [`${i}`] }, { c: [i] }] }));
    index.add(100, compilePattern({ $or: [{ a: ['99'] }, { b: ['99'] }] }));
    expect(index.matching({ source: 's99', a: '99', b: '99', c: 99 })).toEqual([99, 100]);
    expect(index.matching({ source: 's70', a: '70', b: '71', c: 70 })).toEqual([70]);
    expect(index.matching({ source: 's70', a: '71', b: '71', c: 71 })).toEqual([]);
    expect(index.matching({ source: 's99', b: '99' })).toEqual([99, 100]);
  });

  it('finds a rule whose top-level leaf mixes prefixes with other values by any of them', () => {
    const index = indexOf([
      { source: ['x', { prefix: 'p' }] },
      { source: [5, { prefix: 'p' }] },
      { source: [null, { prefix: 'p' }] },
      { source: [{ exists: true }, { prefix: 'p' }] },
      { ip: ['2001:db8::1'] },
      { source: [false, { prefix: 'p' }] },
    ]);
    expect(index.matching({ source: 'x' })).toEqual([0, 3]);
    expect(index.matching({ source: 5 })).toEqual([1, 3]);
    expect(index.matching({ source: null })).toEqual([2, 3]);
    expect(index.matching({ source: false })).toEqual([3, 5]);
    expect(index.matching({ source: 'pz' })).toEqual([0, 1, 2, 3, 5]);
    expect(index.matching({ source: 'y' })).toEqual([3]);
    // An IP literal matches the address in any spelling, which no filing by text could find.
    expect(index.matching({ ip: '2001:0db8:0:0:0:0:0:1' })).toEqual([4]);
  });

  it('needs every one of many leaf conditions, the last one added included', () => {
    const fields = Array.from({ length: 40 }, (_, i) => `f${i}`);
    const index = indexOf([{ detail: Object.fromEntries(fields.map((field) => [field, ['y']])) }]);
    const all = Object.fromEntries(fields.map((field) => [field, 'y']));
    expect(index.matching({ detail: all })).toEqual([0]);
    expect(index.matching({ detail: { ...all, f39: 'n' } })).toEqual([]);
    expect(index.matching({ detail: { ...all, f0: 'n' } })).toEqual([]);
  });

  it('judges each condition afresh for each event, shared or not', () => {
    const index = indexOf([
      { source: ['s'], detail: { state: ['on'] } },
      { source: ['t'], detail: { state: ['on'] } },
      { detail: { state: ['on'], n: [1] } },
    ]);
    expect(index.matching({ source: 's', detail: { state: 'on', n: 1 } })).toEqual([0, 2]);
    expect(index.matching({ source: 's', detail: { state: 'off', n: 1 } })).toEqual([]);
    expect(index.matching({ source: 't', detail: { state: 'on' } })).toEqual([1]);
    expect(index.matching({ source: 't', detail: 'on' })).toEqual([]);
    expect(index.matching({ source: 't', detail: { state: 'on', n: 1 } })).toEqual([1, 2]);
  });

  it('keeps answering correctly once its count of matched events wraps around', () => {
    const index = indexOf([{ source: ['s'], detail: { state: ['on'] } }, { detail: { n: [1] } }]);
    expect(index.matching({ source: 's', detail: { state: 'on', n: 1 } })).toEqual([0, 1]);
    // 2^32 events cannot be sent in a test: set the counter the index stamps its per-event answers
    // with. The last event before the wrap does not reach rule 0, so only a reset clears its stamp
    // from the first event, which the count comes back to.
    (index as unknown as { call: number }).call = 0xfffffffe;
    expect(index.matching({ source: 't', detail: { state: 'on', n: 2 } })).toEqual([]);
    expect(index.matching({ source: 's', detail: { state: 'on', n: 1 } })).toEqual([0, 1]);
    expect(index.matching({ source: 's', detail: { state: 'off', n: 2 } })).toEqual([]);
    expect(index.matching({ source: 's', detail: { state: 'on', n: 2 } })).toEqual([0]);
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

  it(`takes exactly ${MAX_PATTERN_ALTERNATIVES} alternatives, from $or or from exists: false beside values`, () => {
    // Each field below doubles the alternatives: 2^12 = 4096 is the limit, 2^13 is over it.
    const ors = (n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, { $or: [{ a: ['x'] }, { b: ['y'] }] }]));
    expect(compilePattern(ors(12)).alternatives).toHaveLength(4096);
    expect(() => compilePattern(ors(13))).toThrow(/\$or combinations expand into more than 4096 alternatives/);
    const absentOr = (n: number) =>
      Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, ['x', { exists: false }]]));
    expect(compilePattern(absentOr(12)).alternatives).toHaveLength(4096);
    expect(() => compilePattern(absentOr(13))).toThrow(/exists: false beside other values expands into more than 4096/);
  });
});

/**
 * Regression cases from a differential run of the local matcher against aws/event-ruler (the
 * engine EventBridge runs), built from its source at development time and run on the bench
 * workload and on generated patterns and events. Each expected value is the engine's answer for
 * a machine holding only that rule (its rulesForJSONEvent), one case per class of disagreement
 * found, plus the case-sensitivity of prefix, which nothing else tested.
 */
import { describe, expect, it } from 'vitest';
import { compilePattern, RuleIndex } from '#infra/local/event-pattern.ts';

interface Case {
  behaviour: string;
  pattern: unknown;
  /** Each event detail with event-ruler's answer. */
  details: [detail: unknown, engine: boolean][];
}

const CASES: Case[] = [
  {
    behaviour: 'array consistency holds across a $or branch and the fields outside it',
    pattern: { detail: { p: { t: ['r'] }, $or: [{ k: ['1'] }, { p: { v: [{ numeric: ['>', 5] }] } }] } },
    details: [
      [
        {
          p: [
            { t: 'r', v: 1 },
            { t: 'q', v: 9 },
          ],
        },
        false,
      ],
      [
        {
          p: [
            { t: 'r', v: 9 },
            { t: 'q', v: 1 },
          ],
        },
        true,
      ],
      [{ p: [{ t: 'r' }], k: '1' }, true],
    ],
  },
  {
    behaviour: 'a field inside a $or branch replaces the same field outside it',
    pattern: { detail: { a: ['x'], $or: [{ a: ['y'] }, { b: ['z'] }] } },
    details: [
      [{ a: 'y' }, true],
      [{ a: 'x', b: 'z' }, true],
      [{ a: 'x' }, false],
      [{ a: 'y', b: 'z' }, true],
      [{ a: ['x', 'y'] }, true],
    ],
  },
  {
    behaviour: 'a field after a $or replaces the same field in its branches',
    pattern: { detail: { $or: [{ a: ['y'] }, { b: ['z'] }], a: ['x'] } },
    details: [
      [{ a: 'y' }, false],
      [{ a: 'x' }, true],
      [{ a: 'x', b: 'z' }, true],
      [{ a: 'y', b: 'z' }, false],
    ],
  },
  {
    behaviour: 'replacement goes by the whole field path, across nesting levels',
    pattern: { detail: { n: { a: ['x'] }, $or: [{ n: { a: ['y'] } }, { b: ['z'] }] } },
    details: [
      [{ n: { a: 'y' } }, true],
      [{ n: { a: 'x' }, b: 'z' }, true],
      [{ n: { a: 'x' } }, false],
    ],
  },
  {
    behaviour: 'nested $or branches keep array consistency with every enclosing level',
    pattern: {
      detail: {
        p: { s: ['VTI'], $or: [{ q: [{ numeric: ['>', 100] }] }, { $or: [{ pinned: [true] }, { tag: ['core'] }] }] },
      },
    },
    details: [
      [
        {
          p: [
            { s: 'VTI', q: 5 },
            { s: 'BND', pinned: true },
          ],
        },
        false,
      ],
      [{ p: [{ s: 'VTI', tag: 'core' }] }, true],
      [{ p: [{ s: 'BND', tag: 'core' }, { s: 'VTI' }] }, false],
    ],
  },
  {
    behaviour: 'exists: false is judged among the elements consistent with fields named before it',
    pattern: { detail: { b: { a: ['1'], b: [{ exists: false }] } } },
    details: [
      [{ b: [{ a: '1' }, { b: 9 }] }, true],
      [{ b: [{ a: '1', b: 9 }, { a: '2' }] }, false],
      [{ b: [{ a: '1', b: 9 }, { a: '1' }] }, true],
      [{ b: [{ a: '1', b: { x: 1 } }] }, true],
    ],
  },
  {
    behaviour: 'exists: false named before the present fields is judged on the whole event',
    pattern: { detail: { b: { p: [{ exists: false }], q: ['1'] } } },
    details: [
      [{ b: [{ q: '1' }, { p: 1 }] }, false],
      [{ b: [{ q: '1', p: 1 }, { q: '1' }] }, false],
      [{ b: [{ q: '1' }, { r: 1 }] }, true],
    ],
  },
  {
    behaviour: 'exists: false alone in an array of objects needs the field absent from every element',
    pattern: { detail: { b: { p: [{ exists: false }] } } },
    details: [
      [{ b: [{ a: 1 }, { p: 1 }] }, false],
      [{ b: [{ a: 1 }, { a: 2 }] }, true],
      [{ b: [] }, true],
      [{ b: [{ p: { x: 1 } }] }, true],
    ],
  },
  {
    behaviour: 'exists: false beside values: absent, or one of the values',
    pattern: { detail: { b: { p: [{ exists: false }, 'x'], q: ['1'] } } },
    details: [
      [{ b: [{ q: '1' }, { p: 'y' }] }, false],
      [{ b: [{ q: '1' }, { p: 'x' }] }, false],
      [{ b: [{ q: '1', p: 'x' }, { p: 'y' }] }, true],
      [{ b: [{ q: '1' }] }, true],
    ],
  },
  {
    behaviour: 'exists: false beside a numeric range in an array of objects',
    pattern: { detail: { b: { p: [{ exists: false }, { numeric: ['>', 0] }] } } },
    details: [
      [{ b: [{ a: 1 }, { p: 'x' }] }, false],
      [{ b: [{ a: 1 }] }, true],
      [{ b: [{ a: 1 }, { p: 5 }] }, true],
      [{ b: { p: 'x' } }, false],
    ],
  },
  {
    behaviour: 'prefix is case-sensitive',
    pattern: { detail: { s: [{ prefix: 'Ab' }] } },
    details: [
      [{ s: 'ab.c' }, false],
      [{ s: 'Ab.c' }, true],
      [{ s: 'AB.c' }, false],
    ],
  },
  {
    behaviour: 'anything-but prefix is case-sensitive',
    pattern: { detail: { s: [{ 'anything-but': { prefix: 'Ab' } }] } },
    details: [
      [{ s: 'ab.c' }, true],
      [{ s: 'Ab.c' }, false],
      [{ s: 'AB.c' }, true],
    ],
  },
];

describe('the local matcher answers as event-ruler does', () => {
  for (const { behaviour, pattern, details } of CASES) {
    it(behaviour, () => {
      const compiled = compilePattern(pattern);
      const index = new RuleIndex<string>();
      index.add('rule', compiled);
      for (const [detail, engine] of details) {
        const event = { source: 's', detail };
        expect(compiled.matches(event), JSON.stringify(detail)).toBe(engine);
        expect(index.matching(event), JSON.stringify(detail)).toEqual(engine ? ['rule'] : []);
      }
    });
  }
});

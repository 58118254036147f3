/**
 * What a leaf is, as the EventBridge user guide and event-ruler define it: a scalar (string,
 * number, boolean or null) at the pattern's path, directly or inside event arrays at any depth;
 * an object, or an array holding only objects, is no leaf. An object in the pattern needs an
 * object in the event (or an array holding one that matches).
 */
import { describe, expect, it } from 'vitest';
import { compilePattern, matchesPattern } from '#infra/local/event-pattern.ts';

describe('leaves inside event arrays', () => {
  it('counts null as a leaf inside an array as well as alone', () => {
    expect(matchesPattern({ v: [null] }, { v: ['a', null] })).toBe(true);
    expect(matchesPattern({ v: [null] }, { v: [['a'], [null]] })).toBe(true);
    expect(matchesPattern({ v: [null] }, { v: ['a', 'null'] })).toBe(false);
    expect(matchesPattern({ v: [{ exists: true }] }, { v: [null] })).toBe(true);
  });

  it('finds no leaf in an array of objects or of empty arrays', () => {
    const exists = { v: [{ exists: true }] };
    expect(matchesPattern(exists, { v: [{ a: 1 }] })).toBe(false);
    expect(matchesPattern(exists, { v: [[], [[]]] })).toBe(false);
    expect(matchesPattern(exists, { v: [[{ a: 1 }], ['x']] })).toBe(true);
    expect(matchesPattern({ v: [{ 'anything-but': 'x' }] }, { v: [{ a: 'y' }] })).toBe(false);
    expect(matchesPattern({ v: [{ 'anything-but': 'x' }] }, { v: [{ a: 'y' }, 'x', ['y']] })).toBe(true);
  });

  it('takes exists: true beside other values as any leaf at all', () => {
    const pattern = { v: ['x', { exists: true }] };
    expect(matchesPattern(pattern, { v: 'y' })).toBe(true);
    expect(matchesPattern(pattern, { v: [7] })).toBe(true);
    expect(matchesPattern(pattern, {})).toBe(false);
    expect(matchesPattern(pattern, { v: { x: 'x' } })).toBe(false);
  });

  it('finds no leaf in a value JSON cannot hold, such as a function', () => {
    const event = { v: () => 'x' };
    expect(matchesPattern({ v: [{ exists: true }] }, event)).toBe(false);
    expect(matchesPattern({ v: [{ exists: false }] }, event)).toBe(true);
    expect(matchesPattern({ v: [{ 'anything-but': 'y' }] }, event)).toBe(false);
  });
});

describe('exists: false inside event arrays', () => {
  it('sees a leaf of every kind in an element: string, number, boolean, null', () => {
    const pattern = { p: { e: [{ exists: false }] } };
    for (const value of ['x', '', 0, false, true, null])
      expect(matchesPattern(pattern, { p: [{ a: 1 }, { e: value }] }), String(value)).toBe(false);
    expect(matchesPattern(pattern, { p: [{ a: 1 }, { e: {} }, { e: [] }, { e: [{}] }] })).toBe(true);
    expect(matchesPattern(pattern, { p: [{ a: 1 }, { e: [[null]] }] })).toBe(false);
  });

  it('judges a field in a nested array by the element of the outer array the fields before it matched', () => {
    // "x.a" comes before "x.b.c": c counts only in the x element whose a is "1", whatever b's index.
    const pattern = { x: { a: ['1'], b: { c: [{ exists: false }] } } };
    expect(matchesPattern(pattern, { x: [{ a: '1', b: [{}, { c: 1 }] }] })).toBe(false);
    expect(
      matchesPattern(pattern, {
        x: [
          { a: '1', b: [{ d: 1 }] },
          { a: '2', b: [{}, { c: 1 }] },
        ],
      }),
    ).toBe(true);
  });

  it('sees a leaf in an array at the path as well as under one', () => {
    expect(matchesPattern({ p: [{ exists: false }] }, { p: [1] })).toBe(false);
    expect(matchesPattern({ p: [{ exists: false }] }, { p: [[false]] })).toBe(false);
    expect(matchesPattern({ p: [{ exists: false }] }, { p: [[{ q: 1 }]] })).toBe(true);
    expect(matchesPattern({ p: { q: [{ exists: false }] } }, { p: { q: [null] } })).toBe(false);
  });
});

describe('lists of exact strings', () => {
  it('match each of their strings and nothing else, short lists and long ones alike', () => {
    for (const list of [
      ['1', '2'],
      ['1', '2', '3', '4'],
      ['1', '2', '3', '4', '5', '6'],
    ]) {
      for (const value of list) expect(matchesPattern({ v: list }, { v: value }), `${list} ${value}`).toBe(true);
      for (const value of ['7', 1, 2, true, null, '']) expect(matchesPattern({ v: list }, { v: value })).toBe(false);
      expect(matchesPattern({ v: [{ 'anything-but': list }] }, { v: list.at(-1) })).toBe(false);
      expect(matchesPattern({ v: [{ 'anything-but': list }] }, { v: 1 })).toBe(true);
    }
  });
});

describe('events that are not objects', () => {
  it('have no fields, not even the properties of a string or an array', () => {
    expect(matchesPattern({ length: [3] }, 'abc')).toBe(false);
    expect(matchesPattern({ length: [{ exists: true }] }, [1, 2, 3])).toBe(false);
    expect(matchesPattern({ length: [{ exists: false }] }, 'abc')).toBe(true);
    expect(matchesPattern({ p: { length: [{ exists: false }] } }, { p: 'abc' })).toBe(true);
    expect(matchesPattern({ p: { length: [{ exists: false }] }, q: ['1'] }, { p: ['abc'], q: '1' })).toBe(true);
  });
});

describe('objects in the pattern', () => {
  it('need an object in the event: null, a scalar or an array of scalars is none', () => {
    const pattern = { a: { b: ['x'] } };
    expect(matchesPattern(pattern, { a: null })).toBe(false);
    expect(matchesPattern(pattern, { a: 'x' })).toBe(false);
    expect(matchesPattern(pattern, { a: ['x', 'b'] })).toBe(false);
    expect(matchesPattern(pattern, { a: [null, 5, { b: 'x' }] })).toBe(true);
    expect(matchesPattern(pattern, { a: [[null], [[{ b: 'x' }]]] })).toBe(true);
    expect(matchesPattern(pattern, { a: [[null], [[{ b: 'y' }]]] })).toBe(false);
  });

  it('share nothing between two patterns that differ only below the same field', () => {
    const onX = compilePattern({ a: { b: ['x'] }, c: ['1'] });
    const onY = compilePattern({ a: { b: ['y'] }, c: ['1'] });
    const event = { a: { b: 'x' }, c: '1' };
    expect(onX.matches(event)).toBe(true);
    expect(onY.matches(event)).toBe(false);
    expect(onY.matches({ a: { b: 'y' }, c: '1' })).toBe(true);
    expect(onX.matches({ a: { b: 'y' }, c: '1' })).toBe(false);
  });
});

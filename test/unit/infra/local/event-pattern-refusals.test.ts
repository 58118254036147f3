/**
 * Refusals in full: the names event-ruler reserves inside `$or` (its Constants
 * RESERVED_FIELD_NAMES_IN_OR_RELATIONSHIP: the operators, the numeric comparisons and the words kept
 * for later), and the whole reason of refusals whose wording names what was found.
 */
import { describe, expect, it } from 'vitest';
import { compilePattern, InvalidEventPatternError } from '#infra/local/event-pattern.ts';

function reasonOf(pattern: unknown): string {
  try {
    compilePattern(pattern);
  } catch (error) {
    if (error instanceof InvalidEventPatternError) return `${error.reason} at ${error.path}`;
    throw error;
  }
  throw new Error(`${JSON.stringify(pattern)} was accepted`);
}

// Copied from event-ruler's Constants.java, not from our code.
const RESERVED = [
  'exactly',
  'equals-ignore-case',
  'prefix',
  'suffix',
  'anything-but',
  'exists',
  'wildcard',
  'numeric',
  'cidr',
  '=',
  '<',
  '<=',
  '>',
  '>=',
  'regex',
  'not-wildcard',
  'not-equals-ignore-case',
  'date-after',
  'date-on-or-after',
  'date-before',
  'date-on-or-before',
  'in-date-range',
  'ip-address-in-range',
  'ip-address-not-in-range',
];

describe('names reserved inside $or', () => {
  for (const name of RESERVED) {
    it(`refuses "${name}" as a field name inside $or, and takes it outside`, () => {
      expect(reasonOf({ $or: [{ a: ['x'] }, { [name]: ['y'] }] })).toBe(
        `${name} is Ruler reserved fieldName which cannot be used inside $or. at $or[1].${name}`,
      );
      expect(compilePattern({ [name]: ['y'] }).matches({ [name]: 'y' })).toBe(true);
    });
  }

  it('takes any other name inside $or, including ones close to a reserved one', () => {
    for (const name of ['html', 'Prefix', 'exist', 'numerics', '=='])
      expect(compilePattern({ $or: [{ a: ['x'] }, { [name]: ['y'] }] }).matches({ [name]: 'y' }), name).toBe(true);
  });
});

describe('reasons that name what was found', () => {
  it('is an error named InvalidEventPatternError, with its path after the reason', () => {
    const error = (() => {
      try {
        compilePattern({ a: 'x' });
      } catch (thrown) {
        return thrown as InvalidEventPatternError;
      }
    })();
    expect(error?.name).toBe('InvalidEventPatternError');
    expect(error?.message).toBe('Event pattern is not valid. Reason: "a" must be an object or an array at a');
  });

  it('lists every key of an operator object that has more than one', () => {
    expect(reasonOf({ s: [{ prefix: 'a', suffix: 'b', wildcard: 'c' }] })).toBe(
      'Only one key allowed in match expression, found "prefix", "suffix", "wildcard" at s[0]',
    );
  });

  it('names the operator a prefix or suffix object lacks or does not support', () => {
    expect(reasonOf({ s: [{ prefix: {} }] })).toBe('Prefix expression name not found at s[0].prefix');
    expect(reasonOf({ s: [{ suffix: {} }] })).toBe('Suffix expression name not found at s[0].suffix');
    expect(reasonOf({ s: [{ suffix: { wildcard: 'a' } }] })).toBe(
      'Unsupported suffix pattern: wildcard at s[0].suffix',
    );
  });

  it('names the numeric operator and value it could not read', () => {
    expect(reasonOf({ n: [{ numeric: ['>', 0, '<'] }] })).toBe('Value of < must be numeric at n[0].numeric');
    expect(reasonOf({ n: [{ numeric: ['>=', 0, '<=', 'x'] }] })).toBe('Value of <= must be numeric at n[0].numeric[3]');
    expect(reasonOf({ n: [{ numeric: [null] }] })).toBe('Invalid member in numeric match: null at n[0].numeric[0]');
    expect(reasonOf({ n: [{ numeric: ['>', 0, null] }] })).toBe('Bad value in numeric range: null at n[0].numeric[2]');
    expect(reasonOf({ n: [{ numeric: ['=', Number.NaN] }] })).toBe('Value of = must be numeric at n[0].numeric[1]');
  });

  it('names the anything-but operator and list item it refuses', () => {
    expect(reasonOf({ s: [{ 'anything-but': { exists: true } }] })).toBe(
      'Unsupported anything-but pattern: exists at s[0].anything-but',
    );
    expect(reasonOf({ s: [{ 'anything-but': { prefix: ['a', ''] } }] })).toBe(
      'Null prefix/suffix not allowed at s[0].anything-but.prefix[1]',
    );
    expect(reasonOf({ s: [{ 'anything-but': { suffix: '' } }] })).toBe(
      'Null prefix/suffix not allowed at s[0].anything-but.suffix',
    );
    expect(reasonOf({ s: [{ 'anything-but': { wildcard: 5 } }] })).toBe(
      'wildcard match pattern must be a string at s[0].anything-but.wildcard',
    );
    expect(reasonOf({ s: [{ 'anything-but': { prefix: true } }] })).toBe(
      'Value of anything-but must be an array or single string/number value. at s[0].anything-but.prefix',
    );
    expect(reasonOf({ s: [{ 'anything-but': { 'equals-ignore-case': 5 } }] })).toBe(
      'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported. ' +
        'at s[0].anything-but.equals-ignore-case',
    );
    expect(reasonOf({ s: [{ 'anything-but': [1, 2.0000001] }] })).toBe(
      'Only values upto 6 decimals are supported at s[0].anything-but[1]',
    );
  });

  it('names the value a leaf cannot hold and the field that is neither object nor array', () => {
    expect(reasonOf({ a: { b: [{ prefix: 'x' }, ['y']] } })).toBe(
      'Match value must be String, number, true, false, or null at a.b[1]',
    );
    expect(reasonOf({ a: { b: true } })).toBe('"b" must be an object or an array at a.b');
  });
});

/**
 * Tests on one leaf value of an event (a string, number, boolean or null), built once per
 * pattern. Each is a closure over precomputed data, so matching allocates nothing except where
 * case folding needs a lowered copy of the value.
 */
import { type IpRange, ipInRange, parseIpAddress } from './ip.ts';

export type Scalar = string | number | boolean | null;
export type ScalarTest = (value: Scalar) => boolean;

/** event-ruler compares numbers within ±5e9, to six decimal places. */
export const NUMERIC_LIMIT = 5e9;
export const MAX_DECIMALS = 6;
const MICRO = 1e6;

export function isComparableNumber(value: number): boolean {
  return value >= -NUMERIC_LIMIT && value <= NUMERIC_LIMIT;
}

/** Number of digits after the decimal point in the shortest form of `value` (1e-7 has 7). */
export function decimalsOf(value: number): number {
  const match = /^(\d+)(?:\.(\d+))?(?:e([+-]\d+))?$/.exec(String(Math.abs(value)));
  if (!match) return 0;
  const fraction = match[2]?.length ?? 0;
  const exponent = match[3] ? Number(match[3]) : 0;
  return Math.max(0, fraction - exponent);
}

/** The value in millionths, the unit event-ruler compares in. */
export function toMicros(value: number): number {
  return Math.round(value * MICRO);
}

/** Equality of an event number with a pattern number: numeric (5 matches 5.0), never textual. */
export function numberEquals(patternValue: number): (value: number) => boolean {
  if (!isComparableNumber(patternValue)) return (value) => value === patternValue;
  const micros = toMicros(patternValue);
  return (value) => value === patternValue || (isComparableNumber(value) && toMicros(value) === micros);
}

/** A numeric range in millionths; open ends exclude the bound. */
export interface NumericRange {
  readonly low: number;
  readonly lowOpen: boolean;
  readonly high: number;
  readonly highOpen: boolean;
}

export function inNumericRange(range: NumericRange): ScalarTest {
  const low = toMicros(range.low);
  const high = toMicros(range.high);
  const { lowOpen, highOpen } = range;
  return (value) => {
    if (typeof value !== 'number' || !isComparableNumber(value)) return false;
    const micros = toMicros(value);
    return (lowOpen ? micros > low : micros >= low) && (highOpen ? micros < high : micros <= high);
  };
}

/** Equality with one of the strings (a number, boolean or null equals none of them). */
export function exactStrings(values: readonly string[]): ScalarTest {
  if (values.length === 1) {
    const only = values[0]!;
    return (value) => value === only;
  }
  // Stryker disable next-line all: a short list is searched faster than a set is hashed; both answer alike
  if (values.length <= 4) return (value) => values.includes(value as string);
  const set = new Set<unknown>(values);
  return (value) => set.has(value);
}

/** A pattern string that is an IP literal also matches other spellings of the same address. */
export function sameIpAddress(address: Uint8Array): ScalarTest {
  const range: IpRange = { low: address, high: address };
  return (value) => {
    if (typeof value !== 'string') return false;
    const parsed = parseIpAddress(value);
    return parsed !== undefined && ipInRange(parsed, range);
  };
}

export function inCidr(range: IpRange): ScalarTest {
  return (value) => {
    if (typeof value !== 'string') return false;
    const parsed = parseIpAddress(value);
    return parsed !== undefined && ipInRange(parsed, range);
  };
}

export function hasPrefix(prefix: string): ScalarTest {
  return (value) => typeof value === 'string' && value.startsWith(prefix);
}

export function hasSuffix(suffix: string): ScalarTest {
  return (value) => typeof value === 'string' && value.endsWith(suffix);
}

export function equalsIgnoringCase(text: string): ScalarTest {
  const lowered = text.toLowerCase();
  return (value) => typeof value === 'string' && value.toLowerCase() === lowered;
}

export function hasPrefixIgnoringCase(prefix: string): ScalarTest {
  const lowered = prefix.toLowerCase();
  return (value) => typeof value === 'string' && value.toLowerCase().startsWith(lowered);
}

export function hasSuffixIgnoringCase(suffix: string): ScalarTest {
  const lowered = suffix.toLowerCase();
  return (value) => typeof value === 'string' && value.toLowerCase().endsWith(lowered);
}

/**
 * Splits a wildcard pattern into the literal pieces between its `*`s, resolving `\*` and `\\`.
 * Returns the reason as a string when the pattern is malformed (the rules are event-ruler's:
 * no two consecutive `*`, and a backslash may only escape `*` or another backslash).
 */
export function parseWildcard(pattern: string): string[] | string {
  const pieces: string[] = [];
  let current = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '*') {
      if (pattern[i + 1] === '*') return `Consecutive wildcard characters at pos ${i}`;
      pieces.push(current);
      current = '';
    } else if (char === '\\') {
      const next = pattern[i + 1];
      if (next !== '*' && next !== '\\') return `Invalid escape character at pos ${i}`;
      current += next;
      i++;
    } else {
      current += char;
    }
  }
  pieces.push(current);
  return pieces;
}

/**
 * Matches a string against wildcard pieces: the first piece anchors the start, the last the end,
 * and the ones between are found left to right. With `*` as the only metacharacter the leftmost
 * placement of each middle piece is always the best one, so no backtracking is needed.
 */
export function matchesWildcard(pieces: readonly string[]): (value: string) => boolean {
  if (pieces.length === 1) {
    const only = pieces[0]!;
    return (value) => value === only;
  }
  const first = pieces[0]!;
  const last = pieces[pieces.length - 1]!;
  const middle = pieces.slice(1, -1).filter((piece) => piece !== '');
  const minLength = pieces.reduce((sum, piece) => sum + piece.length, 0);
  return (value) => {
    if (value.length < minLength || !value.startsWith(first) || !value.endsWith(last)) return false;
    let position = first.length;
    const end = value.length - last.length;
    for (let i = 0; i < middle.length; i++) {
      const piece = middle[i]!;
      const found = value.indexOf(piece, position);
      if (found < 0 || found + piece.length > end) return false;
      position = found + piece.length;
    }
    return true;
  };
}

export function wildcard(pieces: readonly string[]): ScalarTest {
  const matches = matchesWildcard(pieces);
  return (value) => typeof value === 'string' && matches(value);
}

/** Any of the tests; the common one-test case avoids the loop. */
export function anyOf(tests: readonly ScalarTest[]): ScalarTest {
  if (tests.length === 1) return tests[0]!;
  return (value) => {
    for (let i = 0; i < tests.length; i++) if (tests[i]!(value)) return true;
    return false;
  };
}

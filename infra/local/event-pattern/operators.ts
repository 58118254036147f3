/**
 * The content-filter operators of a leaf (`{ "prefix": "us-" }`, `{ "numeric": [">", 0] }`, ...):
 * validated the way event-ruler validates them, and turned into scalar tests.
 */
import { invalid, type PatternPath } from './errors.ts';
import { parseCidr } from './ip.ts';
import {
  decimalsOf,
  equalsIgnoringCase,
  exactStrings,
  hasPrefix,
  hasPrefixIgnoringCase,
  hasSuffix,
  hasSuffixIgnoringCase,
  inCidr,
  inNumericRange,
  MAX_DECIMALS,
  NUMERIC_LIMIT,
  numberEquals,
  parseWildcard,
  type Scalar,
  type ScalarTest,
  wildcard,
} from './scalar.ts';

/** A compiled operator: a test on leaf values, or a presence requirement. */
export type Operator =
  | {
      readonly kind: 'test';
      readonly test: ScalarTest;
      readonly cost: number;
      /** Set for a plain (case-sensitive) prefix: the test is exactly "starts with it". */
      readonly prefix?: string;
    }
  | { readonly kind: 'exists'; readonly present: boolean };

/**
 * Names event-ruler reserves: they cannot be field names inside `$or`, where they would be
 * ambiguous with an operator.
 */
export const RESERVED_IN_OR = new Set([
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
]);

type JsonObject = Record<string, unknown>;

function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function onlyKey(expression: JsonObject, path: PatternPath, emptyReason: string): [string, unknown] {
  const keys = Object.keys(expression);
  if (keys.length === 0) invalid(path, emptyReason);
  if (keys.length > 1)
    invalid(path, `Only one key allowed in match expression, found ${keys.map((k) => `"${k}"`).join(', ')}`);
  return [keys[0]!, expression[keys[0]!]];
}

function requireString(value: unknown, path: PatternPath, what: string): string {
  if (typeof value !== 'string') invalid(path, `${what} match pattern must be a string`);
  return value;
}

export function compileOperator(expression: JsonObject, path: PatternPath): Operator {
  const [name, argument] = onlyKey(expression, path, 'Match expression name not found');
  const at = [...path, name];
  switch (name) {
    case 'prefix': {
      if (isObject(argument)) return test(hasPrefixIgnoringCase(ignoreCaseArgument(argument, at, 'prefix')), 3);
      const prefix = requireString(argument, at, 'prefix');
      return { kind: 'test', test: hasPrefix(prefix), cost: 2, prefix };
    }
    case 'suffix':
      if (isObject(argument)) return test(hasSuffixIgnoringCase(ignoreCaseArgument(argument, at, 'suffix')), 3);
      return test(hasSuffix(requireString(argument, at, 'suffix')), 2);
    case 'equals-ignore-case':
      return test(equalsIgnoringCase(requireString(argument, at, 'equals-ignore-case')), 3);
    case 'wildcard':
      return test(wildcardTest(requireString(argument, at, 'wildcard'), at), 4);
    case 'anything-but':
      return test(compileAnythingBut(argument, at), 3);
    case 'numeric':
      return test(inNumericRange(compileNumericRange(argument, at)), 2);
    case 'exists':
      if (typeof argument !== 'boolean') invalid(at, 'exists match pattern must be either true or false.');
      return { kind: 'exists', present: argument };
    case 'cidr': {
      const range = parseCidr(requireString(argument, at, 'cidr'));
      if (typeof range === 'string') invalid(at, range);
      return test(inCidr(range), 5);
    }
    default:
      return invalid(path, `Unrecognized match type ${name}`);
  }
}

function test(scalarTest: ScalarTest, cost: number): Operator {
  return { kind: 'test', test: scalarTest, cost };
}

/** `{ "prefix": { "equals-ignore-case": "..." } }` and the same for suffix. */
function ignoreCaseArgument(argument: JsonObject, path: PatternPath, operator: string): string {
  const label = operator === 'prefix' ? 'Prefix' : 'Suffix';
  const [name, value] = onlyKey(argument, path, `${label} expression name not found`);
  if (name !== 'equals-ignore-case') invalid(path, `Unsupported ${operator} pattern: ${name}`);
  return requireString(value, [...path, name], 'equals-ignore-case');
}

function wildcardTest(pattern: string, path: PatternPath): ScalarTest {
  const pieces = parseWildcard(pattern);
  if (typeof pieces === 'string') invalid(path, pieces);
  return wildcard(pieces);
}

/**
 * anything-but matches any leaf value that exists and is not excluded. Excluded strings never
 * exclude numbers and excluded numbers never exclude strings, so `{"anything-but": "5"}` matches 5.
 */
function compileAnythingBut(argument: unknown, path: PatternPath): ScalarTest {
  if (isObject(argument)) return compileAnythingButOperator(argument, path);
  if (typeof argument === 'string') return not(exactStrings([argument]));
  if (typeof argument === 'number') return not(numbersIn([checkedNumber(argument, path)]));
  if (Array.isArray(argument)) {
    const strings = argument.filter((item): item is string => typeof item === 'string');
    const numbers = argument.filter((item): item is number => typeof item === 'number');
    argument.forEach((item, index) => {
      if (typeof item !== 'string' && typeof item !== 'number') {
        invalid([...path, index], 'Inside anything but list, start|null|boolean is not supported.');
      }
    });
    if (strings.length > 0 === numbers.length > 0) {
      invalid(path, 'Inside anything but list, either all values are number or string, mixed type is not supported');
    }
    if (strings.length > 0) return not(exactStrings(strings));
    return not(numbersIn(numbers.map((n, index) => checkedNumber(n, [...path, index]))));
  }
  return invalid(path, 'Value of anything-but must be an array or single string/number value.');
}

const ANYTHING_BUT_OPERATORS = new Set(['equals-ignore-case', 'prefix', 'suffix', 'wildcard']);

function compileAnythingButOperator(argument: JsonObject, path: PatternPath): ScalarTest {
  const [name, value] = onlyKey(argument, path, 'Anything-But expression name not found');
  const at = [...path, name];
  if (!ANYTHING_BUT_OPERATORS.has(name)) invalid(path, `Unsupported anything-but pattern: ${name}`);
  const texts = anythingButStrings(value, at, name);
  switch (name) {
    case 'equals-ignore-case':
      return not(anyString(texts.map(equalsIgnoringCase)));
    case 'prefix':
      return not(anyString(texts.map(hasPrefix)));
    case 'suffix':
      return not(anyString(texts.map(hasSuffix)));
    case 'wildcard':
      return not(anyString(texts.map((text, index) => wildcardTest(text, Array.isArray(value) ? [...at, index] : at))));
    default:
      return invalid(path, `Unsupported anything-but pattern: ${name}`);
  }
}

/** The string (or list of strings) an anything-but operator excludes. */
function anythingButStrings(value: unknown, path: PatternPath, operator: string): string[] {
  const items = Array.isArray(value) ? value : [value];
  if (!Array.isArray(value) && typeof value !== 'string' && typeof value !== 'number') {
    invalid(path, 'Value of anything-but must be an array or single string/number value.');
  }
  return items.map((item, index) => {
    const at = Array.isArray(value) ? [...path, index] : path;
    if (typeof item !== 'string') {
      if (operator === 'equals-ignore-case') {
        invalid(at, 'Inside anything-but/equals-ignore-case list, number|start|null|boolean is not supported.');
      }
      invalid(at, `${operator === 'wildcard' ? 'wildcard' : 'prefix/suffix'} match pattern must be a string`);
    }
    if ((operator === 'prefix' || operator === 'suffix') && item === '') invalid(at, 'Null prefix/suffix not allowed');
    return item;
  });
}

function anyString(tests: readonly ScalarTest[]): ScalarTest {
  return (value) => {
    for (let i = 0; i < tests.length; i++) if (tests[i]!(value)) return true;
    return false;
  };
}

function not(excluded: ScalarTest): ScalarTest {
  return (value: Scalar) => !excluded(value);
}

function numbersIn(numbers: readonly number[]): ScalarTest {
  const equals = numbers.map(numberEquals);
  return (value) => {
    if (typeof value !== 'number') return false;
    for (let i = 0; i < equals.length; i++) if (equals[i]!(value)) return true;
    return false;
  };
}

/** A number used by numeric or anything-but: within ±5e9 and at most six decimals. */
function checkedNumber(value: unknown, path: PatternPath, what = 'Value'): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) invalid(path, `${what} must be numeric`);
  if (decimalsOf(value) > MAX_DECIMALS) invalid(path, `Only values upto ${MAX_DECIMALS} decimals are supported`);
  if (Math.abs(value) > NUMERIC_LIMIT) {
    invalid(path, `Value must be between ${-NUMERIC_LIMIT} and ${NUMERIC_LIMIT}, inclusive`);
  }
  return value;
}

/**
 * `["=", x]`, `["<", x]`, `["<=", x]`, `[">", x]`, `[">=", x]`, or a lower bound followed by an
 * upper bound: `[">", 0, "<=", 5]`. One-sided ranges are bounded by ±5e9, as in event-ruler.
 */
function compileNumericRange(argument: unknown, path: PatternPath) {
  if (!Array.isArray(argument)) invalid(path, 'Value of numeric must be an array.');
  const terms: unknown[] = argument;
  const operatorAt = (index: number): string => {
    const operator = terms[index];
    if (typeof operator !== 'string')
      invalid([...path, index], `Invalid member in numeric match: ${JSON.stringify(operator)}`);
    return operator;
  };
  const numberAt = (index: number, operator: string): number => {
    if (index >= terms.length) invalid(path, `Value of ${operator} must be numeric`);
    return checkedNumber(terms[index], [...path, index], `Value of ${operator}`);
  };
  const endAt = (index: number): void => {
    if (terms.length > index) invalid([...path, index], 'Too many elements in numeric expression');
  };

  if (terms.length === 0) invalid(path, 'Invalid member in numeric match: nothing');
  const first = operatorAt(0);
  switch (first) {
    case '=': {
      const value = numberAt(1, first);
      endAt(2);
      return { low: value, lowOpen: false, high: value, highOpen: false };
    }
    case '<':
    case '<=': {
      const high = numberAt(1, first);
      endAt(2);
      return range(-NUMERIC_LIMIT, false, high, first === '<', path);
    }
    case '>':
    case '>=': {
      const low = numberAt(1, first);
      if (terms.length === 2) return range(low, first === '>', NUMERIC_LIMIT, false, path);
      const second = terms[2];
      if (typeof second !== 'string') invalid([...path, 2], `Bad value in numeric range: ${JSON.stringify(second)}`);
      if (second !== '<' && second !== '<=') invalid([...path, 2], `Bad numeric range operator: ${second}`);
      const high = numberAt(3, second);
      if (terms.length > 4) invalid([...path, 4], 'Too many terms in numeric range expression');
      return range(low, first === '>', high, second === '<', path);
    }
    default:
      return invalid([...path, 0], `Unrecognized numeric range operator: ${first}`);
  }
}

function range(low: number, lowOpen: boolean, high: number, highOpen: boolean, path: PatternPath) {
  if (low >= high) invalid(path, 'Bottom must be less than top');
  return { low, lowOpen, high, highOpen };
}

/**
 * Compiles the structure of an event pattern (objects, leaf arrays, `$or`) into closures.
 *
 * Semantics follow event-ruler, which EventBridge runs, as documented in its README:
 * - fields of an object are ANDed, values of a leaf array are ORed;
 * - event arrays are "crushed": a leaf matches if any element (at any array depth) matches, and an
 *   object pattern applied to an array of objects must match within one element (array
 *   consistency, as rulesForJSONEvent enforces);
 * - only scalars are leaves: a field whose value is an object or array of objects has no leaf
 *   value, so `exists: true` does not match it and `exists: false` does;
 * - a pattern made only of `exists: false` conditions, applied to an array of objects, requires the
 *   fields to be absent from every element (no element may hold such a leaf).
 */
import { invalid, type PatternPath } from './errors.ts';
import { parseIpAddress } from './ip.ts';
import { compileOperator, RESERVED_IN_OR } from './operators.ts';
import { anyOf, exactStrings, numberEquals, type Scalar, type ScalarTest, sameIpAddress } from './scalar.ts';

type JsonObject = Record<string, unknown>;

/** Deeper patterns are refused, so a hostile pattern cannot exhaust the stack. */
export const MAX_PATTERN_DEPTH = 100;

/** What an object pattern compiles to. */
export interface ObjectMatcher {
  readonly match: (object: JsonObject) => boolean;
  /** Whether it matches where there is no object at all (a missing field, a scalar). */
  readonly matchesNothing: boolean;
  /** Only `exists: false` conditions, with no `$or`: the case where arrays need every element. */
  readonly onlyAbsence: boolean;
  readonly cost: number;
}

interface Condition {
  readonly check: (object: JsonObject) => boolean;
  readonly onlyAbsence: boolean;
  readonly cost: number;
}

/** Lookups on it always find nothing, prototype keys included. */
const NOTHING: JsonObject = Object.freeze(Object.create(null) as JsonObject);

export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function compileRoot(pattern: unknown): ObjectMatcher {
  if (!isPlainObject(pattern)) invalid([], 'Filter is not an object');
  return compileObject(pattern, [], false);
}

/** Matches an event (or anything else) against a compiled root pattern. */
export function matchRoot(root: ObjectMatcher, event: unknown): boolean {
  if (isPlainObject(event)) return root.match(event);
  return root.matchesNothing;
}

function compileObject(pattern: JsonObject, path: PatternPath, insideOr: boolean): ObjectMatcher {
  if (path.length > MAX_PATTERN_DEPTH) invalid(path, `Pattern nesting is deeper than ${MAX_PATTERN_DEPTH} levels`);
  const keys = Object.keys(pattern);
  if (keys.length === 0) invalid(path, 'Empty objects are not allowed');

  const conditions: Condition[] = [];
  const alternatives: ObjectMatcher[][] = [];
  for (const key of keys) {
    const value = pattern[key];
    const at = [...path, key];
    if (key === '$or') {
      alternatives.push(compileOr(value, at));
      continue;
    }
    if (insideOr && RESERVED_IN_OR.has(key)) {
      invalid(at, `${key} is Ruler reserved fieldName which cannot be used inside $or.`);
    }
    if (Array.isArray(value)) conditions.push(compileLeafField(key, value, at));
    else if (isPlainObject(value)) conditions.push(compileObjectField(key, compileObject(value, at, insideOr)));
    else invalid(at, `"${key}" must be an object or an array`);
  }

  // Cheap and selective checks (exact source, detail-type) run first; order cannot change the result.
  conditions.sort((a, b) => a.cost - b.cost);
  const match = combine(
    conditions.map((condition) => condition.check),
    alternatives,
  );
  const cost =
    conditions.reduce((sum, condition) => sum + condition.cost, 0) +
    alternatives.reduce((sum, group) => sum + group.reduce((s, branch) => s + branch.cost, 0), 0);
  return {
    match,
    matchesNothing: match(NOTHING),
    onlyAbsence: alternatives.length === 0 && conditions.every((condition) => condition.onlyAbsence),
    cost,
  };
}

function compileOr(value: unknown, path: PatternPath): ObjectMatcher[] {
  if (!Array.isArray(value)) invalid(path, 'It must be an Array followed with $or.');
  value.forEach((branch, index) => {
    if (!isPlainObject(branch)) invalid([...path, index], 'Only JSON object is allowed in array of $or relationship.');
  });
  if (value.length < 2) invalid(path, 'There must have at least 2 Objects in $or relationship.');
  return (value as JsonObject[])
    .map((branch, index) => compileObject(branch, [...path, index], true))
    .sort((a, b) => a.cost - b.cost);
}

function combine(
  checks: readonly ((object: JsonObject) => boolean)[],
  alternatives: readonly ObjectMatcher[][],
): (object: JsonObject) => boolean {
  if (alternatives.length === 0) {
    if (checks.length === 1) return checks[0]!;
    if (checks.length === 2) {
      const [first, second] = checks as [(o: JsonObject) => boolean, (o: JsonObject) => boolean];
      return (object) => first(object) && second(object);
    }
    return (object) => {
      for (let i = 0; i < checks.length; i++) if (!checks[i]!(object)) return false;
      return true;
    };
  }
  return (object) => {
    for (let i = 0; i < checks.length; i++) if (!checks[i]!(object)) return false;
    for (let g = 0; g < alternatives.length; g++) {
      const group = alternatives[g]!;
      let any = false;
      for (let b = 0; b < group.length && !any; b++) any = group[b]!.match(object);
      if (!any) return false;
    }
    return true;
  };
}

/** A field whose pattern is an object: the event value must be an object (or array of them). */
function compileObjectField(key: string, child: ObjectMatcher): Condition {
  const { match, matchesNothing, onlyAbsence } = child;
  const someElement = (items: readonly unknown[]): boolean => {
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (Array.isArray(item) ? someElement(item) : isPlainObject(item) && match(item)) return true;
    }
    return false;
  };
  const everyElement = (items: readonly unknown[]): boolean => {
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      const ok = Array.isArray(item) ? everyElement(item) : isPlainObject(item) ? match(item) : matchesNothing;
      if (!ok) return false;
    }
    return true;
  };
  const check = (object: JsonObject): boolean => {
    const value = object[key];
    if (typeof value !== 'object' || value === null) return matchesNothing;
    if (!Array.isArray(value)) return match(value as JsonObject);
    if (onlyAbsence) return everyElement(value);
    return someElement(value) || (matchesNothing && everyElement(value));
  };
  return { check, onlyAbsence, cost: 10 + child.cost };
}

/** A field whose pattern is an array of values and operators. */
function compileLeafField(key: string, values: readonly unknown[], path: PatternPath): Condition {
  if (values.length === 0) invalid(path, 'Empty arrays are not allowed');
  const strings: string[] = [];
  const tests: ScalarTest[] = [];
  let mustExist = false;
  let mustNotExist = false;
  let cost = 1;
  values.forEach((value, index) => {
    const at = [...path, index];
    if (typeof value === 'string') {
      strings.push(value);
      const address = parseIpAddress(value);
      if (address) tests.push(sameIpAddress(address));
    } else if (typeof value === 'number') {
      const equals = numberEquals(value);
      tests.push((v) => typeof v === 'number' && equals(v));
    } else if (typeof value === 'boolean' || value === null) {
      tests.push((v) => v === value);
    } else if (isPlainObject(value)) {
      const operator = compileOperator(value, at);
      if (operator.kind === 'exists') {
        if (operator.present) mustExist = true;
        else mustNotExist = true;
      } else {
        tests.push(operator.test);
        cost = Math.max(cost, operator.cost);
      }
    } else {
      invalid(at, 'Match value must be String, number, true, false, or null');
    }
  });
  if (strings.length > 0) tests.unshift(exactStrings(strings));
  const test: ScalarTest | undefined = tests.length > 0 ? anyOf(tests) : undefined;
  return {
    check: leafCheck(key, test, mustExist, mustNotExist),
    onlyAbsence: mustNotExist && !mustExist && test === undefined,
    cost,
  };
}

const FOUND_NO_LEAF = 0;
const FOUND_LEAF = 1;
const MATCHED = 2;

/**
 * The check for one leaf field. `exists: true` matches any leaf (null included); `exists: false`
 * matches when the field has no leaf: missing, an object, or an array holding no scalars.
 */
function leafCheck(
  key: string,
  test: ScalarTest | undefined,
  mustExist: boolean,
  mustNotExist: boolean,
): (object: JsonObject) => boolean {
  const scanLeaves = (items: readonly unknown[]): number => {
    let found = FOUND_NO_LEAF;
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (item !== null && typeof item === 'object') {
        if (!Array.isArray(item)) continue;
        const inner = scanLeaves(item);
        if (inner === MATCHED) return MATCHED;
        if (inner === FOUND_LEAF) found = FOUND_LEAF;
        continue;
      }
      if (mustExist || (test !== undefined && test(item as Scalar))) return MATCHED;
      found = FOUND_LEAF;
    }
    return found;
  };

  if (test !== undefined && !mustExist && !mustNotExist) {
    // The common case: values and operators only.
    return (object) => {
      const value = object[key];
      if (value === null || typeof value !== 'object') {
        return value !== undefined && typeof value !== 'function' && test(value as Scalar);
      }
      return Array.isArray(value) && scanLeaves(value) === MATCHED;
    };
  }
  return (object) => {
    const value = object[key];
    if (value === undefined || typeof value === 'function') return mustNotExist;
    if (value === null || typeof value !== 'object') {
      return mustExist || (test !== undefined && test(value as Scalar));
    }
    if (!Array.isArray(value)) return mustNotExist;
    const found = scanLeaves(value);
    return found === MATCHED || (found === FOUND_NO_LEAF && mustNotExist);
  };
}

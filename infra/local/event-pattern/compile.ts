/**
 * Compiles one alternative of an event pattern (see expand.ts) into closures. Semantics follow
 * event-ruler's rulesForJSONEvent, which EventBridge runs (checked against it, see the tests):
 * - fields of an object are ANDed, values of a leaf array are ORed;
 * - event arrays are "crushed": a leaf matches if any element (at any array depth) matches, and
 *   the leaves one alternative matches must be array-consistent: fields under one array of
 *   objects must come from the same element. Regrouping the alternative's leaves by path into a
 *   tree and matching each object of it within one event object gives exactly that;
 * - only scalars are leaves: a field whose value is an object or array of objects has no leaf
 *   value, so `exists: true` does not match it and `exists: false` does;
 * - `exists: false` holds when the event has no leaf at that path, judged among the array elements
 *   consistent with the fields before it in name order (absence.ts).
 */
import { byDottedName, leavesAt, matchInOrder, type OrderedField } from './absence.ts';
import { invalid, type PatternPath } from './errors.ts';
import { parseIpAddress } from './ip.ts';
import { compileOperator } from './operators.ts';
import { anyOf, exactStrings, numberEquals, type Scalar, type ScalarTest, sameIpAddress } from './scalar.ts';

type JsonObject = Record<string, unknown>;
type Check = (object: JsonObject) => boolean;

/** What an object pattern compiles to. */
export interface ObjectMatcher {
  /** Equal for structurally equal matchers, which can then be shared. */
  readonly id: string;
  readonly match: Check;
  /** Whether it matches where there is no object at all (a missing field, a scalar). */
  readonly matchesNothing: boolean;
  readonly cost: number;
}

interface Condition {
  readonly id: string;
  readonly check: Check;
  readonly cost: number;
}

/**
 * Conditions are shared between patterns (by id) and remember their answer for the last object
 * they saw, so a condition many rules hold (`"detail-type": ["X"]`, `"tasks": ["report"]`) is
 * evaluated once per event however many rules test it. Holding the last object keeps its
 * identity from being reused by another object while cached. The tables are bounded: clearing
 * them only loses sharing.
 */
const SHARED_LIMIT = 100_000;
const sharedLeaves = new Map<string, LeafCondition>();
const sharedFields = new Map<string, Condition>();

function remembered(check: Check): Check {
  let last: JsonObject | undefined;
  let answer = false;
  return (object) => {
    if (object === last) return answer;
    const result = check(object);
    last = object;
    answer = result;
    return result;
  };
}

const sharedAbsence = new Map<string, (event: JsonObject) => ReturnType<typeof leavesAt>>();

/** leavesAt for one path, shared and remembered like the conditions: many rules ask it of each event. */
function sharedLeavesAt(segments: readonly string[]): (event: JsonObject) => ReturnType<typeof leavesAt> {
  return share(sharedAbsence, JSON.stringify(segments), () => {
    let last: JsonObject | undefined;
    let answer: ReturnType<typeof leavesAt> = 'none';
    return (event) => {
      if (event !== last) {
        answer = leavesAt(event, segments);
        last = event;
      }
      return answer;
    };
  });
}

function share<V>(table: Map<string, V>, id: string, make: () => V): V {
  const found = table.get(id);
  if (found !== undefined) return found;
  // Stryker disable next-line all: clearing the table sooner, later or never only changes what is shared
  if (table.size >= SHARED_LIMIT) table.clear();
  const made = make();
  table.set(id, made);
  return made;
}

interface PresentCondition extends Condition {
  /** The same test on one leaf value. */
  readonly accepts: (value: Scalar) => boolean;
}

/** A compiled leaf, with what a rule index may use to skip patterns that cannot match. */
export interface LeafCondition {
  /** The leaf without its `exists: false`: values, operators, `exists: true`; absent if none. */
  readonly present?: PresentCondition;
  /** Whether the leaf also holds when the event has no leaf at its path (`exists: false`). */
  readonly absent: boolean;
  /** Set when the leaf matches exactly these strings and nothing else. */
  readonly exact?: readonly string[];
  /** Set when the leaf matches exactly the strings starting (case-sensitively) with one of these. */
  readonly prefixes?: readonly string[];
}

/** One leaf of an expanded pattern: where it is and what it tests. */
export interface FlatLeaf {
  readonly segments: readonly string[];
  readonly condition: LeafCondition;
}

/** Lookups on it always find nothing, prototype keys included. */
const NOTHING: JsonObject = Object.freeze(Object.create(null) as JsonObject);

export function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Matches an event (or anything else) against a compiled root. */
export function matchRoot(root: ObjectMatcher, event: unknown): boolean {
  if (isPlainObject(event)) return root.match(event);
  return root.matchesNothing;
}

/**
 * Compiles one alternative: `present` leaves must match array-consistently (their
 * LeafCondition.present), and the event must have no leaf at the `absent` paths. An absent path
 * with no leaf at all, or one outside any array, decides alone; one with leaves only inside arrays
 * is judged as event-ruler does, in field-name order (absence.ts).
 */
export function compileAlternative(
  present: readonly FlatLeaf[],
  absent: readonly (readonly string[])[],
): ObjectMatcher {
  const tree = present.length > 0 ? compileLeaves(present, 0) : undefined;
  const absentId = JSON.stringify(absent);
  const treeMatch: Check = tree ? tree.match : () => true;
  if (absent.length === 0) return tree!;
  const ordered: OrderedField[] = [
    ...present.map((leaf) => ({ segments: leaf.segments, accepts: leaf.condition.present!.accepts })),
    ...absent.map((segments) => ({ segments })),
  ].sort(byDottedName);
  const lookups = absent.map(sharedLeavesAt);
  const match: Check = (event) => {
    // Stryker disable next-line BooleanLiteral: matchInOrder answers as the tree does where no leaf is in an array
    let inArray = false;
    for (let i = 0; i < lookups.length; i++) {
      const found = lookups[i]!(event);
      if (found === 'flat') return false;
      if (found === 'in-array') inArray = true;
    }
    return inArray ? matchInOrder(ordered, event) : treeMatch(event);
  };
  return {
    id: `${tree?.id ?? ''}!${absentId}`,
    match,
    matchesNothing: match(NOTHING),
    // Stryker disable next-line ArithmeticOperator,LogicalOperator: a cost only orders checks (an AND in any order)
    cost: (tree?.cost ?? 0) + 10 * absent.length,
  };
}

/**
 * Rebuilds the object structure of an alternative's leaves (paths distinct and non-empty, each
 * with a `present` condition) and compiles it. `depth` is how many path segments are consumed.
 */
function compileLeaves(leaves: readonly FlatLeaf[], depth: number): ObjectMatcher {
  const conditions: Condition[] = [];
  const groups = new Map<string, FlatLeaf[]>();
  for (const leaf of leaves) {
    const key = leaf.segments[depth]!;
    if (leaf.segments.length === depth + 1) {
      conditions.push(leaf.condition.present!);
      continue;
    }
    const group = groups.get(key);
    if (group) group.push(leaf);
    else groups.set(key, [leaf]);
  }
  for (const [key, group] of groups) conditions.push(compileObjectField(key, compileLeaves(group, depth + 1)));

  // Cheap and selective checks (exact source, detail-type) run first; order cannot change the result.
  // Stryker disable next-line all: an AND is the same in any order; equal matchers still sort alike, so ids still agree
  conditions.sort((a, b) => a.cost - b.cost || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  const match = combine(conditions.map((condition) => condition.check));
  return {
    id: conditions.map((condition) => condition.id).join(','),
    match,
    matchesNothing: match(NOTHING),
    // Stryker disable next-line all: a cost only orders checks, and an AND is the same in any order
    cost: conditions.reduce((sum, condition) => sum + condition.cost, 0),
  };
}

function combine(checks: readonly Check[]): Check {
  if (checks.length === 0) return () => true;
  if (checks.length === 1) return checks[0]!;
  if (checks.length === 2) {
    const [first, second] = checks as [Check, Check];
    return (object) => first(object) && second(object);
  }
  return (object) => {
    for (let i = 0; i < checks.length; i++) if (!checks[i]!(object)) return false;
    return true;
  };
}

/**
 * A field whose pattern is an object: the event value must be an object, or an array holding one
 * that matches (the child holds only present leaves, so it never matches a missing object).
 */
function compileObjectField(key: string, child: ObjectMatcher): Condition {
  const id = `${JSON.stringify(key)}{${child.id}}`;
  return share(sharedFields, id, () => ({
    id,
    check: remembered(objectFieldCheck(key, child)),
    // Stryker disable next-line ArithmeticOperator: a cost only orders checks, and an AND is the same in any order
    cost: 10 + child.cost,
  }));
}

function objectFieldCheck(key: string, child: ObjectMatcher): Check {
  const { match } = child;
  const someElement = (items: readonly unknown[]): boolean => {
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (Array.isArray(item) ? someElement(item) : isPlainObject(item) && match(item)) return true;
    }
    return false;
  };
  const check = (object: JsonObject): boolean => {
    const value = object[key];
    if (typeof value !== 'object' || value === null) return false;
    if (!Array.isArray(value)) return match(value as JsonObject);
    return someElement(value);
  };
  return check;
}

/** A field whose pattern is an array of values and operators. */
export function compileLeafField(key: string, values: readonly unknown[], path: PatternPath): LeafCondition {
  const id = JSON.stringify([key, values]);
  return sharedLeaves.get(id) ?? share(sharedLeaves, id, () => newLeafField(id, key, values, path));
}

function newLeafField(id: string, key: string, values: readonly unknown[], path: PatternPath): LeafCondition {
  if (values.length === 0) invalid(path, 'Empty arrays are not allowed');
  const strings: string[] = [];
  const prefixes: string[] = [];
  const tests: ScalarTest[] = [];
  let mustExist = false;
  let mustNotExist = false;
  // Whether the leaf is only plain strings (no IP literal, which matches other spellings) or only
  // case-sensitive prefixes: then an index can find its patterns by the event's value.
  let onlyStrings = true;
  let onlyPrefixes = true;
  let cost = 1;
  values.forEach((value, index) => {
    const at = [...path, index];
    if (typeof value === 'string') {
      strings.push(value);
      onlyPrefixes = false;
      const address = parseIpAddress(value);
      if (address) {
        tests.push(sameIpAddress(address));
        onlyStrings = false;
      }
      return;
    }
    onlyStrings = false;
    if (typeof value === 'number') {
      const equals = numberEquals(value);
      tests.push((v) => typeof v === 'number' && equals(v));
      onlyPrefixes = false;
    } else if (typeof value === 'boolean' || value === null) {
      tests.push((v) => v === value);
      onlyPrefixes = false;
    } else if (isPlainObject(value)) {
      const operator = compileOperator(value, at);
      if (operator.kind === 'exists') {
        if (operator.present) mustExist = true;
        else mustNotExist = true;
        onlyPrefixes = false;
      } else {
        tests.push(operator.test);
        // Stryker disable next-line MethodExpression: a cost only orders checks, and an AND is the same in any order
        cost = Math.max(cost, operator.cost);
        if (operator.prefix === undefined) onlyPrefixes = false;
        else prefixes.push(operator.prefix);
      }
    } else {
      invalid(at, 'Match value must be String, number, true, false, or null');
    }
  });
  if (strings.length > 0) tests.unshift(exactStrings(strings));
  // `exists: true` holds for any leaf, so the leaf's other values need not be tested.
  const accepts: ScalarTest | undefined = mustExist ? () => true : tests.length > 0 ? anyOf(tests) : undefined;
  return {
    ...(accepts ? { present: { id, check: remembered(leafCheck(key, accepts)), accepts, cost } } : {}),
    absent: mustNotExist,
    ...(onlyStrings ? { exact: strings } : {}),
    ...(onlyPrefixes ? { prefixes } : {}),
  };
}

/** The check for one leaf field: some leaf value at the key (a scalar, null included) that `accepts` takes. */
function leafCheck(key: string, accepts: ScalarTest): Check {
  // Whether some scalar at any array depth is accepted; objects in the array are not leaves.
  const someLeaf = (items: readonly unknown[]): boolean => {
    for (let i = 0; i < items.length; i++) {
      const item = items[i];
      if (item !== null && typeof item === 'object') {
        if (Array.isArray(item) && someLeaf(item)) return true;
      } else if (accepts(item as Scalar)) return true;
    }
    return false;
  };
  return (object) => {
    const value = object[key];
    if (value === null || typeof value !== 'object') {
      if (value === undefined || typeof value === 'function') return false;
      return accepts(value as Scalar);
    }
    return Array.isArray(value) && someLeaf(value);
  };
}

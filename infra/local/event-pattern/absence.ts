/**
 * `exists: false` as event-ruler judges it. Its finder walks an alternative's fields in order of
 * their dotted names, carrying the array elements the fields matched so far; an absent field
 * fails if the event has a leaf at its path in an element consistent with those. So with
 * `{"b": {"a": ["1"], "b": [{"exists": false}]}}` and `b: [{"a": "1"}, {"b": 9}]` the 9 is in
 * another element than the "1" and `b.b` counts as absent, while with the names swapped
 * (`p` absent, then `q` present) nothing is matched yet when `p` is checked, and the event fails.
 */
import type { Scalar } from './scalar.ts';

type JsonObject = Record<string, unknown>;

/** The arrays (by identity) and element indexes a leaf sits in. */
type Membership = readonly (readonly [readonly unknown[], number])[];

/** A field of an alternative: a present leaf with its scalar test, or an absent one. */
export interface OrderedField {
  readonly segments: readonly string[];
  readonly accepts?: (value: Scalar) => boolean;
}

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isScalar(value: unknown): value is Scalar {
  return value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

/** Visits each leaf at the path, with its membership, until `visit` returns true. */
function someLeaf(
  value: unknown,
  segments: readonly string[],
  depth: number,
  stack: [readonly unknown[], number][],
  visit: (leaf: Scalar, membership: Membership) => boolean,
): boolean {
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      stack.push([value, i]);
      const found = someLeaf(value[i], segments, depth, stack, visit);
      stack.pop();
      if (found) return true;
    }
    return false;
  }
  if (depth === segments.length) return isScalar(value) && visit(value, stack);
  if (!isPlainObject(value)) return false;
  return someLeaf(value[segments[depth]!], segments, depth + 1, stack, visit);
}

function consistent(leaf: Membership, so: Membership): boolean {
  for (const [array, index] of leaf) for (const [other, at] of so) if (array === other && index !== at) return false;
  return true;
}

/** Where the event has leaves at the path: none, some outside any array, or only inside arrays. */
export function leavesAt(event: JsonObject, segments: readonly string[]): 'none' | 'flat' | 'in-array' {
  let inArray = false;
  const flat = someLeaf(event, segments, 0, [], (_, membership) => {
    if (membership.length === 0) return true;
    inArray = true;
    return false;
  });
  return flat ? 'flat' : inArray ? 'in-array' : 'none';
}

/** Fields must be sorted by dotted name, as event-ruler orders a rule's fields. */
export function matchInOrder(fields: readonly OrderedField[], event: JsonObject): boolean {
  const step = (k: number, so: Membership): boolean => {
    if (k === fields.length) return true;
    const { segments, accepts } = fields[k]!;
    if (!accepts) {
      const present = someLeaf(event, segments, 0, [], (_, membership) => consistent(membership, so));
      return !present && step(k + 1, so);
    }
    return someLeaf(
      event,
      segments,
      0,
      [],
      (leaf, membership) => accepts(leaf) && consistent(membership, so) && step(k + 1, [...so, ...membership]),
    );
  };
  return step(0, []);
}

/** Compares dotted names as Java's String.compareTo does (UTF-16 code units), which JS's sort also does. */
export function byDottedName(a: { segments: readonly string[] }, b: { segments: readonly string[] }): number {
  const x = a.segments.join('.');
  const y = b.segments.join('.');
  return x < y ? -1 : x > y ? 1 : 0;
}

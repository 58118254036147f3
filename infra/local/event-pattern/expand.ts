/**
 * Validates an event pattern and expands its `$or`s into alternatives, as event-ruler's
 * JsonRuleCompiler does: each alternative is a set of leaves (field path → values) holding the
 * fields outside the `$or` together with one branch, so array consistency applies across them.
 * Fields are taken in document order and a later leaf on the same path replaces the earlier one:
 * `{"a": ["x"], "$or": [{"a": ["y"]}, {"b": ["z"]}]}` means `a = y`, or `a = x and b = z`.
 */
import { compileAlternative, compileLeafField, type FlatLeaf, isPlainObject, type ObjectMatcher } from './compile.ts';
import { invalid, type PatternPath } from './errors.ts';
import { RESERVED_IN_OR } from './operators.ts';

type JsonObject = Record<string, unknown>;

/** Deeper patterns are refused, so a hostile pattern cannot exhaust the stack. */
export const MAX_PATTERN_DEPTH = 100;

/**
 * Alternatives a pattern may expand into. Each `$or` multiplies them, so without a bound a
 * pattern of a few kilobytes could demand more memory than the machine has.
 */
export const MAX_PATTERN_ALTERNATIVES = 4096;

/** One alternative: the leaves it needs present (for an index) and the compiled matcher. */
export interface Alternative {
  readonly present: readonly FlatLeaf[];
  /** Whether it also needs some paths absent (`exists: false`). */
  readonly absent: boolean;
  readonly matcher: ObjectMatcher;
}

/** An alternative being built: leaves keyed by their path, so a later leaf replaces an earlier one. */
type Draft = Map<string, FlatLeaf>;

export function compileRoot(pattern: unknown): Alternative[] {
  if (!isPlainObject(pattern)) invalid([], 'Filter is not an object');
  const drafts: Draft[] = [];
  expandObject(pattern, [], [], drafts, false);
  return drafts.flatMap((draft) => splitAbsence([...draft.values()]));
}

/**
 * `exists: false` is judged on the whole event while the other values of a leaf are judged
 * within an array element, so a leaf with both (`["x", {"exists": false}]`) splits its
 * alternative in two: one where the path is absent, one where the values match.
 */
function splitAbsence(leaves: readonly FlatLeaf[]): Alternative[] {
  let partial: { present: FlatLeaf[]; absent: (readonly string[])[] }[] = [{ present: [], absent: [] }];
  for (const leaf of leaves) {
    const { present, absent } = leaf.condition;
    partial = partial.flatMap((alternative) => [
      ...(present ? [{ present: [...alternative.present, leaf], absent: alternative.absent }] : []),
      ...(absent ? [{ present: alternative.present, absent: [...alternative.absent, leaf.segments] }] : []),
    ]);
    if (partial.length > MAX_PATTERN_ALTERNATIVES) {
      invalid([], `exists: false beside other values expands into more than ${MAX_PATTERN_ALTERNATIVES} alternatives`);
    }
  }
  return partial.map(({ present, absent }) => ({
    present,
    absent: absent.length > 0,
    matcher: compileAlternative(present, absent),
  }));
}

/**
 * Adds the fields of `pattern` to every draft, forking them at each `$or`. `fields` is the path
 * of the pattern's fields in the event; `where` is its place in the pattern, for errors (a
 * branch's fields sit at the path of the object holding the `$or`, but errors name the branch).
 */
function expandObject(
  pattern: JsonObject,
  fields: readonly string[],
  where: PatternPath,
  drafts: Draft[],
  insideOr: boolean,
): void {
  if (where.length > MAX_PATTERN_DEPTH) invalid(where, `Pattern nesting is deeper than ${MAX_PATTERN_DEPTH} levels`);
  const keys = Object.keys(pattern);
  if (keys.length === 0) invalid(where, 'Empty objects are not allowed');
  for (const key of keys) {
    const value = pattern[key];
    const at = [...where, key];
    if (key === '$or') {
      expandOr(value, fields, at, drafts);
      continue;
    }
    if (insideOr && RESERVED_IN_OR.has(key)) {
      invalid(at, `${key} is Ruler reserved fieldName which cannot be used inside $or.`);
    }
    if (Array.isArray(value)) {
      const leaf: FlatLeaf = { segments: [...fields, key], condition: compileLeafField(key, value, at) };
      const id = JSON.stringify(leaf.segments);
      if (drafts.length === 0) drafts.push(new Map());
      for (const draft of drafts) draft.set(id, leaf);
    } else if (isPlainObject(value)) {
      expandObject(value, [...fields, key], at, drafts, insideOr);
    } else {
      invalid(at, `"${key}" must be an object or an array`);
    }
  }
}

/** Replaces the drafts with one copy per branch, each extended by that branch's fields. */
function expandOr(value: unknown, fields: readonly string[], at: PatternPath, drafts: Draft[]): void {
  if (!Array.isArray(value)) invalid(at, 'It must be an Array followed with $or.');
  value.forEach((branch, index) => {
    if (!isPlainObject(branch)) invalid([...at, index], 'Only JSON object is allowed in array of $or relationship.');
  });
  if (value.length < 2) invalid(at, 'There must have at least 2 Objects in $or relationship.');
  const before = drafts.splice(0, drafts.length);
  (value as JsonObject[]).forEach((branch, index) => {
    const forked = before.length === 0 ? [new Map<string, FlatLeaf>()] : before.map((draft) => new Map(draft));
    expandObject(branch, fields, [...at, index], forked, true);
    drafts.push(...forked);
    if (drafts.length > MAX_PATTERN_ALTERNATIVES) {
      invalid(
        at,
        `$or combinations expand into more than ${MAX_PATTERN_ALTERNATIVES} alternatives; simplify the pattern`,
      );
    }
  });
}

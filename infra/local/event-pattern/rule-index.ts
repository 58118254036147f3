/**
 * Many compiled patterns matched at once, so that an event is tested only against the patterns
 * that can match it. Each alternative of a pattern is filed in a small trie under the top-level
 * fields it requires to hold one of some exact strings (`detail-type`, then `source`, ...) or to
 * start with one of some prefixes; an event walks the trie with its own values of those fields.
 * Alternatives with no such field sit at the root and are tested against every event. Filing is
 * only a necessary condition: the candidate's full matcher still decides, so answers are exactly
 * those of CompiledPattern.matches.
 *
 * Candidates are judged cheaply when they can be: where the objects holding an alternative's
 * leaves are reached without crossing an array, the alternative is the AND of its leaf
 * conditions, and each distinct condition (path and values) is evaluated at most once per event
 * however many rules share it. Where an array is crossed, array consistency needs the
 * alternative's own matcher, which then decides.
 */
import type { CompiledPattern } from '../event-pattern.ts';
import { type FlatLeaf, isPlainObject } from './compile.ts';
import type { Alternative } from './expand.ts';

type JsonObject = Record<string, unknown>;

interface Candidate {
  /** Position of its pattern among those added. */
  readonly rule: number;
  /** Position of the alternative's matcher in RuleIndex.matchers. */
  readonly matcher: number;
  /** Whether the matcher must decide even when the conditions below hold (`exists: false`). */
  readonly needsMatcher: boolean;
  /** The objects holding its present leaves (path ids)... */
  readonly paths: readonly number[];
  /** ...and its leaf conditions (ids), cheapest first. */
  readonly conditions: readonly number[];
}

/** What a path of objects resolves to in an event when it is not a plain object. */
const MISSING = Symbol('missing');
const ARRAY = Symbol('array');

type Check = (object: JsonObject) => boolean;

/** A node of the trie: candidates filed here, and deeper nodes by a further field. */
interface Bucket {
  readonly candidates: Candidate[];
  /** `candidates` packed for matching; dropped when a candidate is added. */
  packed?: Int32Array;
  readonly fields: Map<string, FieldFiling>;
  /** The same as `fields`, as arrays, for the event's walk. */
  readonly fieldNames: string[];
  readonly filings: FieldFiling[];
}

interface FieldFiling {
  readonly exact: Map<string, Bucket>;
  readonly prefixed: { readonly prefix: string; readonly bucket: Bucket }[];
}

interface Anchor {
  readonly field: string;
  readonly exact?: readonly string[];
  readonly prefixes?: readonly string[];
}

/** Fields are filed in this order, then by name, so that rules share the trie's upper levels. */
// Stryker disable next-line all: filing under any field it requires is correct; the order only shares the trie more
const FIELD_ORDER = ['detail-type', 'source'];
/** Deeper filing rarely narrows further and multiplies entries for rules with several values. */
const MAX_ANCHORS = 2;

const newBucket = (): Bucket => ({ candidates: [], fields: new Map(), fieldNames: [], filings: [] });

export class RuleIndex<T> {
  private readonly values: T[] = [];
  private readonly patterns: CompiledPattern[] = [];
  private readonly root = newBucket();
  private readonly matchers: Check[] = [];
  /** Per pattern, the last call that found it matching: dedupes its alternatives without a Set. */
  private matchedIn = new Uint32Array(64);
  private call = 0;
  private matched: number[] = [];

  /** Paths of objects (the root is 0): id by JSON of the segments, parent id and last segment. */
  private readonly pathIds = new Map<string, number>([['[]', 0]]);
  private readonly pathParent: number[] = [-1];
  private readonly pathKey: string[] = [''];
  private pathCall = new Uint32Array(16);
  private pathValue: unknown[] = [];
  /** Leaf conditions shared by all rules: id by path and condition id, object path and check. */
  private readonly conditionIds = new Map<string, number>();
  private readonly conditionPath: number[] = [];
  private readonly conditionCheck: Check[] = [];
  private conditionCall = new Uint32Array(16);
  private conditionAnswer = new Uint8Array(16);

  get size(): number {
    return this.values.length;
  }

  add(value: T, pattern: CompiledPattern): void {
    const rule = this.values.length;
    this.values.push(value);
    this.patterns.push(pattern);
    this.matchedIn = grown(this.matchedIn, rule + 1);
    for (const alternative of pattern.alternatives) {
      file(this.root, anchorsOf(alternative.present), this.candidate(rule, alternative));
    }
  }

  /** The values of the patterns the event matches, in the order the patterns were added. */
  matching(event: unknown): T[] {
    if (!isPlainObject(event)) return this.values.filter((_, rule) => this.patterns[rule]!.matches(event));
    this.call = this.call === 0xffffffff ? 1 : this.call + 1;
    if (this.call === 1) {
      this.matchedIn.fill(0);
      this.pathCall.fill(0);
      this.conditionCall.fill(0);
    }
    this.matched = [];
    this.visit(this.root, event);
    const matched = this.matched;
    matched.sort((a, b) => a - b);
    const values = new Array<T>(matched.length);
    for (let i = 0; i < matched.length; i++) values[i] = this.values[matched[i]!]!;
    return values;
  }

  private candidate(rule: number, alternative: Alternative): Candidate {
    const { present } = alternative;
    const matcher = this.matchers.length;
    this.matchers.push(alternative.matcher.match);
    if (present.length === 0) return { rule, matcher, needsMatcher: true, paths: [], conditions: [] };
    // Stryker disable next-line all: the order conditions are judged in is for speed; a candidate needs all of them
    const leaves = [...present].sort((a, b) => a.condition.present!.cost - b.condition.present!.cost);
    const paths = new Set<number>();
    const conditions: number[] = [];
    for (const leaf of leaves) {
      const path = this.pathId(leaf.segments.slice(0, -1));
      paths.add(path);
      const id = `${path}|${leaf.condition.present!.id}`;
      let condition = this.conditionIds.get(id);
      if (condition === undefined) {
        condition = this.conditionPath.length;
        this.conditionIds.set(id, condition);
        this.conditionPath.push(path);
        this.conditionCheck.push(leaf.condition.present!.check);
      }
      conditions.push(condition);
    }
    this.conditionCall = grown(this.conditionCall, this.conditionPath.length);
    if (this.conditionAnswer.length < this.conditionCall.length) {
      const answers = new Uint8Array(this.conditionCall.length);
      answers.set(this.conditionAnswer);
      this.conditionAnswer = answers;
    }
    paths.delete(0);
    return { rule, matcher, needsMatcher: alternative.absent, paths: [...paths], conditions };
  }

  private pathId(segments: readonly string[]): number {
    const key = JSON.stringify(segments);
    let id = this.pathIds.get(key);
    if (id === undefined) {
      const parent = this.pathId(segments.slice(0, -1));
      id = this.pathParent.length;
      this.pathIds.set(key, id);
      this.pathParent.push(parent);
      this.pathKey.push(segments[segments.length - 1]!);
      this.pathCall = grown(this.pathCall, this.pathParent.length);
    }
    return id;
  }

  /** The object at a path of the event, or why there is none; once per event and path. */
  private resolve(path: number, event: JsonObject): unknown {
    if (path === 0) return event;
    if (this.pathCall[path] === this.call) return this.pathValue[path];
    const parent = this.resolve(this.pathParent[path]!, event);
    let value: unknown;
    if (parent === MISSING || parent === ARRAY) value = parent;
    else {
      const found = (parent as JsonObject)[this.pathKey[path]!];
      value = Array.isArray(found) ? ARRAY : isPlainObject(found) ? found : MISSING;
    }
    this.pathCall[path] = this.call;
    this.pathValue[path] = value;
    return value;
  }

  /**
   * Whether the candidate at `at` of a packed bucket matches: its leaf conditions on objects
   * reached without arrays first, each answered once per event; its own matcher only if they all
   * hold and it needs more (leaves under an array of this event, or `exists: false`).
   */
  private judge(packed: Int32Array, at: number, event: JsonObject): boolean {
    let needsMatcher = packed[at + 2] === 1;
    const pathsEnd = at + 4 + packed[at + 3]!;
    for (let i = at + 4; i < pathsEnd; i++) {
      const value = this.resolve(packed[i]!, event);
      if (value === MISSING) return false;
      if (value === ARRAY) needsMatcher = true;
    }
    const call = this.call;
    const end = pathsEnd + 1 + packed[pathsEnd]!;
    for (let i = pathsEnd + 1; i < end; i++) {
      const condition = packed[i]!;
      if (this.conditionCall[condition] !== call) {
        const object = this.resolve(this.conditionPath[condition]!, event);
        // Under an array the leaf is judged by the matcher, within one element.
        if (object === ARRAY) continue;
        this.conditionAnswer[condition] = this.conditionCheck[condition]!(object as JsonObject) ? 1 : 0;
        this.conditionCall[condition] = call;
      }
      if (this.conditionAnswer[condition] === 0) return false;
    }
    return needsMatcher ? this.matchers[packed[at + 1]!]!(event) : true;
  }

  /**
   * A bucket's candidates laid out in one Int32Array, so the walk reads memory in order: per
   * candidate its rule, matcher, whether the matcher must decide, its paths and its conditions.
   */
  private pack(bucket: Bucket): Int32Array {
    const words: number[] = [];
    for (const { rule, matcher, needsMatcher, paths, conditions } of bucket.candidates) {
      words.push(rule, matcher, needsMatcher ? 1 : 0, paths.length, ...paths, conditions.length, ...conditions);
    }
    bucket.packed = Int32Array.from(words);
    return bucket.packed;
  }

  private visit(bucket: Bucket, event: JsonObject): void {
    const packed = bucket.packed ?? this.pack(bucket);
    const call = this.call;
    let at = 0;
    while (at < packed.length) {
      const rule = packed[at]!;
      const pathsEnd = at + 4 + packed[at + 3]!;
      const next = pathsEnd + 1 + packed[pathsEnd]!;
      if (this.matchedIn[rule] !== call && this.judge(packed, at, event)) {
        this.matchedIn[rule] = call;
        this.matched.push(rule);
      }
      at = next;
    }
    const { fieldNames, filings } = bucket;
    for (let i = 0; i < fieldNames.length; i++) this.visitField(filings[i]!, event[fieldNames[i]!], event);
  }

  /** Follows the filing with each string leaf of the event's value: the value itself, or inside arrays. */
  private visitField(filing: FieldFiling, value: unknown, event: JsonObject): void {
    if (typeof value === 'string') {
      const bucket = filing.exact.get(value);
      if (bucket) this.visit(bucket, event);
      for (const { prefix, bucket } of filing.prefixed) if (value.startsWith(prefix)) this.visit(bucket, event);
    } else if (Array.isArray(value)) {
      for (const item of value) this.visitField(filing, item, event);
    }
  }
}

/** The array, or a copy with room for at least `size` entries. */
function grown(array: Uint32Array<ArrayBuffer>, size: number): Uint32Array<ArrayBuffer> {
  // Stryker disable next-line EqualityOperator: a copy of the same length is as good as the array
  if (size <= array.length) return array;
  // Stryker disable next-line ArithmeticOperator: size is above the length, so any growth of at least size will do
  const copy = new Uint32Array(Math.max(size, array.length * 2));
  copy.set(array);
  return copy;
}

/** Files a candidate under each value of its first anchor, recursively. */
function file(bucket: Bucket, anchors: readonly Anchor[], candidate: Candidate): void {
  const [anchor, ...rest] = anchors;
  if (!anchor) {
    bucket.candidates.push(candidate);
    bucket.packed = undefined;
    return;
  }
  let filing = bucket.fields.get(anchor.field);
  if (!filing) {
    filing = { exact: new Map(), prefixed: [] };
    bucket.fields.set(anchor.field, filing);
    bucket.fieldNames.push(anchor.field);
    bucket.filings.push(filing);
  }
  for (const text of new Set(anchor.exact ?? [])) {
    let child = filing.exact.get(text);
    if (!child) filing.exact.set(text, (child = newBucket()));
    file(child, rest, candidate);
  }
  for (const prefix of new Set(anchor.prefixes ?? [])) {
    let entry = filing.prefixed.find((p) => p.prefix === prefix);
    if (!entry) filing.prefixed.push((entry = { prefix, bucket: newBucket() }));
    file(entry.bucket, rest, candidate);
  }
}

/** The top-level leaves an alternative needs to hold exact strings or prefixes, in filing order. */
function anchorsOf(leaves: readonly FlatLeaf[]): Anchor[] {
  const anchors: Anchor[] = [];
  for (const { segments, condition } of leaves) {
    if (segments.length !== 1 || (!condition.exact && !condition.prefixes)) continue;
    anchors.push({ field: segments[0]!, exact: condition.exact, prefixes: condition.prefixes });
  }
  // Stryker disable all: any order and number of anchors is correct, each being a condition the rule needs
  const rank = (field: string): number => {
    const at = FIELD_ORDER.indexOf(field);
    return at < 0 ? FIELD_ORDER.length : at;
  };
  anchors.sort((a, b) => rank(a.field) - rank(b.field) || (a.field < b.field ? -1 : a.field > b.field ? 1 : 0));
  return anchors.slice(0, MAX_ANCHORS);
  // Stryker restore all
}

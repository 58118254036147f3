/**
 * Many compiled patterns matched at once, so that an event is tested only against the patterns
 * that can match it. Each alternative of a pattern is filed under one top-level field it
 * requires to hold one of some exact strings (`detail-type`, `source`, ...) or to start with one
 * of some prefixes; an event looks up its own values of those fields. Alternatives with no such
 * field are tested against every event. Filing is only a necessary condition: the candidate's
 * full matcher still decides, so answers are exactly those of CompiledPattern.matches.
 */
import type { CompiledPattern } from '../event-pattern.ts';
import { type FlatLeaf, isPlainObject, type LeafCondition } from './compile.ts';

type JsonObject = Record<string, unknown>;

interface Candidate {
  /** Position of its pattern among those added. */
  readonly rule: number;
  readonly match: (event: JsonObject) => boolean;
}

interface PrefixGroup {
  readonly prefix: string;
  readonly candidates: Candidate[];
}

/** Prefer a field with few exact strings (most selective), then detail-type, then source. */
const FIELD_PREFERENCE = ['detail-type', 'source'];

export class RuleIndex<T> {
  private readonly values: T[] = [];
  private readonly patterns: CompiledPattern[] = [];
  private readonly exact = new Map<string, Map<string, Candidate[]>>();
  private readonly prefixed = new Map<string, PrefixGroup[]>();
  private readonly unfiled: Candidate[] = [];
  /** Per pattern, the last call that found it matching: dedupes its alternatives without a Set. */
  private matchedIn = new Uint32Array(64);
  private call = 0;

  get size(): number {
    return this.values.length;
  }

  add(value: T, pattern: CompiledPattern): void {
    const rule = this.values.length;
    this.values.push(value);
    this.patterns.push(pattern);
    if (rule >= this.matchedIn.length) {
      const grown = new Uint32Array(this.matchedIn.length * 2);
      grown.set(this.matchedIn);
      this.matchedIn = grown;
    }
    for (const alternative of pattern.alternatives) {
      const candidate: Candidate = { rule, match: alternative.matcher.match };
      const anchor = chooseAnchor(alternative.present);
      if (!anchor) {
        this.unfiled.push(candidate);
      } else if (anchor.exact) {
        const byValue = getOrSet(this.exact, anchor.field, () => new Map<string, Candidate[]>());
        for (const text of new Set(anchor.exact)) getOrSet(byValue, text, () => []).push(candidate);
      } else {
        const groups = getOrSet(this.prefixed, anchor.field, () => []);
        for (const prefix of new Set(anchor.prefixes)) {
          let group = groups.find((g) => g.prefix === prefix);
          if (!group) groups.push((group = { prefix, candidates: [] }));
          group.candidates.push(candidate);
        }
      }
    }
  }

  /** The values of the patterns the event matches, in the order the patterns were added. */
  matching(event: unknown): T[] {
    if (!isPlainObject(event)) return this.values.filter((_, rule) => this.patterns[rule]!.matches(event));
    this.call = this.call === 0xffffffff ? 1 : this.call + 1;
    if (this.call === 1) this.matchedIn.fill(0);
    const matched: number[] = [];
    const run = (candidates: readonly Candidate[]): void => {
      for (let i = 0; i < candidates.length; i++) {
        const candidate = candidates[i]!;
        if (this.matchedIn[candidate.rule] !== this.call && candidate.match(event)) {
          this.matchedIn[candidate.rule] = this.call;
          matched.push(candidate.rule);
        }
      }
    };
    for (const [field, byValue] of this.exact) {
      forEachString(event[field], (text) => {
        const candidates = byValue.get(text);
        if (candidates) run(candidates);
      });
    }
    for (const [field, groups] of this.prefixed) {
      forEachString(event[field], (text) => {
        for (const group of groups) if (text.startsWith(group.prefix)) run(group.candidates);
      });
    }
    run(this.unfiled);
    if (matched.length > 1) matched.sort((a, b) => a - b);
    return matched.map((rule) => this.values[rule]!);
  }
}

interface Anchor {
  readonly field: string;
  readonly exact?: readonly string[];
  readonly prefixes?: readonly string[];
}

function chooseAnchor(leaves: readonly FlatLeaf[]): Anchor | undefined {
  let best: { field: string; condition: LeafCondition; score: number } | undefined;
  for (const { segments, condition } of leaves) {
    if (segments.length !== 1 || (!condition.exact && !condition.prefixes)) continue;
    const field = segments[0]!;
    const preference = FIELD_PREFERENCE.indexOf(field);
    // Exact strings before prefixes; fewer values first; then the preferred fields.
    const score =
      (condition.exact ? 0 : 1_000_000) +
      (condition.exact ?? condition.prefixes)!.length * 10 +
      (preference < 0 ? FIELD_PREFERENCE.length : preference);
    if (!best || score < best.score) best = { field, condition, score };
  }
  if (!best) return undefined;
  return { field: best.field, exact: best.condition.exact, prefixes: best.condition.prefixes };
}

/** Calls `visit` with each string leaf of an event value: the value itself, or inside arrays. */
function forEachString(value: unknown, visit: (text: string) => void): void {
  if (typeof value === 'string') visit(value);
  else if (Array.isArray(value)) for (const item of value) forEachString(item, visit);
}

function getOrSet<K, V>(map: Map<K, V>, key: K, make: () => V): V {
  let found = map.get(key);
  if (found === undefined) map.set(key, (found = make()));
  return found;
}

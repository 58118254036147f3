/**
 * The local bus's pattern matching on one core: each event's JSON text parsed, then matched
 * against every rule through the rule index, as LocalBus.putEnvelope does for an event arriving
 * as text; at 100, 1,000 and 10,000 generated rules, and the time to compile and index 10,000.
 */
import { compilePattern, RuleIndex } from '#infra/local/event-pattern.ts';
import { generateWorkload } from './matcher-workload.ts';
import { atLeast, atMost, type BenchResult, result } from './results.ts';

export const MATCHER_TARGET_EVENTS_PER_SECOND = 40_000;
export const MATCHER_TARGET_EVENTS_PER_SECOND_1000_RULES = 15_000;
export const MATCHER_TARGET_EVENTS_PER_SECOND_10000_RULES = 3_000;
export const MATCHER_TARGET_RULE_ADD_MS_10000 = 2_000;

export interface MatcherStats {
  eventsPerSecond: number;
  rules: number;
  events: number;
  /** Milliseconds to compile and index all the rules. */
  buildMs: number;
  averageMatchesPerEvent: number;
  averageConditionsPerRule: number;
  maxConditions: number;
  minEventBytes: number;
  maxEventBytes: number;
}

export function measureMatcher(
  options: { rules?: number; events?: number; seed?: number; minMs?: number } = {},
): MatcherStats {
  const workload = generateWorkload({
    rules: options.rules ?? 100,
    events: options.events ?? 4000,
    seed: options.seed ?? 7,
  });
  const build = (): RuleIndex<number> => {
    const index = new RuleIndex<number>();
    workload.rules.forEach((rule, i) => index.add(i, compilePattern(rule.pattern)));
    return index;
  };
  build(); // warm-up: the first build also pays for compiling the matcher's code
  const buildStarted = performance.now();
  const index = build();
  const buildMs = performance.now() - buildStarted;
  const texts = workload.eventTexts;

  const pass = (): number => {
    let matches = 0;
    for (let e = 0; e < texts.length; e++) matches += index.matching(JSON.parse(texts[e]!) as unknown).length;
    return matches;
  };

  const matchesPerPass = pass(); // warm-up, and the match count
  pass();
  const minMs = options.minMs ?? 1500;
  let events = 0;
  const started = performance.now();
  let elapsed = 0;
  while (elapsed < minMs) {
    pass();
    events += texts.length;
    elapsed = performance.now() - started;
  }
  const sizes = texts.map((text) => Buffer.byteLength(text));
  const conditions = workload.rules.map((rule) => rule.conditions);
  return {
    eventsPerSecond: events / (elapsed / 1000),
    rules: workload.rules.length,
    events: texts.length,
    buildMs,
    averageMatchesPerEvent: matchesPerPass / texts.length,
    averageConditionsPerRule: conditions.reduce((a, b) => a + b, 0) / conditions.length,
    maxConditions: Math.max(...conditions),
    minEventBytes: Math.min(...sizes),
    maxEventBytes: Math.max(...sizes),
  };
}

/** The figures at 100 rules, then at 1,000 and 10,000 (same generator, more rules). */
export function matcherResults(stats: MatcherStats, at1000?: MatcherStats, at10000?: MatcherStats): BenchResult[] {
  const results = [
    result('matcher.eventsPerSecond', stats.eventsPerSecond, 'events/s', atLeast(MATCHER_TARGET_EVENTS_PER_SECOND), 0),
    result('matcher.evaluationsPerSecond', stats.eventsPerSecond * stats.rules, 'rule evaluations/s', undefined, 0),
    result('matcher.matchesPerEvent', stats.averageMatchesPerEvent, 'rules matched/event'),
  ];
  if (at1000) {
    results.push(
      result(
        'matcher.eventsPerSecond1000Rules',
        at1000.eventsPerSecond,
        'events/s',
        atLeast(MATCHER_TARGET_EVENTS_PER_SECOND_1000_RULES),
        0,
      ),
    );
  }
  if (at10000) {
    results.push(
      result(
        'matcher.eventsPerSecond10000Rules',
        at10000.eventsPerSecond,
        'events/s',
        atLeast(MATCHER_TARGET_EVENTS_PER_SECOND_10000_RULES),
        0,
      ),
      result('matcher.ruleAddMs10000', at10000.buildMs, 'ms', atMost(MATCHER_TARGET_RULE_ADD_MS_10000), 0),
    );
  }
  return results;
}

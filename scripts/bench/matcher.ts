/**
 * The local bus's pattern matching on one core: each event's JSON text parsed, then evaluated
 * against every rule, as LocalBus.putEnvelope does for an event arriving as text.
 */
import { compilePattern } from '#infra/local/event-pattern.ts';
import { generateWorkload } from './matcher-workload.ts';
import { atLeast, type BenchResult, result } from './results.ts';

export const MATCHER_TARGET_EVENTS_PER_SECOND = 37_000;

export interface MatcherStats {
  eventsPerSecond: number;
  rules: number;
  events: number;
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
  const compiled = workload.rules.map((rule) => compilePattern(rule.pattern));
  const texts = workload.eventTexts;

  const pass = (): number => {
    let matches = 0;
    for (let e = 0; e < texts.length; e++) {
      const event = JSON.parse(texts[e]!) as unknown;
      for (let r = 0; r < compiled.length; r++) if (compiled[r]!.matches(event)) matches++;
    }
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
    rules: compiled.length,
    events: texts.length,
    averageMatchesPerEvent: matchesPerPass / texts.length,
    averageConditionsPerRule: conditions.reduce((a, b) => a + b, 0) / conditions.length,
    maxConditions: Math.max(...conditions),
    minEventBytes: Math.min(...sizes),
    maxEventBytes: Math.max(...sizes),
  };
}

export function matcherResults(stats: MatcherStats): BenchResult[] {
  return [
    result('matcher.eventsPerSecond', stats.eventsPerSecond, 'events/s', atLeast(MATCHER_TARGET_EVENTS_PER_SECOND), 0),
    result('matcher.evaluationsPerSecond', stats.eventsPerSecond * stats.rules, 'rule evaluations/s', undefined, 0),
    result('matcher.matchesPerEvent', stats.averageMatchesPerEvent, 'rules matched/event'),
  ];
}

import { describe, expect, it } from 'vitest';
import { type MatcherStats, matcherResults } from '#scripts/bench/matcher.ts';

const stats = (eventsPerSecond: number, rules: number, buildMs: number): MatcherStats => ({
  eventsPerSecond,
  rules,
  events: 4000,
  buildMs,
  averageMatchesPerEvent: 3.3,
  averageConditionsPerRule: 2.5,
  maxConditions: 7,
  minEventBytes: 600,
  maxEventBytes: 1700,
});

describe('matcher benchmark figures', () => {
  it('reports the four figures of issue 20 with their targets, met or not', () => {
    const results = matcherResults(stats(45_000, 100, 1), stats(14_000, 1000, 10), stats(3_500, 10_000, 2_100));
    const byName = Object.fromEntries(results.map((r) => [r.name, r]));
    expect(byName['matcher.eventsPerSecond']).toMatchObject({ target: '>= 40000', met: true });
    expect(byName['matcher.eventsPerSecond1000Rules']).toMatchObject({ target: '>= 15000', met: false });
    expect(byName['matcher.eventsPerSecond10000Rules']).toMatchObject({ target: '>= 3000', met: true });
    expect(byName['matcher.ruleAddMs10000']).toMatchObject({ value: 2100, target: '<= 2000', met: false });
    expect(byName['matcher.evaluationsPerSecond']?.value).toBe(4_500_000);
    expect(byName['matcher.matchesPerEvent']).toBeDefined();
  });
});

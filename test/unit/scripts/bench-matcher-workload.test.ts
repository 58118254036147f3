import { describe, expect, it } from 'vitest';
import { compilePattern } from '#infra/local/event-pattern.ts';
import { generateWorkload, seededRandom } from '#scripts/bench/matcher-workload.ts';

const workload = generateWorkload({ rules: 100, events: 600, seed: 7 });

describe('the matcher workload', () => {
  it('is the same for the same seed and differs for another', () => {
    const again = generateWorkload({ rules: 100, events: 600, seed: 7 });
    expect(again.eventTexts).toEqual(workload.eventTexts);
    expect(again.rules).toEqual(workload.rules);
    expect(generateWorkload({ rules: 100, events: 600, seed: 8 }).eventTexts).not.toEqual(workload.eventTexts);
    const first = seededRandom(1);
    const second = seededRandom(1);
    const draws = Array.from({ length: 5 }, () => first());
    expect(Array.from({ length: 5 }, () => second())).toEqual(draws);
    for (const draw of draws) expect(draw >= 0 && draw < 1).toBe(true);
  });

  it('makes envelopes of 0.6 to 1.7 KB with 0 to 16 positions', () => {
    for (const text of workload.eventTexts) {
      expect(text.length).toBeGreaterThanOrEqual(600);
      expect(text.length).toBeLessThanOrEqual(1700);
      const event = JSON.parse(text) as { detail: { positions: unknown[] }; 'detail-type': string; source: string };
      expect(event.detail.positions.length).toBeLessThanOrEqual(16);
    }
    const counts = workload.eventTexts.map(
      (text) => (JSON.parse(text) as { detail: { positions: unknown[] } }).detail.positions.length,
    );
    expect(Math.min(...counts)).toBe(0);
    expect(Math.max(...counts)).toBeGreaterThanOrEqual(8);
  });

  it('uses every operator the issue names, in valid patterns of at most 7 conditions', () => {
    const text = JSON.stringify(workload.rules.map((rule) => rule.pattern));
    for (const operator of [
      '"prefix"',
      '"suffix"',
      '"wildcard"',
      '"anything-but"',
      '"exists"',
      '"equals-ignore-case"',
      '"numeric"',
      '"$or"',
      '"tasks"',
      '"positions"',
    ]) {
      expect(text).toContain(operator);
    }
    for (const rule of workload.rules) {
      expect(rule.conditions).toBeLessThanOrEqual(7);
      expect(() => compilePattern(rule.pattern)).not.toThrow();
    }
    expect(Math.max(...workload.rules.map((rule) => rule.conditions))).toBe(7);
  });

  it('has each event match a few rules, not none and not most', () => {
    const rules = workload.rules.map((rule) => compilePattern(rule.pattern));
    const matches = workload.eventTexts.map((text) => {
      const event = JSON.parse(text) as unknown;
      return rules.filter((rule) => rule.matches(event)).length;
    });
    const average = matches.reduce((a, b) => a + b, 0) / matches.length;
    expect(average).toBeGreaterThan(1.5);
    expect(average).toBeLessThan(6);
    expect(Math.max(...matches)).toBeLessThan(20);
  });
});

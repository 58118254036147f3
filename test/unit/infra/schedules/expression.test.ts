/**
 * Scheduler expressions and their slots. Expected instants are worked out by hand from the
 * calendar and the published daylight-saving dates: Europe/London changes on the last Sundays of
 * March and October at 01:00 UTC (28 March and 31 October 2027); America/New_York on the second
 * Sunday of March and the first of November at 02:00 local (14 March and 7 November 2027).
 */
import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '#events/errors.ts';
import {
  latestDueSlot,
  nextSlot,
  parseScheduleExpression,
  parseTimeZone,
  type Schedule,
} from '#infra/schedules/expression.ts';

const at = (iso: string) => new Date(iso);
const schedule = (expression: string, timeZone = 'UTC', start = '2020-01-01T00:00:00Z'): Schedule => ({
  expression: parseScheduleExpression(expression),
  timeZone,
  start: at(start),
});
const next = (s: Schedule, after: string) => nextSlot(s, at(after))?.toISOString() ?? null;
const slots = (s: Schedule, after: string, count: number) => {
  const out: string[] = [];
  let from = at(after);
  for (let i = 0; i < count; i++) {
    const slot = nextSlot(s, from);
    if (!slot) break;
    out.push(slot.toISOString());
    from = slot;
  }
  return out;
};

describe('cron in a time zone with daylight saving', () => {
  it('skips a time that does not exist when London springs forward', () => {
    expect(slots(schedule('cron(30 1 * * ? *)', 'Europe/London'), '2027-03-26T12:00:00Z', 3)).toEqual([
      '2027-03-27T01:30:00.000Z', // 01:30 GMT
      '2027-03-29T00:30:00.000Z', // 28 March has no 01:30; 29 March 01:30 BST
      '2027-03-30T00:30:00.000Z',
    ]);
  });

  it('fires once, at the first occurrence, for a time London repeats when it falls back', () => {
    expect(slots(schedule('cron(30 1 * * ? *)', 'Europe/London'), '2027-10-30T12:00:00Z', 2)).toEqual([
      '2027-10-31T00:30:00.000Z', // 01:30 BST; 01:30 GMT an hour later does not fire
      '2027-11-01T01:30:00.000Z',
    ]);
  });

  it('keeps 09:00 local on weekdays across New York springing forward', () => {
    expect(slots(schedule('cron(0 9 ? * MON-FRI *)', 'America/New_York'), '2027-03-12T00:00:00Z', 2)).toEqual([
      '2027-03-12T14:00:00.000Z', // Friday 09:00 EST
      '2027-03-15T13:00:00.000Z', // Monday 09:00 EDT
    ]);
    expect(slots(schedule('cron(0 9 ? * MON-FRI *)', 'America/New_York'), '2027-11-05T00:00:00Z', 2)).toEqual([
      '2027-11-05T13:00:00.000Z', // Friday 09:00 EDT
      '2027-11-08T14:00:00.000Z', // Monday 09:00 EST
    ]);
  });

  it('counts a rate in fixed hours, so rate(1 day) moves an hour on the local clock at a change', () => {
    const s = schedule('rate(1 day)', 'Europe/London', '2027-03-27T12:00:00Z');
    expect(slots(s, '2027-03-27T11:00:00Z', 3)).toEqual([
      '2027-03-27T12:00:00.000Z',
      '2027-03-28T12:00:00.000Z', // 13:00 BST
      '2027-03-29T12:00:00.000Z',
    ]);
  });
});

describe('cron day rules', () => {
  it.each([
    ['cron(0 10 L * ? *)', '2028-02-01T00:00:00Z', '2028-02-29T10:00:00.000Z'], // leap year
    ['cron(0 10 L * ? *)', '2027-02-01T00:00:00Z', '2027-02-28T10:00:00.000Z'],
    ['cron(0 10 ? * 6L *)', '2027-01-01T00:00:00Z', '2027-01-29T10:00:00.000Z'], // last Friday
    ['cron(0 10 ? * 3#2 *)', '2027-02-01T00:00:00Z', '2027-02-09T10:00:00.000Z'], // second Tuesday
    ['cron(0 10 ? * TUE#2 *)', '2027-02-01T00:00:00Z', '2027-02-09T10:00:00.000Z'],
    ['cron(0 10 15W * ? *)', '2027-05-01T00:00:00Z', '2027-05-14T10:00:00.000Z'], // 15th is a Saturday
    ['cron(0 10 1W * ? *)', '2027-05-01T00:00:00Z', '2027-05-03T10:00:00.000Z'], // 1st Saturday → Monday 3rd
    ['cron(0 10 LW * ? *)', '2027-10-01T00:00:00Z', '2027-10-29T10:00:00.000Z'], // 31st is a Sunday
    ['cron(0/20 8-9 * * ? *)', '2027-01-01T08:25:00Z', '2027-01-01T08:40:00.000Z'],
    ['cron(0 12 ? JAN,JUL SUN 2028)', '2027-01-01T00:00:00Z', '2028-01-02T12:00:00.000Z'],
    ['cron(0 0 1 1 ? 2030)', '2030-01-01T00:00:00Z', null], // only slot is not after
  ])('%s after %s is %s', (expression, after, expected) => {
    expect(next(schedule(expression), after)).toBe(expected);
  });

  it('fires a one-time at() schedule once, in its time zone', () => {
    const s = schedule('at(2027-06-01T09:30:00)', 'Europe/Paris');
    expect(next(s, '2027-01-01T00:00:00Z')).toBe('2027-06-01T07:30:00.000Z');
    expect(next(s, '2027-06-01T07:30:00Z')).toBeNull();
  });
});

describe('what is due', () => {
  const hourly = schedule('cron(0 * * * ? *)', 'UTC', '2027-01-01T01:10:00Z');

  it('is the latest slot since the last fire, once, however many were missed', () => {
    expect(latestDueSlot(hourly, at('2027-01-01T02:00:00Z'), at('2027-01-01T05:30:00Z'))?.toISOString()).toBe(
      '2027-01-01T05:00:00.000Z',
    );
    expect(latestDueSlot(hourly, at('2027-01-01T05:00:00Z'), at('2027-01-01T05:59:59Z'))).toBeNull();
  });

  it('is nothing before the schedule started, and the slot itself at its exact minute', () => {
    expect(latestDueSlot(hourly, null, at('2027-01-01T01:59:00Z'))).toBeNull();
    expect(latestDueSlot(hourly, null, at('2027-01-01T02:00:00Z'))?.toISOString()).toBe('2027-01-01T02:00:00.000Z');
  });

  it('finds the latest of a frequent schedule missed for a month without walking it minute by minute', () => {
    const minutely = schedule('cron(* * * * ? *)', 'Europe/London', '2027-01-01T00:00:00Z');
    expect(latestDueSlot(minutely, at('2027-01-01T00:00:00Z'), at('2027-02-01T10:15:30Z'))?.toISOString()).toBe(
      '2027-02-01T10:15:00.000Z',
    );
  });
});

describe('refusals', () => {
  it.each([
    ['cron(0 6 * * * *)', /exactly one of day-of-month and day-of-week must be \?/],
    ['cron(0 6 ? * ? *)', /exactly one of day-of-month and day-of-week must be \?/],
    ['cron(0 6 * *)', /has 4 fields; it needs six: minutes hours day-of-month month day-of-week year/],
    ['cron(60 6 * * ? *)', /minutes 60 is outside 0–59/],
    ['cron(0 6 ? * FUNDAY *)', /day-of-week "FUNDAY" must be 1–7 or SUN–SAT/],
    ['cron(0 6 ? * 2#1,3#2 *)', /# takes one day and a week 1–5, alone/],
    ['cron(0 6 * * ? 2200)', /year 2200 is outside 1970–2199/],
    ['cron(0 6 10-5 * ? *)', /the range must run from low to high/],
    ['rate(0 minutes)', /must be at least 1/],
    ['rate(5 seconds)', /needs a whole number and a unit/],
    ['at(2027-02-30T00:00:00)', /is not a real date and time/],
    ['at(2027-02-01 09:00)', /needs a local date and time without zone/],
    ['every monday', /is not a schedule expression: use cron\(0 6 \? \* MON \*\)/],
  ])('%s is refused, saying why', (expression, why) => {
    expect(() => parseScheduleExpression(expression)).toThrow(InvalidInputError);
    expect(() => parseScheduleExpression(expression)).toThrow(why);
  });

  it('names the field in the error', () => {
    expect(() => parseScheduleExpression('rate(5 weeks)', 'cron')).toThrow(/^cron: "rate\(5 weeks\)"/);
  });

  it('accepts IANA zones and refuses others', () => {
    expect(parseTimeZone('Europe/London')).toBe('Europe/London');
    expect(() => parseTimeZone('Mars/Olympus')).toThrow(/timezone: "Mars\/Olympus" is not an IANA time zone/);
  });
});

/**
 * Schedule expressions as EventBridge Scheduler reads them — `cron(…)`, `rate(value unit)`,
 * `at(yyyy-mm-ddThh:mm:ss)` — evaluated in an IANA time zone, and when they fire. Daylight
 * saving follows Scheduler: a cron or at time that does not exist (clocks go forward) is skipped,
 * one that happens twice (clocks go back) fires once, at its first occurrence; a rate counts
 * fixed durations (a day is 24 hours) from the schedule's start.
 */
import { InvalidInputError } from '#events/errors.ts';
import { type CronFields, CronSyntaxError, dayMatches, daysIn, parseCronFields, YEAR_RANGE } from './cron.ts';
import { asUtc, instantsOf, offsetAt, wallTimeOf } from './time-zone.ts';

export type ScheduleExpression =
  | { kind: 'cron'; text: string; fields: CronFields }
  | { kind: 'rate'; text: string; everyMs: number }
  | { kind: 'at'; text: string; wall: WallTime };

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const MINUTE = 60_000;
const RATE_UNITS: Record<string, number> = {
  minute: MINUTE,
  minutes: MINUTE,
  hour: 60 * MINUTE,
  hours: 60 * MINUTE,
  day: 24 * 60 * MINUTE,
  days: 24 * 60 * MINUTE,
};

/** Parses a Scheduler expression, or throws an InvalidInputError naming `field` and the fix. */
export function parseScheduleExpression(text: string, field = 'expression'): ScheduleExpression {
  const refuse = (why: string): never => {
    throw new InvalidInputError(`${field}: "${text}" ${why}`, [`${field}: ${why}`]);
  };
  const match = /^(cron|rate|at)\((.*)\)$/.exec(text.trim());
  if (!match)
    return refuse('is not a schedule expression: use cron(0 6 ? * MON *), rate(7 days) or at(2027-01-31T09:00:00)');
  const [, kind, body] = match as unknown as [string, 'cron' | 'rate' | 'at', string];
  if (kind === 'cron') {
    try {
      return { kind, text: text.trim(), fields: parseCronFields(body) };
    } catch (error) {
      if (error instanceof CronSyntaxError) return refuse(error.message);
      throw error;
    }
  }
  if (kind === 'rate') {
    const rate = /^(\d+) (minutes?|hours?|days?)$/.exec(body.trim());
    if (!rate) return refuse('needs a whole number and a unit: rate(5 minutes), rate(1 hour), rate(7 days)');
    const amount = Number(rate[1]);
    if (amount < 1) return refuse('must be at least 1');
    return { kind, text: text.trim(), everyMs: amount * RATE_UNITS[rate[2]!]! };
  }
  const at = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(body);
  if (!at) return refuse('needs a local date and time without zone: at(2027-01-31T09:00:00)');
  const [year, month, day, hour, minute, second] = at.slice(1).map(Number) as [number, ...number[]];
  const wall = { year, month: month!, day: day!, hour: hour!, minute: minute!, second: second! };
  if (
    month! < 1 ||
    month! > 12 ||
    day! < 1 ||
    day! > daysIn(year, month!) ||
    hour! > 23 ||
    minute! > 59 ||
    second! > 59
  )
    return refuse('is not a real date and time');
  return { kind, text: text.trim(), wall };
}

/** Checks an IANA time zone name (`Europe/London`, `UTC`), or throws naming `field`. */
export function parseTimeZone(zone: string, field = 'timezone'): string {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    const why = `"${zone}" is not an IANA time zone: use a name such as UTC, Europe/London or America/New_York`;
    throw new InvalidInputError(`${field}: ${why}`, [`${field}: ${why}`]);
  }
}

export interface Schedule {
  expression: ScheduleExpression;
  timeZone: string;
  /** When the schedule started: a rate's first slot, and nothing fires before it. */
  start: Date;
}

/** The first slot strictly after `after`, or null when the schedule has no more. */
export function nextSlot(schedule: Schedule, after: Date): Date | null {
  const { expression, timeZone, start } = schedule;
  const from = Math.max(after.getTime(), start.getTime() - 1);
  if (expression.kind === 'rate') {
    // Slot k is start + k·period; slot 0 is the start itself (Scheduler invokes at once).
    const k = Math.max(0, Math.floor((from - start.getTime()) / expression.everyMs) + 1);
    return new Date(start.getTime() + k * expression.everyMs);
  }
  if (expression.kind === 'at') {
    const [first] = instantsOf(expression.wall, timeZone);
    return first !== undefined && first > from ? new Date(first) : null;
  }
  return nextCronSlot(expression.fields, timeZone, from);
}

/**
 * The latest slot in (`after`, `now`], or null: what is due. However many slots passed while
 * nothing ran, only the latest fires — a missed schedule fires once, not once per slot.
 */
export function latestDueSlot(schedule: Schedule, after: Date | null, now: Date): Date | null {
  const { expression, timeZone, start } = schedule;
  const floor = Math.max(after?.getTime() ?? -Infinity, start.getTime() - 1);
  if (now.getTime() <= floor) return null;
  if (expression.kind === 'rate') {
    const k = Math.floor((now.getTime() - start.getTime()) / expression.everyMs);
    const slot = start.getTime() + k * expression.everyMs;
    return k >= 0 && slot > floor ? new Date(slot) : null;
  }
  if (expression.kind === 'at') {
    const slot = nextSlot(schedule, new Date(floor));
    return slot && slot <= now ? slot : null;
  }
  const slot = latestCronSlot(expression.fields, timeZone, now.getTime());
  return slot !== null && slot > floor ? new Date(slot) : null;
}

function nextCronSlot(fields: CronFields, timeZone: string, after: number): Date | null {
  // Start a day early: when clocks go back, instants after `after` can carry an earlier wall date.
  const startWall = wallTimeOf(after - 24 * 60 * MINUTE, timeZone);
  let year = startWall.year;
  let month = startWall.month;
  let day = startWall.day;
  while (year <= YEAR_RANGE.max) {
    if (!fields.years.has(year)) {
      year += 1;
      month = 1;
      day = 1;
      continue;
    }
    if (!fields.months.has(month)) {
      [year, month, day] = month === 12 ? [year + 1, 1, 1] : [year, month + 1, 1];
      continue;
    }
    if (dayMatches(fields.day, year, month, day)) {
      const slot = firstSlotOfDay(fields, timeZone, { year, month, day }, after);
      if (slot !== null) return new Date(slot);
    }
    if (day < daysIn(year, month)) day += 1;
    else [year, month, day] = month === 12 ? [year + 1, 1, 1] : [year, month + 1, 1];
  }
  return null;
}

function firstSlotOfDay(
  fields: CronFields,
  timeZone: string,
  date: { year: number; month: number; day: number },
  after: number,
): number | null {
  // A wall time whose instant is surely not after `after` (the offset there, give or take the
  // largest daylight-saving shift) is skipped without asking Intl.
  const offset = offsetAt(after, timeZone);
  for (const hour of fields.hours) {
    for (const minute of fields.minutes) {
      const wall = { ...date, hour, minute, second: 0 };
      if (asUtc(wall) - offset + 3 * 60 * MINUTE <= after) continue;
      // Only the first occurrence of a repeated wall time counts; a missing one is skipped.
      const [first] = instantsOf(wall, timeZone);
      if (first !== undefined && first > after) return first;
    }
  }
  return null;
}

/** The latest cron slot at or before `notAfter`: the day scan of nextCronSlot, backwards. */
function latestCronSlot(fields: CronFields, timeZone: string, notAfter: number): number | null {
  const offset = offsetAt(notAfter, timeZone);
  // A day late, for the same reason nextCronSlot starts a day early.
  const w = wallTimeOf(notAfter + 24 * 60 * MINUTE, timeZone);
  let [year, month, day] = [w.year, w.month, w.day];
  const hours = [...fields.hours].reverse();
  const minutes = [...fields.minutes].reverse();
  while (year >= YEAR_RANGE.min) {
    if (!fields.years.has(year)) {
      [year, month, day] = [year - 1, 12, 31];
      continue;
    }
    if (!fields.months.has(month)) {
      [year, month] = month === 1 ? [year - 1, 12] : [year, month - 1];
      day = daysIn(year, month);
      continue;
    }
    if (dayMatches(fields.day, year, month, day)) {
      for (const hour of hours) {
        for (const minute of minutes) {
          const wall = { year, month, day, hour, minute, second: 0 };
          if (asUtc(wall) - offset - 3 * 60 * MINUTE > notAfter) continue;
          const [first] = instantsOf(wall, timeZone);
          if (first !== undefined && first <= notAfter) return first;
        }
      }
    }
    if (day > 1) day -= 1;
    else {
      [year, month] = month === 1 ? [year - 1, 12] : [year, month - 1];
      day = daysIn(year, month);
    }
  }
  return null;
}

/**
 * EventBridge Scheduler's six-field cron (minutes hours day-of-month month day-of-week year):
 * parsing with its rules (exactly one of the day fields is `?`; L, W in day-of-month; L and #
 * in day-of-week, where 1 is Sunday; years 1970–2199) and whether a calendar day matches.
 * Hand-written: cron-parser and the like read five- or six-field Unix cron (seconds first, no
 * year, Sunday 0, `?` unknown), so an adapter would rewrite most of the grammar anyway.
 */

export interface CronFields {
  minutes: readonly number[];
  hours: readonly number[];
  months: ReadonlySet<number>;
  years: ReadonlySet<number>;
  day: DaySpec;
}

export type DaySpec =
  | { by: 'month'; days: ReadonlySet<number>; last: boolean; lastWeekday: boolean; nearestWeekday: number | null }
  | { by: 'week'; weekdays: ReadonlySet<number>; lastOf: number | null; nth: { weekday: number; n: number } | null };

export const YEAR_RANGE = { min: 1970, max: 2199 } as const;

const MONTHS = ['JAN', 'FEB', 'MAR', 'APR', 'MAY', 'JUN', 'JUL', 'AUG', 'SEP', 'OCT', 'NOV', 'DEC'];
const WEEKDAYS = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/** A cron problem, naming the field; the caller adds the expression around it. */
export class CronSyntaxError extends Error {}

interface FieldRule {
  name: string;
  min: number;
  max: number;
  names?: readonly string[];
}

const FIELDS = {
  minutes: { name: 'minutes', min: 0, max: 59 },
  hours: { name: 'hours', min: 0, max: 23 },
  dayOfMonth: { name: 'day-of-month', min: 1, max: 31 },
  month: { name: 'month', min: 1, max: 12, names: MONTHS },
  dayOfWeek: { name: 'day-of-week', min: 1, max: 7, names: WEEKDAYS },
  year: { name: 'year', min: YEAR_RANGE.min, max: YEAR_RANGE.max },
} satisfies Record<string, FieldRule>;

export function parseCronFields(body: string): CronFields {
  const parts = body.trim().split(/\s+/);
  if (parts.length !== 6)
    throw new CronSyntaxError(
      `has ${parts.length} field${parts.length === 1 ? '' : 's'}; it needs six: minutes hours day-of-month month day-of-week year, e.g. cron(0 6 ? * MON *)`,
    );
  const [minutes, hours, dom, month, dow, year] = parts as [string, string, string, string, string, string];
  if ((dom === '?') === (dow === '?'))
    throw new CronSyntaxError(
      'exactly one of day-of-month and day-of-week must be ?, e.g. cron(0 6 * * ? *) or cron(0 6 ? * MON *)',
    );
  return {
    minutes: [...parseList(minutes, FIELDS.minutes)].sort((a, b) => a - b),
    hours: [...parseList(hours, FIELDS.hours)].sort((a, b) => a - b),
    months: parseList(month, FIELDS.month),
    years: parseList(year, FIELDS.year),
    day: dom === '?' ? parseDayOfWeek(dow) : parseDayOfMonth(dom),
  };
}

function parseDayOfMonth(text: string): DaySpec {
  const spec = { by: 'month' as const, days: new Set<number>(), last: false, lastWeekday: false, nearestWeekday: null };
  if (text === 'L') return { ...spec, last: true };
  if (text === 'LW') return { ...spec, lastWeekday: true };
  const weekday = /^(\d{1,2})W$/.exec(text);
  if (weekday) return { ...spec, nearestWeekday: bounded(Number(weekday[1]), FIELDS.dayOfMonth) };
  if (/[LW]/.test(text))
    throw new CronSyntaxError(`day-of-month "${text}": L, LW and nW (e.g. 15W) stand alone, not in a list or range`);
  return { ...spec, days: parseList(text, FIELDS.dayOfMonth) };
}

function parseDayOfWeek(text: string): DaySpec {
  const spec = { by: 'week' as const, weekdays: new Set<number>(), lastOf: null, nth: null };
  if (text === 'L') return { ...spec, weekdays: new Set([7]) };
  const last = /^([A-Za-z]{3}|\d)L$/.exec(text);
  if (last) return { ...spec, lastOf: value(last[1]!, FIELDS.dayOfWeek) };
  if (text.includes('#')) {
    const nth = /^([A-Za-z]{3}|\d)#([1-5])$/.exec(text);
    if (!nth)
      throw new CronSyntaxError(
        `day-of-week "${text}": # takes one day and a week 1–5, alone (e.g. 3#2, the second Tuesday); not in a list`,
      );
    return { ...spec, nth: { weekday: value(nth[1]!, FIELDS.dayOfWeek), n: Number(nth[2]) } };
  }
  if (text.includes('L')) throw new CronSyntaxError(`day-of-week "${text}": L stands alone or after one day (6L)`);
  return { ...spec, weekdays: parseList(text, FIELDS.dayOfWeek) };
}

/** `*`, `a`, `a-b`, each optionally `/step`, comma-separated. */
function parseList(text: string, rule: FieldRule): Set<number> {
  if (text === '?') throw new CronSyntaxError(`${rule.name}: ? is only for day-of-month or day-of-week`);
  const out = new Set<number>();
  for (const item of text.split(',')) {
    const match = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(item);
    if (!match) throw new CronSyntaxError(`${rule.name} "${item}" is not a value, a range a-b, * or a step x/n`);
    const [, range, stepText] = match as unknown as [string, string, string | undefined];
    const step = stepText === undefined ? 1 : Number(stepText);
    if (step < 1) throw new CronSyntaxError(`${rule.name} "${item}": the step must be at least 1`);
    let from = rule.min;
    let to = rule.max;
    if (range !== '*') {
      const [a, b] = range.split('-') as [string, string | undefined];
      from = value(a, rule);
      // `5/15` means from 5 to the end in steps of 15; a bare value is itself.
      to = b !== undefined ? value(b, rule) : stepText !== undefined ? rule.max : from;
      if (from > to) throw new CronSyntaxError(`${rule.name} "${item}": the range must run from low to high`);
    }
    for (let v = from; v <= to; v += step) out.add(v);
  }
  return out;
}

function value(text: string, rule: FieldRule): number {
  const named = rule.names?.indexOf(text.toUpperCase()) ?? -1;
  if (named >= 0) return named + 1;
  if (!/^\d+$/.test(text)) {
    const names = rule.names ? ` or ${rule.names[0]}–${rule.names.at(-1)}` : '';
    throw new CronSyntaxError(`${rule.name} "${text}" must be ${rule.min}–${rule.max}${names}`);
  }
  return bounded(Number(text), rule);
}

function bounded(n: number, rule: FieldRule): number {
  if (n < rule.min || n > rule.max) throw new CronSyntaxError(`${rule.name} ${n} is outside ${rule.min}–${rule.max}`);
  return n;
}

const daysIn = (year: number, month: number) => new Date(Date.UTC(year, month, 0)).getUTCDate();
/** 1 = Sunday … 7 = Saturday, as the day-of-week field counts. */
const weekdayOf = (year: number, month: number, day: number) =>
  new Date(Date.UTC(year, month - 1, day)).getUTCDay() + 1;

/** Whether a calendar day (in the schedule's time zone) matches the day fields. */
export function dayMatches(spec: DaySpec, year: number, month: number, day: number): boolean {
  const length = daysIn(year, month);
  if (spec.by === 'month') {
    if (spec.last) return day === length;
    if (spec.lastWeekday) return day === nearestWeekday(year, month, length);
    if (spec.nearestWeekday !== null)
      return spec.nearestWeekday <= length && day === nearestWeekday(year, month, spec.nearestWeekday);
    return spec.days.has(day);
  }
  const weekday = weekdayOf(year, month, day);
  if (spec.lastOf !== null) return weekday === spec.lastOf && day + 7 > length;
  if (spec.nth) return weekday === spec.nth.weekday && Math.ceil(day / 7) === spec.nth.n;
  return spec.weekdays.has(weekday);
}

/** The weekday nearest to `day` within its month (Quartz's W): Saturday → Friday, Sunday → Monday. */
function nearestWeekday(year: number, month: number, day: number): number {
  const weekday = weekdayOf(year, month, day);
  const length = daysIn(year, month);
  if (weekday === 7) return day === 1 ? 3 : day - 1;
  if (weekday === 1) return day === length ? day - 2 : day + 1;
  return day;
}

export { daysIn };

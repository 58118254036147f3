/**
 * Wall-clock time in an IANA time zone through Intl (the tz database Node ships): the wall time
 * of an instant, and the instants of a wall time — none in a spring-forward gap, two in a
 * fall-back overlap. Assumes at most one offset change within a day of any wall time, which
 * holds for every zone except a date-line move such as Samoa's in 2011.
 */
import type { WallTime } from './expression.ts';

const HOUR = 3_600_000;
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let format = formatters.get(timeZone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(timeZone, format);
  }
  return format;
}

export function wallTimeOf(ms: number, timeZone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(ms))
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  return {
    year: parts.year!,
    month: parts.month!,
    day: parts.day!,
    hour: parts.hour!,
    minute: parts.minute!,
    second: parts.second!,
  };
}

/** Milliseconds the zone's wall clock is ahead of UTC at an instant. */
export function offsetAt(ms: number, timeZone: string): number {
  const w = wallTimeOf(ms, timeZone);
  return Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second) - Math.floor(ms / 1000) * 1000;
}

/** The instants showing this wall time, earliest first: none, one, or two. */
export function instantsOf(wall: WallTime, timeZone: string): number[] {
  const local = asUtc(wall);
  const offsets = new Set([offsetAt(local - 24 * HOUR, timeZone), offsetAt(local + 24 * HOUR, timeZone)]);
  const found: number[] = [];
  for (const offset of offsets) {
    const instant = local - offset;
    const seen = wallTimeOf(instant, timeZone);
    if (
      seen.year === wall.year &&
      seen.month === wall.month &&
      seen.day === wall.day &&
      seen.hour === wall.hour &&
      seen.minute === wall.minute &&
      seen.second === wall.second
    )
      found.push(instant);
  }
  return found.sort((a, b) => a - b);
}

/** The wall time read as if it were UTC: the instant it would be at offset zero. */
export function asUtc(wall: WallTime): number {
  return Date.UTC(wall.year, wall.month - 1, wall.day, wall.hour, wall.minute, wall.second);
}

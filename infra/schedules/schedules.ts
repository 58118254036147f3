/**
 * A user's schedules, as the CLI and the API manage them: validated (Scheduler's expression
 * rules, an IANA zone, a one-time schedule in the future), stored, and handed to the runner that
 * fires them — nothing locally (`alex serve` reads the table), a Scheduler schedule on AWS. An
 * add that the runner refuses is removed again, so nothing is left half-made.
 */
import { randomUUID } from 'node:crypto';
import * as z from 'zod';
import { InvalidInputError } from '#events/errors.ts';
import { TASKS, Task } from '#events/values.ts';
import type { SqlDatabase } from '#services/common/sql-database.ts';
import { nextSlot, parseScheduleExpression, parseTimeZone, type Schedule } from './expression.ts';
import { deleteSchedule, insertSchedule, listSchedules, MAX_SCHEDULES_PER_USER, type StoredSchedule } from './store.ts';
import { instantsOf } from './time-zone.ts';

export const ScheduleInput = z
  .object({
    expression: z
      .string()
      .min(1)
      .max(256)
      .describe('EventBridge Scheduler expression: cron(0 6 ? * MON *), rate(7 days) or at(2027-01-31T09:00:00)'),
    timezone: z
      .string()
      .min(1)
      .max(64)
      .optional()
      .describe('IANA time zone the expression is read in; UTC when absent'),
    tasks: z.array(Task).min(1).max(TASKS.length).optional().describe('Parts wanted; all when absent.'),
  })
  .strict();

export type ScheduleInput = z.infer<typeof ScheduleInput>;

/** What the API and `alex schedule list` show. */
export interface ScheduleView {
  id: string;
  expression: string;
  timezone: string;
  tasks: Task[] | null;
  createdAt: string;
  nextFireAt: string | null;
  lastFiredAt: string | null;
  lastJobId: string | null;
}

/** Fires stored schedules: a Scheduler schedule per schedule on AWS, nothing to do locally. */
export interface ScheduleRunner {
  created(schedule: StoredSchedule): Promise<void>;
  removed(schedule: StoredSchedule): Promise<void>;
}

export const LOCAL_RUNNER: ScheduleRunner = { async created() {}, async removed() {} };

/** The stored form of a schedule, as expression.ts evaluates it. */
export function scheduleOf(stored: Pick<StoredSchedule, 'expression' | 'timezone' | 'startsAt'>): Schedule {
  return {
    expression: parseScheduleExpression(stored.expression),
    timeZone: stored.timezone,
    start: new Date(stored.startsAt),
  };
}

export function viewOf(stored: StoredSchedule, now: Date): ScheduleView {
  const after = stored.lastSlot && new Date(stored.lastSlot) > now ? new Date(stored.lastSlot) : now;
  return {
    id: stored.id,
    expression: stored.expression,
    timezone: stored.timezone,
    tasks: stored.tasks,
    createdAt: stored.createdAt,
    nextFireAt: nextSlot(scheduleOf(stored), after)?.toISOString() ?? null,
    lastFiredAt: stored.lastSlot,
    lastJobId: stored.lastJobId,
  };
}

/** A checked new schedule for `userId`, or an InvalidInputError naming the field and the fix. */
export function newSchedule(userId: string, raw: unknown, now: Date): StoredSchedule {
  const input = InvalidInputError.parse(ScheduleInput, raw, 'schedule');
  const expression = parseScheduleExpression(input.expression.trim());
  const timezone = parseTimeZone(input.timezone ?? 'UTC');
  const refuse = (why: string): never => {
    throw new InvalidInputError(`expression: "${expression.text}" ${why}`, [`expression: ${why}`]);
  };
  const stored: StoredSchedule = {
    id: randomUUID(),
    userId,
    expression: expression.text,
    timezone,
    tasks: input.tasks ? TASKS.filter((t) => input.tasks!.includes(t)) : null,
    startsAt: now.toISOString(),
    createdAt: now.toISOString(),
    lastSlot: null,
    lastJobId: null,
  };
  if (expression.kind === 'at' && instantsOf(expression.wall, timezone).length === 0)
    refuse(`names a time that does not exist in ${timezone} (the clocks go forward then): pick another time`);
  if (nextSlot(scheduleOf(stored), now) === null) {
    refuse('never fires again (its times are all in the past): pick a future time or year');
  }
  return stored;
}

export class ScheduleService {
  constructor(
    private readonly db: SqlDatabase,
    private readonly runner: ScheduleRunner = LOCAL_RUNNER,
  ) {}

  async add(userId: string, raw: unknown, now: Date): Promise<ScheduleView> {
    const stored = newSchedule(userId, raw, now);
    if (!(await insertSchedule(this.db, stored))) {
      const why = `a user may have at most ${MAX_SCHEDULES_PER_USER} schedules: remove one first`;
      throw new InvalidInputError(`schedule: ${why}`, [`schedule: ${why}`]);
    }
    try {
      await this.runner.created(stored);
    } catch (error) {
      await deleteSchedule(this.db, userId, stored.id);
      throw error;
    }
    return viewOf(stored, now);
  }

  async list(userId: string, now: Date): Promise<ScheduleView[]> {
    return (await listSchedules(this.db, userId)).map((s) => viewOf(s, now));
  }

  /** False when the user has no such schedule (another user's is the same as none). */
  async remove(userId: string, id: string): Promise<boolean> {
    const stored = (await listSchedules(this.db, userId)).find((s) => s.id === id);
    if (!stored) return false;
    await this.runner.removed(stored);
    return deleteSchedule(this.db, userId, id);
  }
}

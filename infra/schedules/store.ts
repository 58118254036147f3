/**
 * Schedules in PostgreSQL (PGlite locally, Aurora on AWS). Reads and deletes that serve a user
 * carry the user id in their WHERE clause, so no path reaches another user's schedule. A fire is
 * recorded only forward (a later slot than the one stored), so a slow duplicate cannot rewind it.
 */
import type { Task } from '#events/values.ts';
import { json, type SqlDatabase, type SqlExecutor, timestamp } from '#services/common/sql-database.ts';

export interface StoredSchedule {
  id: string;
  userId: string;
  expression: string;
  timezone: string;
  tasks: Task[] | null;
  startsAt: string;
  createdAt: string;
  lastSlot: string | null;
  lastJobId: string | null;
}

/** A documented limit: more is refused with this number in the message. */
export const MAX_SCHEDULES_PER_USER = 20;

type ScheduleRow = {
  id: string;
  user_id: string;
  expression: string;
  timezone: string;
  tasks: Task[] | null;
  starts_at: string;
  created_at: string;
  last_slot: string | null;
  last_job_id: string | null;
};

const iso = (value: string | null) => (value === null ? null : new Date(value).toISOString());

function record(row: ScheduleRow): StoredSchedule {
  return {
    id: row.id,
    userId: row.user_id,
    expression: row.expression,
    timezone: row.timezone,
    tasks: row.tasks,
    startsAt: iso(row.starts_at)!,
    createdAt: iso(row.created_at)!,
    lastSlot: iso(row.last_slot),
    lastJobId: row.last_job_id,
  };
}

/** Inserts the schedule unless the user already has the maximum; false then. */
export async function insertSchedule(
  db: SqlDatabase,
  s: Omit<StoredSchedule, 'lastSlot' | 'lastJobId'>,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    const [count] = await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM schedules WHERE user_id = :userId', {
      userId: s.userId,
    });
    if ((count?.n ?? 0) >= MAX_SCHEDULES_PER_USER) return false;
    await tx.query(
      `INSERT INTO schedules (id, user_id, expression, timezone, tasks, starts_at, created_at)
       VALUES (:id::uuid, :userId, :expression, :timezone, :tasks, :startsAt, :createdAt)`,
      {
        id: s.id,
        userId: s.userId,
        expression: s.expression,
        timezone: s.timezone,
        tasks: s.tasks ? json(s.tasks) : null,
        startsAt: timestamp(s.startsAt),
        createdAt: timestamp(s.createdAt),
      },
    );
    return true;
  });
}

export async function listSchedules(db: SqlExecutor, userId: string): Promise<StoredSchedule[]> {
  const rows = await db.query<ScheduleRow>('SELECT * FROM schedules WHERE user_id = :userId ORDER BY created_at, id', {
    userId,
  });
  return rows.map(record);
}

/** Every user's schedules: what the local firing loop reads. */
export async function listAllSchedules(db: SqlExecutor): Promise<StoredSchedule[]> {
  return (await db.query<ScheduleRow>('SELECT * FROM schedules ORDER BY created_at, id')).map(record);
}

/** True when the user's schedule existed and is gone. */
export async function deleteSchedule(db: SqlExecutor, userId: string, id: string): Promise<boolean> {
  const rows = await db.query('DELETE FROM schedules WHERE id = :id::uuid AND user_id = :userId RETURNING id', {
    id,
    userId,
  });
  return rows.length > 0;
}

/** Records a fired slot; false when a slot this late or later was recorded already. */
export async function recordFired(db: SqlExecutor, id: string, slot: Date, jobId: string): Promise<boolean> {
  const rows = await db.query(
    `UPDATE schedules SET last_slot = :slot, last_job_id = :jobId::uuid
     WHERE id = :id::uuid AND (last_slot IS NULL OR last_slot < :slot) RETURNING id`,
    { id, slot: timestamp(slot), jobId },
  );
  return rows.length > 0;
}

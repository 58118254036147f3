/**
 * Job rows in PostgreSQL: the planner creates and advances them, the aggregator finishes them.
 * Status moves forward only, so a duplicate or replayed message cannot move a job back.
 */
import type { Task } from '#events/values.ts';
import { json, type SqlExecutor, timestamp } from './sql-database.ts';

export type JobStatus = 'requested' | 'planning' | 'classifying' | 'planned' | 'completed' | 'partial' | 'failed';

export const FINISHED_STATUSES: readonly JobStatus[] = ['completed', 'partial', 'failed'];

export type JobRow = {
  id: string;
  user_id: string;
  status: JobStatus;
  tasks: Task[];
  requested_at: string;
  planned_at: string | null;
  deadline: string | null;
  finished_at: string | null;
  error: string | null;
  updated_at: string;
};

/** Creates the job if it does not exist; returns the stored row either way. */
export async function createJob(
  db: SqlExecutor,
  job: { id: string; userId: string; tasks: Task[]; requestedAt: string; deadline: string },
): Promise<{ row: JobRow; created: boolean }> {
  const inserted = await db.query<JobRow>(
    `INSERT INTO jobs (id, user_id, status, tasks, requested_at, deadline)
     VALUES (:id::uuid, :userId, 'planning', :tasks, :requestedAt, :deadline)
     ON CONFLICT (id) DO NOTHING RETURNING *`,
    {
      id: job.id,
      userId: job.userId,
      tasks: json(job.tasks),
      requestedAt: timestamp(job.requestedAt),
      deadline: timestamp(job.deadline),
    },
  );
  if (inserted[0]) return { row: inserted[0], created: true };
  const existing = await getJob(db, job.id);
  if (!existing) throw new Error(`job ${job.id} vanished between insert and select`);
  return { row: existing, created: false };
}

export async function getJob(db: SqlExecutor, id: string): Promise<JobRow | null> {
  const [row] = await db.query<JobRow>('SELECT * FROM jobs WHERE id = :id::uuid', { id });
  return row ?? null;
}

export async function listJobs(db: SqlExecutor, limit = 50): Promise<JobRow[]> {
  return db.query<JobRow>('SELECT * FROM jobs ORDER BY requested_at DESC LIMIT :limit', { limit });
}

/** Moves a job to `status` unless it already finished. Returns whether the row changed. */
export async function advanceJob(
  db: SqlExecutor,
  id: string,
  status: JobStatus,
  fields: { plannedAt?: string; deadline?: string; error?: string | null; finishedAt?: string } = {},
): Promise<boolean> {
  const rows = await db.query(
    `UPDATE jobs SET status = :status,
       planned_at = COALESCE(:plannedAt, planned_at),
       deadline = COALESCE(:deadline, deadline),
       finished_at = COALESCE(:finishedAt, finished_at),
       error = COALESCE(:error, error),
       updated_at = now()
     WHERE id = :id::uuid AND status NOT IN ('completed', 'partial', 'failed')
     RETURNING id`,
    {
      id,
      status,
      plannedAt: fields.plannedAt ? timestamp(fields.plannedAt) : null,
      deadline: fields.deadline ? timestamp(fields.deadline) : null,
      finishedAt: fields.finishedAt ? timestamp(fields.finishedAt) : null,
      error: fields.error ?? null,
    },
  );
  return rows.length > 0;
}

/**
 * Reopens a failed job that never produced an analysis (it failed before planning, for example
 * because no portfolio was stored), with a new deadline. Used when the request is replayed after
 * the cause was fixed; a job with a stored analysis is never reopened.
 */
export async function reopenJob(db: SqlExecutor, id: string, deadline: string): Promise<JobRow | null> {
  const [row] = await db.query<JobRow>(
    `UPDATE jobs SET status = 'planning', error = NULL, finished_at = NULL, planned_at = NULL,
       deadline = :deadline, updated_at = now()
     WHERE id = :id::uuid AND status = 'failed'
       AND NOT EXISTS (SELECT 1 FROM analyses WHERE analyses.job_id = jobs.id)
     RETURNING *`,
    { id, deadline: timestamp(deadline) },
  );
  return row ?? null;
}

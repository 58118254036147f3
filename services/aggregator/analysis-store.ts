/**
 * The consolidated analysis in PostgreSQL: one row per job, written in one transaction with the
 * job's final status. `ON CONFLICT DO NOTHING` makes a repeated write a no-op, so even a retry
 * after a crash cannot store a second analysis.
 */

import { insertModelCalls } from '../common/model/audit-store.ts';
import type { ModelCallRecord } from '../common/model/port.ts';
import { type OutboxEvent, storeInOutbox } from '../common/outbox.ts';
import { json, type SqlDatabase, type SqlExecutor, timestamp } from '../common/sql-database.ts';
import type { ConsolidatedAnalysis } from './consolidate.ts';

/**
 * Returns true when this call stored the analysis, false when it was already stored. The
 * specialists' model-call records (carried in their events) are stored in the same transaction,
 * and only with the analysis row, so a repeated consolidation cannot store them twice. So is the
 * announcement (`outgoing`, into the outbox): it leaves if and only if the analysis is stored,
 * and a repeated consolidation keeps the first one (same id), never a second.
 */
export async function storeAnalysis(
  db: SqlDatabase,
  analysis: ConsolidatedAnalysis,
  modelCalls: readonly ModelCallRecord[] = [],
  outgoing?: OutboxEvent,
): Promise<boolean> {
  return db.transaction(async (tx) => {
    // The job row exists when Alex's planner planned the job; another system may have planned it.
    await tx.query(
      `INSERT INTO jobs (id, user_id, status, tasks, requested_at, planned_at)
       VALUES (:jobId::uuid, :userId, 'planned', :tasks, :requestedAt, :plannedAt)
       ON CONFLICT (id) DO NOTHING`,
      {
        jobId: analysis.jobId,
        userId: analysis.userId,
        tasks: json([...new Set([...analysis.missing.map((m) => m.task), ...completedTasks(analysis)])]),
        requestedAt: timestamp(analysis.requestedAt),
        plannedAt: timestamp(analysis.plannedAt),
      },
    );
    const inserted = await tx.query(
      `INSERT INTO analyses (job_id, user_id, status, result)
       VALUES (:jobId::uuid, :userId, :status, :result)
       ON CONFLICT (job_id) DO NOTHING RETURNING job_id`,
      { jobId: analysis.jobId, userId: analysis.userId, status: analysis.status, result: json(analysis) },
    );
    await tx.query(
      `UPDATE jobs SET status = :status, finished_at = :finishedAt, updated_at = now(),
         error = CASE WHEN :status = 'completed' THEN NULL ELSE :error END
       WHERE id = :jobId::uuid AND status NOT IN ('completed', 'partial', 'failed')`,
      {
        jobId: analysis.jobId,
        status: analysis.status,
        finishedAt: timestamp(analysis.completedAt),
        error: analysis.missing.map((m) => `${m.task}: ${m.reason}`).join('; ') || null,
      },
    );
    if (inserted.length > 0) await insertModelCalls(tx, modelCalls);
    if (outgoing && inserted.length > 0) await storeInOutbox(tx, outgoing);
    return inserted.length > 0;
  });
}

export async function getAnalysis(db: SqlExecutor, jobId: string): Promise<ConsolidatedAnalysis | null> {
  const [row] = await db.query<{ result: ConsolidatedAnalysis }>(
    'SELECT result FROM analyses WHERE job_id = :jobId::uuid',
    { jobId },
  );
  return row?.result ?? null;
}

export async function countAnalyses(db: SqlExecutor, jobId: string): Promise<number> {
  const [row] = await db.query<{ n: number }>('SELECT count(*)::int AS n FROM analyses WHERE job_id = :jobId::uuid', {
    jobId,
  });
  // Stryker disable next-line OptionalChaining: equivalent, count(*) always returns one row
  return row?.n ?? 0;
}

function completedTasks(analysis: ConsolidatedAnalysis): string[] {
  return [
    analysis.report && 'report',
    analysis.charts.length > 0 && 'charts',
    analysis.retirement && 'retirement',
  ].filter((task): task is string => typeof task === 'string');
}

/**
 * The API store over the SQL port (PGlite locally, Aurora through the Data API on AWS). Every
 * statement carries the caller's user id in its WHERE clause, so no code path can read another
 * user's row; a job of another user comes back as null, like a missing one.
 */
import { InvalidInputError } from '#events/errors.ts';
import { getAnalysis } from '#services/aggregator/analysis-store.ts';
import { createJob, type JobRow } from '#services/common/job-store.ts';
import { listModelCalls } from '#services/common/model/audit-store.ts';
import type { PortfolioFile } from '#services/common/portfolio-file.ts';
import { loadPortfolio, savePortfolio } from '#services/common/portfolio-store.ts';
import type { SqlDatabase } from '#services/common/sql-database.ts';
import type { ApiStore, JobRecord } from './ports.ts';

export function sqlApiStore(db: SqlDatabase): ApiStore {
  const getJob = async (userId: string, jobId: string) => {
    const [row] = await db.query<JobRow>('SELECT * FROM jobs WHERE id = :id::uuid AND user_id = :userId', {
      id: jobId,
      userId,
    });
    return row ? record(row) : null;
  };
  return {
    async savePortfolio(userId, file) {
      await savePortfolio(db, { ...file, user: { ...file.user, id: userId } });
    },
    async loadPortfolio(userId) {
      const stored = await loadPortfolio(db, userId);
      if (!stored) return null;
      const file: PortfolioFile = {
        user: stored.user,
        goals: stored.goals,
        accounts: stored.accounts.map(({ id, name, type, cash }) => ({
          id,
          name,
          type: type as PortfolioFile['accounts'][number]['type'],
          cash,
        })),
        positions: stored.positions.map((p) => ({
          account: p.accountId,
          symbol: p.symbol,
          ...(p.name === null ? {} : { name: p.name }),
          quantity: p.quantity,
          ...(p.price === null ? {} : { price: p.price }),
        })),
        instruments: [],
      };
      return file;
    },
    async createJob(userId, job) {
      const { row, created } = await createJob(db, { id: job.jobId, userId, ...job });
      return row.user_id === userId ? { job: record(row), created } : null;
    },
    getJob,
    async listJobs(userId, { limit, cursor }) {
      const after = cursor ? decodeCursor(cursor) : undefined;
      const rows = await db.query<JobRow>(
        `SELECT * FROM jobs WHERE user_id = :userId
           AND (:afterTime::timestamptz IS NULL OR (requested_at, id) < (:afterTime::timestamptz, :afterId::uuid))
         ORDER BY requested_at DESC, id DESC LIMIT :limit`,
        { userId, afterTime: after?.time ?? null, afterId: after?.id ?? null, limit: limit + 1 },
      );
      const items = rows.slice(0, limit).map(record);
      const lastItem = items.at(-1);
      return {
        items,
        nextCursor: rows.length > limit && lastItem ? encodeCursor(lastItem.requestedAt, lastItem.jobId) : null,
      };
    },
    async getAnalysis(userId, jobId) {
      if (!(await getJob(userId, jobId))) return null;
      return getAnalysis(db, jobId);
    },
    async modelCalls(userId, jobId) {
      if (!(await getJob(userId, jobId))) return [];
      return (await listModelCalls(db, jobId)).map((row) => ({
        at: row.created_at,
        service: row.service,
        purpose: row.purpose,
        model: row.model,
        outcome: String(row.verdicts.outcome ?? ''),
        inputTokens: row.input_tokens,
        outputTokens: row.output_tokens,
        latencyMs: row.latency_ms,
      }));
    },
  };
}

function record(row: JobRow): JobRecord {
  return {
    jobId: row.id,
    userId: row.user_id,
    status: row.status,
    tasks: row.tasks,
    requestedAt: row.requested_at,
    plannedAt: row.planned_at,
    deadline: row.deadline,
    finishedAt: row.finished_at,
    error: row.error,
  };
}

function encodeCursor(time: string, id: string): string {
  return Buffer.from(JSON.stringify([time, id])).toString('base64url');
}

/** A cursor that does not decode is bad input, said as such (the caller sent it). */
function decodeCursor(cursor: string): { time: string; id: string } {
  try {
    const [time, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as [string, string];
    if (Number.isNaN(Date.parse(time)) || !/^[0-9a-f-]{36}$/.test(id)) throw new Error('shape');
    return { time, id };
  } catch {
    throw new InvalidInputError('cursor: not a cursor this API gave; start again without it');
  }
}

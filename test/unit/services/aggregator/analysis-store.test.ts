/**
 * Storing the consolidated analysis, against PGlite: the first store writes the row, the job's
 * final status and the model calls in one transaction; a second store of the same job (a retry
 * after a crash, or a second finisher) writes nothing at all, whatever it carries.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '#events/catalog.ts';
import { migrate, migratedTemplate } from '#infra/storage/migrate.ts';
import { openPglite } from '#infra/storage/pglite.ts';
import { countAnalyses, getAnalysis, storeAnalysis } from '#services/aggregator/analysis-store.ts';
import { consolidate } from '#services/aggregator/consolidate.ts';
import { createJob, getJob } from '#services/common/job-store.ts';
import { listModelCalls } from '#services/common/model/audit-store.ts';
import type { ModelCallRecord } from '#services/common/model/port.ts';
import type { SqlDatabase } from '#services/common/sql-database.ts';

let db: SqlDatabase;
beforeAll(async () => {
  db = await openPglite(undefined, await migratedTemplate());
  await migrate(db);
}, 60_000);
afterAll(() => db.close());

const modelCall = (jobId: string, purpose: string): ModelCallRecord => ({
  service: 'alex-reporter',
  jobId,
  model: 'offline',
  purpose,
  attempt: 1,
  promptSha256: 'b'.repeat(64),
  responseSha256: null,
  inputTokens: null,
  outputTokens: null,
  latencyMs: 0,
  at: '2026-11-21T09:31:00.000Z',
  verdicts: { outcome: 'offline', injection: [], cut: [] },
});

function analysisOf(jobId: string, completedAt: string) {
  const planned = catalog.AnalysisPlanned.detail.parse({ ...catalog.AnalysisPlanned.example, jobId });
  return consolidate(planned, new Map(), new Date(completedAt));
}

describe('storeAnalysis', () => {
  it('writes once: a second store of the same job changes no row, status or model call', async () => {
    const jobId = randomUUID();
    const first = analysisOf(jobId, '2026-11-21T09:35:00.000Z');
    const second = { ...analysisOf(jobId, '2026-11-21T09:50:00.000Z'), status: 'partial' as const };
    expect(first.status).toBe('failed'); // no outcome arrived: every task is missing

    expect(await storeAnalysis(db, first, [modelCall(jobId, 'narrate')])).toBe(true);
    expect(await storeAnalysis(db, second, [modelCall(jobId, 'second-narrate')])).toBe(false);

    expect(await countAnalyses(db, jobId)).toBe(1);
    expect(await getAnalysis(db, jobId)).toEqual(first);
    const row = await getJob(db, jobId);
    expect(row?.status).toBe('failed');
    expect(new Date(row!.finished_at!).toISOString()).toBe('2026-11-21T09:35:00.000Z');
    expect((await listModelCalls(db, jobId)).map((c) => c.purpose)).toEqual(['narrate']);
  });

  it("finishes the planner's job row with the analysis, and stores nothing more on a retry", async () => {
    const jobId = randomUUID();
    const analysis = analysisOf(jobId, '2026-11-21T09:35:00.000Z');
    await createJob(db, {
      id: jobId,
      userId: analysis.userId,
      tasks: ['report', 'charts', 'retirement'],
      requestedAt: analysis.requestedAt,
      deadline: '2026-11-21T09:40:00.000Z',
    });
    expect((await getJob(db, jobId))?.status).toBe('planning');

    expect(await storeAnalysis(db, analysis)).toBe(true);
    expect(await storeAnalysis(db, analysis, [modelCall(jobId, 'narrate')])).toBe(false);

    expect(await countAnalyses(db, jobId)).toBe(1);
    expect((await getJob(db, jobId))?.status).toBe('failed');
    expect(await listModelCalls(db, jobId)).toEqual([]);
  });
});

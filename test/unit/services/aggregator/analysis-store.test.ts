/**
 * Storing the consolidated analysis, against PGlite: the first store writes the row, the job's
 * final status and the model calls in one transaction; a second store of the same job (a retry
 * after a crash, or a second finisher) writes nothing at all, whatever it carries. A job another
 * system planned gets its row here, its tasks read from the analysis; the announcement enters the
 * outbox with the first store only.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '#events/catalog.ts';
import { eventIdOf } from '#events/event-id.ts';
import { countAnalyses, getAnalysis, storeAnalysis } from '#services/aggregator/analysis-store.ts';
import { type ConsolidatedAnalysis, consolidate } from '#services/aggregator/consolidate.ts';
import { aggregator } from '#services/aggregator/service.ts';
import { eventFor } from '#services/common/emit.ts';
import { createJob, getJob } from '#services/common/job-store.ts';
import { listModelCalls } from '#services/common/model/audit-store.ts';
import type { ModelCallRecord } from '#services/common/model/port.ts';
import type { OutboxEvent } from '#services/common/outbox.ts';
import type { SqlDatabase } from '#services/common/sql-database.ts';
import { startTestPorts, type TestPorts } from '#test/support/ports.ts';

let ports: TestPorts;
let db: SqlDatabase;
beforeAll(async () => {
  ports = await startTestPorts();
  db = ports.db;
}, 60_000);
afterAll(() => ports.close());

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

/**
 * An analysis with `tasks` planned, of which `done` completed (the others missing, each with
 * its reason): the store reads only which results are there, so placeholders stand for them.
 */
function analysisWith(jobId: string, tasks: string[], done: string[]): ConsolidatedAnalysis {
  const base = analysisOf(jobId, '2026-11-21T09:35:00.000Z');
  const missing = tasks.filter((t) => !done.includes(t)).map((task) => ({ task, reason: `${task} timed out` }));
  return {
    ...base,
    status: missing.length === 0 ? 'completed' : missing.length === tasks.length ? 'failed' : 'partial',
    missing,
    report: done.includes('report') ? ({ markdown: '# Report' } as unknown as ConsolidatedAnalysis['report']) : null,
    charts: done.includes('charts') ? ([{ id: 'allocation' }] as unknown as ConsolidatedAnalysis['charts']) : [],
    retirement: done.includes('retirement')
      ? ({ successProbability: 0.9 } as unknown as ConsolidatedAnalysis['retirement'])
      : null,
  } as ConsolidatedAnalysis;
}

/** The job row's tasks, in a stable order (the store keeps them as a set). */
const tasksOf = async (jobId: string) => [...((await getJob(db, jobId))?.tasks ?? [])].sort();

describe('storeAnalysis for a job planned by another system', () => {
  it('creates the job row with every planned task, completed or missing, and the times of the analysis', async () => {
    const jobId = randomUUID();
    const analysis = analysisWith(jobId, ['report', 'charts', 'retirement'], ['report']);
    expect(await storeAnalysis(db, analysis)).toBe(true);

    const row = await getJob(db, jobId);
    expect(row?.status).toBe('partial');
    expect(await tasksOf(jobId)).toEqual(['charts', 'report', 'retirement']);
    expect(new Date(row!.requested_at).toISOString()).toBe(analysis.requestedAt);
    expect(new Date(row!.planned_at!).toISOString()).toBe(analysis.plannedAt);
    expect(new Date(row!.finished_at!).toISOString()).toBe('2026-11-21T09:35:00.000Z');
    // Each missing task with its reason, in the plan's order, joined by "; ".
    expect(row?.error).toBe('charts: charts timed out; retirement: retirement timed out');
  });

  it('lists only the tasks planned: a completed report and charts without a retirement', async () => {
    const jobId = randomUUID();
    expect(await storeAnalysis(db, analysisWith(jobId, ['report', 'charts'], ['report', 'charts']))).toBe(true);
    expect(await tasksOf(jobId)).toEqual(['charts', 'report']);
    const row = await getJob(db, jobId);
    expect(row?.status).toBe('completed');
    expect(row?.error).toBeNull();
  });

  it('lists only the tasks planned: a completed retirement alone, with no report and no charts', async () => {
    const jobId = randomUUID();
    expect(await storeAnalysis(db, analysisWith(jobId, ['retirement'], ['retirement']))).toBe(true);
    expect(await tasksOf(jobId)).toEqual(['retirement']);
  });

  it("lists a failed job's tasks from what is missing, each reason in the error", async () => {
    const jobId = randomUUID();
    expect(await storeAnalysis(db, analysisWith(jobId, ['charts'], []))).toBe(true);
    expect(await tasksOf(jobId)).toEqual(['charts']);
    const row = await getJob(db, jobId);
    expect(row?.status).toBe('failed');
    expect(row?.error).toBe('charts: charts timed out');
  });
});

describe('storeAnalysis and the announcement', () => {
  const announcement = (jobId: string, detailType: 'AnalysisCompleted' | 'AnalysisFailed'): OutboxEvent => ({
    ...eventFor(aggregator, 'AnalysisFailed', {
      jobId,
      reason: 'Every specialist failed; see failedTasks.',
      failedTasks: [],
      failedAt: '2026-11-21T09:35:00.000Z',
    }),
    // Two ids for one job stand for two finishers' announcements; only the first may enter.
    id: eventIdOf(detailType, jobId),
  });
  const outboxIds = async (jobId: string) =>
    (
      await db.query<{ id: string }>("SELECT id FROM outbox WHERE detail->>'jobId' = :jobId ORDER BY id", { jobId })
    ).map((row) => row.id);

  it("puts the announcement in the outbox with the analysis, and a second store's not at all", async () => {
    const jobId = randomUUID();
    const first = announcement(jobId, 'AnalysisFailed');
    expect(await storeAnalysis(db, analysisWith(jobId, ['report'], []), [], first)).toBe(true);
    expect(await outboxIds(jobId)).toEqual([first.id]);

    const second = announcement(jobId, 'AnalysisCompleted');
    expect(await storeAnalysis(db, analysisWith(jobId, ['report'], ['report']), [], second)).toBe(false);
    expect(await outboxIds(jobId)).toEqual([first.id]);
  });

  it('stores no announcement when none is given', async () => {
    const jobId = randomUUID();
    expect(await storeAnalysis(db, analysisWith(jobId, ['report'], []))).toBe(true);
    expect(await outboxIds(jobId)).toEqual([]);
  });
});

describe('getAnalysis', () => {
  it('is null for a job with no stored analysis', async () => {
    expect(await getAnalysis(db, randomUUID())).toBeNull();
  });
});

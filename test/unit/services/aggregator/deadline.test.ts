/**
 * The aggregator at a job's deadline, one message at a time on dynalite and PGlite with a fixed
 * clock: a deadline that comes early is sent on again; a planned job is finished as partial (or
 * failed when nothing arrived), a job never planned as failed, each once; a plan that turns up
 * after the job failed finishes nothing. Expected reasons are the documented wordings.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '#events/catalog.ts';
import { getAnalysis } from '#services/aggregator/analysis-store.ts';
import { buildCharts } from '#services/charter/domain.ts';
import { advanceJob, createJob, getJob } from '#services/common/job-store.ts';
import { aggregatorOn } from '#test/support/aggregator.ts';
import { startTestPorts, type TestPorts } from '#test/support/ports.ts';

const NOW = new Date('2026-11-30T12:00:00.000Z');
const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();

let ports: TestPorts;
beforeAll(async () => {
  ports = await startTestPorts();
}, 60_000);
afterAll(() => ports.close());

const aggregatorAt = (now = NOW) => aggregatorOn(ports.ports, now);

/** A plan for charts and report, due at `deadline`. */
function planOf(jobId: string, deadline: string) {
  return {
    ...catalog.AnalysisPlanned.example,
    jobId,
    tasks: ['charts', 'report'],
    requestedAt: at(-60_000),
    plannedAt: at(-59_000),
    deadline,
  };
}

function chartsDone(jobId: string, plan: ReturnType<typeof planOf>) {
  const charts = buildCharts(catalog.AnalysisPlanned.detail.parse(plan).snapshot!);
  return { version: 1, jobId, task: 'charts', result: charts, completedAt: at(-30_000), durationMs: 5 };
}

const deadlineOf = (jobId: string, deadline: string) => ({ version: 1, jobId, userId: 'household-42', deadline });

describe('the aggregator at a deadline', () => {
  it('sends a deadline more than a second early on again, and takes one within a second as due', async () => {
    const early = randomUUID();
    const { recorded, deliver } = aggregatorAt();
    await deliver('AnalysisDeadlineReached', deadlineOf(early, at(1001)));
    expect(recorded.deadlines).toEqual([expect.objectContaining({ jobId: early, deadline: at(1001) })]);
    expect(recorded.published).toEqual([]);

    // Exactly one second early is due: the job (planned, nothing arrived) is finished now.
    const due = randomUUID();
    await deliver('AnalysisPlanned', planOf(due, at(1000)));
    await deliver('AnalysisDeadlineReached', deadlineOf(due, at(1000)));
    expect(recorded.deadlines).toHaveLength(1);
    expect(recorded.published.map((e) => [e.detailType, (e.detail as { jobId?: string }).jobId])).toEqual([
      ['AnalysisFailed', due],
    ]);
  });

  it("finishes a job when the deadline it sent on comes back due (a deadline beyond SQS's 15-minute delay)", async () => {
    const jobId = randomUUID();
    const deadline = at(20 * 60_000);
    const early = aggregatorAt();
    await early.deliver('AnalysisPlanned', planOf(jobId, deadline));
    await early.deliver('AnalysisDeadlineReached', deadlineOf(jobId, deadline));
    expect(early.recorded.deadlines).toEqual([expect.objectContaining({ jobId, deadline })]);
    expect(early.recorded.published).toEqual([]);

    // The same deadline, sent on, arrives when due: nothing arrived, so the job fails now.
    const due = aggregatorAt(new Date(Date.parse(deadline)));
    await due.deliver('AnalysisDeadlineReached', deadlineOf(jobId, deadline));
    expect(due.recorded.deadlines).toEqual([]);
    expect(due.recorded.published.map((e) => [e.detailType, (e.detail as { jobId?: string }).jobId])).toEqual([
      ['AnalysisFailed', jobId],
    ]);
  });

  it('finishes a planned job as partial, naming the deadline for the task that never reported, once', async () => {
    const jobId = randomUUID();
    const plan = planOf(jobId, at(0));
    const { recorded, deliver } = aggregatorAt();
    await deliver('AnalysisPlanned', plan);
    await deliver('SpecialistCompleted', chartsDone(jobId, plan));
    expect(recorded.published).toEqual([]);
    await deliver('AnalysisDeadlineReached', deadlineOf(jobId, at(0)));

    expect(recorded.published.map((e) => e.detailType)).toEqual(['AnalysisCompleted']);
    expect(recorded.published[0]!.detail).toMatchObject({
      jobId,
      status: 'partial',
      missing: [{ task: 'report', reason: `no result by the deadline ${at(0)}` }],
      completedAt: NOW.toISOString(),
    });
    expect((await getAnalysis(ports.db, jobId))?.status).toBe('partial');

    // The report turns up late, and the deadline is delivered again: nothing more is announced.
    const late = aggregatorAt(new Date(NOW.getTime() + 5000));
    await late.deliver('SpecialistFailed', {
      version: 1,
      jobId,
      task: 'report',
      failedAt: at(4000),
      error: { code: 'Late', message: 'too late' },
    });
    expect(late.recorded.published).toEqual([]);
    expect((await getAnalysis(ports.db, jobId))?.missing).toEqual([
      { task: 'report', reason: `no result by the deadline ${at(0)}` },
    ]);
  });

  it('fails a planned job when no specialist reported by the deadline, with every task missing', async () => {
    const jobId = randomUUID();
    const { recorded, deliver } = aggregatorAt();
    await deliver('AnalysisPlanned', planOf(jobId, at(0)));
    await deliver('AnalysisDeadlineReached', deadlineOf(jobId, at(0)));
    expect(recorded.published.map((e) => e.detailType)).toEqual(['AnalysisFailed']);
    expect(recorded.published[0]!.detail).toEqual({
      version: 1,
      jobId,
      userId: catalog.AnalysisPlanned.example.userId,
      reason: 'Every specialist failed; see failedTasks.',
      failedTasks: [
        { task: 'charts', reason: `no result by the deadline ${at(0)}` },
        { task: 'report', reason: `no result by the deadline ${at(0)}` },
      ],
      failedAt: NOW.toISOString(),
    });
  });

  it('fails a job never planned by its deadline, naming its state, and finishes nothing later', async () => {
    const jobId = randomUUID();
    await createJob(ports.db, {
      id: jobId,
      userId: 'household-42',
      tasks: ['charts', 'report'],
      requestedAt: at(-60_000),
      deadline: at(0),
    });
    await advanceJob(ports.db, jobId, 'classifying');
    const { recorded, deliver } = aggregatorAt();
    await deliver('AnalysisDeadlineReached', deadlineOf(jobId, at(0)));

    const reason = `Not planned by its deadline ${at(0)} (the job was still classifying); nothing was analysed.`;
    expect(recorded.published.map((e) => e.detail)).toEqual([
      { version: 1, jobId, userId: 'household-42', reason, failedTasks: [], failedAt: NOW.toISOString() },
    ]);
    expect(await getJob(ports.db, jobId)).toMatchObject({ status: 'failed', error: reason });

    // The plan and every result arrive after all: the job stays failed, with no analysis stored.
    const plan = planOf(jobId, at(0));
    await deliver('AnalysisPlanned', plan);
    await deliver('SpecialistCompleted', chartsDone(jobId, plan));
    await deliver('SpecialistFailed', {
      version: 1,
      jobId,
      task: 'report',
      failedAt: at(1),
      error: { code: 'X', message: 'y' },
    });
    expect(recorded.published).toHaveLength(1);
    expect(await getAnalysis(ports.db, jobId)).toBeNull();
    expect((await getJob(ports.db, jobId))?.status).toBe('failed');
  });

  it('announces nothing for a job it has no record of at all', async () => {
    const { recorded, deliver } = aggregatorAt();
    await deliver('AnalysisDeadlineReached', deadlineOf(randomUUID(), at(0)));
    expect(recorded.published).toEqual([]);
  });
});

/**
 * The aggregator's announcement across a crash, on dynalite and PGlite: a delivery that dies
 * after the analysis commits (before or after publishing) is retried, and the job is announced
 * by one event, under the one id its detail-type and jobId give it, with one analysis stored.
 * A "crash" is a throw from the relay's stage hook: the record fails and its message comes back.
 * Meanwhile the claim keeps every other delivery from finishing the job, and the retry sends
 * the announcement stored with the analysis, whatever arrived since.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '#events/catalog.ts';
import { eventIdOf } from '#events/event-id.ts';
import { countAnalyses, getAnalysis } from '#services/aggregator/analysis-store.ts';
import { createAggregatorHandler } from '#services/aggregator/handler.ts';
import { aggregator } from '#services/aggregator/service.ts';
import { buildCharts } from '#services/charter/domain.ts';
import { createJob, getJob } from '#services/common/job-store.ts';
import type { RelayStage } from '#services/common/outbox.ts';
import { eventRecord, lambdaContext, sqsEvent, testServiceContext } from '#test/support/lambda.ts';
import { startTestPorts, type TestPorts } from '#test/support/ports.ts';

let ports: TestPorts;
beforeAll(async () => {
  ports = await startTestPorts();
}, 60_000);
afterAll(() => ports.close());

const crashAt = (stage: RelayStage) => ({
  onOutboxStage: (reached: RelayStage) => {
    if (reached === stage) throw new Error(`killed at ${stage}`);
  },
});

function plannedJob() {
  const jobId = randomUUID();
  const planned = {
    ...catalog.AnalysisPlanned.example,
    jobId,
    tasks: ['charts'],
    deadline: new Date(Date.now() + 60_000).toISOString(),
  };
  const charts = buildCharts(catalog.AnalysisPlanned.detail.parse(planned).snapshot!);
  const done = { version: 1, jobId, task: 'charts', result: charts, completedAt: planned.plannedAt, durationMs: 5 };
  return { jobId, planned, done };
}

describe('the aggregator killed while announcing', () => {
  for (const stage of ['committed', 'published'] as const) {
    it(`announces the job as one event when killed after the ${stage} stage and retried`, async () => {
      const { jobId, planned, done } = plannedJob();
      const { ctx, recorded } = testServiceContext(aggregator, ports.ports);
      const dying = createAggregatorHandler(ctx, crashAt(stage));
      const context = lambdaContext('alex-aggregator');
      await dying(sqsEvent(eventRecord('AnalysisPlanned', planned)), context);
      const last = eventRecord('SpecialistCompleted', done);
      const crashed = await dying(sqsEvent(last), context);
      expect(crashed.batchItemFailures).toEqual([{ itemIdentifier: last.messageId }]);
      expect(await countAnalyses(ports.db, jobId)).toBe(1);
      expect(recorded.published).toHaveLength(stage === 'committed' ? 0 : 1);

      // SQS delivers the message again, to a function that lives.
      const retried = await createAggregatorHandler(ctx)(sqsEvent(last), context);
      expect(retried.batchItemFailures).toEqual([]);
      const id = eventIdOf('AnalysisCompleted', jobId);
      // After a kill past publishing, the same event goes again: the same id and the same detail.
      expect(recorded.published.map((e) => [e.detailType, e.id])).toEqual(
        stage === 'committed'
          ? [['AnalysisCompleted', id]]
          : [
              ['AnalysisCompleted', id],
              ['AnalysisCompleted', id],
            ],
      );
      expect(new Set(recorded.published.map((e) => JSON.stringify(e.detail))).size).toBe(1);
      expect(await countAnalyses(ports.db, jobId)).toBe(1);
      expect(await ports.db.query('SELECT 1 FROM outbox WHERE id = :id::uuid AND sent_at IS NULL', { id })).toEqual([]);

      // Later duplicates of any message change nothing.
      await createAggregatorHandler(ctx)(sqsEvent(eventRecord('SpecialistCompleted', done)), context);
      expect(recorded.published).toHaveLength(stage === 'committed' ? 1 : 2);
    });
  }

  it('announces a job that failed before planning once when killed between the commit and the publish', async () => {
    const jobId = randomUUID();
    const { ctx, recorded } = testServiceContext(aggregator, ports.ports);
    const context = lambdaContext('alex-aggregator');
    const deadline = { version: 1, jobId, userId: 'household-42', deadline: new Date().toISOString() };
    // The planner created the job and died before planning it.
    await createJob(ports.db, {
      id: jobId,
      userId: 'household-42',
      tasks: ['charts'],
      requestedAt: deadline.deadline,
      deadline: deadline.deadline,
    });
    const record = eventRecord('AnalysisDeadlineReached', deadline);
    const crashed = await createAggregatorHandler(ctx, crashAt('committed'))(sqsEvent(record), context);
    expect(crashed.batchItemFailures).toHaveLength(1);
    expect(await getJob(ports.db, jobId)).toMatchObject({ status: 'failed' });
    const unsent = 'SELECT 1 AS unsent FROM outbox WHERE id = :id::uuid AND sent_at IS NULL';
    expect(await ports.db.query(unsent, { id: eventIdOf('AnalysisFailed', jobId) })).toEqual([{ unsent: 1 }]);

    await createAggregatorHandler(ctx)(sqsEvent(record), context);
    expect(recorded.published.map((e) => [e.detailType, e.id])).toEqual([
      ['AnalysisFailed', eventIdOf('AnalysisFailed', jobId)],
    ]);
    expect(recorded.published[0]!.detail).toMatchObject({ jobId, reason: expect.stringMatching(/Not planned/) });
  });
});

describe('the claim while a finisher that died is retried', () => {
  const context = lambdaContext('alex-aggregator');
  /** A handler whose clock reads `now` (the deadline's checks use it), crashing at `crash` if given. */
  function handlerAt(now: Date, crash?: RelayStage) {
    const { ctx, recorded } = testServiceContext(aggregator, { ...ports.ports, now: () => now });
    const handle = createAggregatorHandler(ctx, crash ? crashAt(crash) : {});
    const deliver = (detailType: string, detail: unknown) => handle(sqsEvent(eventRecord(detailType, detail)), context);
    return { recorded, deliver };
  }
  const deadlineOf = (jobId: string, deadline: string) => ({ version: 1, jobId, userId: 'household-42', deadline });

  it('lets a deadline that comes meanwhile announce nothing, and the retry announce the job once', async () => {
    const { jobId, planned, done } = plannedJob();
    const dying = handlerAt(new Date());
    await dying.deliver('AnalysisPlanned', planned);
    const crashing = handlerAt(new Date(), 'committed');
    expect((await crashing.deliver('SpecialistCompleted', done)).batchItemFailures).toHaveLength(1);

    const atDeadline = handlerAt(new Date(planned.deadline));
    expect(
      (await atDeadline.deliver('AnalysisDeadlineReached', deadlineOf(jobId, planned.deadline))).batchItemFailures,
    ).toEqual([]);
    expect(atDeadline.recorded.published).toEqual([]);

    const retry = handlerAt(new Date());
    expect((await retry.deliver('SpecialistCompleted', done)).batchItemFailures).toEqual([]);
    expect(retry.recorded.published.map((e) => [e.detailType, e.id])).toEqual([
      ['AnalysisCompleted', eventIdOf('AnalysisCompleted', jobId)],
    ]);
  });

  it('lets a failure reported for a task that completed announce nothing meanwhile, and the retry announce once', async () => {
    const { jobId, planned, done } = plannedJob();
    await handlerAt(new Date()).deliver('AnalysisPlanned', planned);
    expect(
      (await handlerAt(new Date(), 'committed').deliver('SpecialistCompleted', done)).batchItemFailures,
    ).toHaveLength(1);
    // The same task reported again, as failed: its outcome is kept as first reported, and the
    // claim of the delivery that died keeps this one from finishing the job.
    const contrary = handlerAt(new Date());
    const failed = {
      version: 1,
      jobId,
      task: 'charts',
      failedAt: planned.plannedAt,
      error: { code: 'X', message: 'y' },
    };
    expect((await contrary.deliver('SpecialistFailed', failed)).batchItemFailures).toEqual([]);
    expect(contrary.recorded.published).toEqual([]);

    const retry = handlerAt(new Date());
    await retry.deliver('SpecialistCompleted', done);
    expect(retry.recorded.published.map((e) => [e.detailType, e.id])).toEqual([
      ['AnalysisCompleted', eventIdOf('AnalysisCompleted', jobId)],
    ]);
  });

  it('announces a job every specialist failed once, when its finisher dies after the commit and is retried', async () => {
    const { jobId, planned } = plannedJob();
    const failed = {
      version: 1,
      jobId,
      task: 'charts',
      failedAt: planned.plannedAt,
      error: { code: 'NoPricedPositions', message: 'nothing is priced' },
    };
    await handlerAt(new Date()).deliver('AnalysisPlanned', planned);
    expect(
      (await handlerAt(new Date(), 'committed').deliver('SpecialistFailed', failed)).batchItemFailures,
    ).toHaveLength(1);
    expect(await getJob(ports.db, jobId)).toMatchObject({ status: 'failed' });

    const retry = handlerAt(new Date());
    await retry.deliver('SpecialistFailed', failed);
    expect(retry.recorded.published.map((e) => [e.detailType, e.id])).toEqual([
      ['AnalysisFailed', eventIdOf('AnalysisFailed', jobId)],
    ]);
  });

  it('sends on retry the failure it stored at the deadline, though a result arrived since', async () => {
    const { jobId, planned, done } = plannedJob();
    const deadline = deadlineOf(jobId, planned.deadline);
    const due = new Date(planned.deadline);
    await handlerAt(due).deliver('AnalysisPlanned', planned);
    // At the deadline nothing has arrived: the job is failed, and the finisher dies before sending it.
    expect(
      (await handlerAt(due, 'committed').deliver('AnalysisDeadlineReached', deadline)).batchItemFailures,
    ).toHaveLength(1);

    // The charts arrive late; the deadline's claim keeps their delivery from finishing the job again.
    const late = handlerAt(due);
    expect((await late.deliver('SpecialistCompleted', done)).batchItemFailures).toEqual([]);
    expect(late.recorded.published).toEqual([]);

    const retry = handlerAt(due);
    expect((await retry.deliver('AnalysisDeadlineReached', deadline)).batchItemFailures).toEqual([]);
    expect(retry.recorded.published.map((e) => [e.detailType, e.id])).toEqual([
      ['AnalysisFailed', eventIdOf('AnalysisFailed', jobId)],
    ]);
    expect((await getAnalysis(ports.db, jobId))?.status).toBe('failed');
  });
});

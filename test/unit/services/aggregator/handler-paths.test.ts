/**
 * The aggregator's announcement, model-call audit, timeline notes and outbox sweep, one message
 * at a time on dynalite and PGlite with a fixed clock. The catalog's example portfolio is worth
 * 100 × 290.50 + 1,200 cash = 30,250 (worked out by hand); every job here has a fresh id.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '#events/catalog.ts';
import { eventIdOf } from '#events/event-id.ts';
import { getAnalysis } from '#services/aggregator/analysis-store.ts';
import { aggregator } from '#services/aggregator/service.ts';
import { buildCharts } from '#services/charter/domain.ts';
import { eventFor } from '#services/common/emit.ts';
import { listModelCalls } from '#services/common/model/audit-store.ts';
import { OUTBOX_SWEEP_MESSAGE, storeInOutbox } from '#services/common/outbox.ts';
import { aggregatorOn } from '#test/support/aggregator.ts';
import { sqsRecord } from '#test/support/lambda.ts';
import { startTestPorts, type TestPorts } from '#test/support/ports.ts';

const NOW = new Date('2026-11-30T12:00:00.000Z');
const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();

let ports: TestPorts;
beforeAll(async () => {
  ports = await startTestPorts();
}, 60_000);
afterAll(() => ports.close());

const aggregatorAt = (now = NOW) => aggregatorOn(ports.ports, now);

function planOf(jobId: string, tasks: string[]) {
  return {
    ...catalog.AnalysisPlanned.example,
    jobId,
    tasks,
    requestedAt: at(-60_000),
    plannedAt: at(-59_000),
    deadline: at(300_000),
  };
}

const modelCall = (jobId: string, purpose: string) => ({
  service: 'alex-reporter',
  jobId,
  model: 'offline',
  purpose,
  attempt: 1,
  promptSha256: 'c'.repeat(64),
  responseSha256: null,
  inputTokens: null,
  outputTokens: null,
  latencyMs: 0,
  at: at(-20_000),
  verdicts: { outcome: 'offline', injection: [], cut: [] },
});

function chartsDone(jobId: string, plan: ReturnType<typeof planOf>, extra: object = {}) {
  const charts = buildCharts(catalog.AnalysisPlanned.detail.parse(plan).snapshot!);
  return { version: 1, jobId, task: 'charts', result: charts, completedAt: at(-30_000), durationMs: 5, ...extra };
}

/** A retirement result with only what the schema requires, its success probability chosen. */
const retirementResult = (successProbability: number) => ({
  method: 'monte-carlo',
  paths: 1000,
  successProbability,
  bands: [],
  medianEndingValue: 0,
  p10EndingValue: 0,
  moneyLastsToAgeP10: 95,
  sustainableWithdrawal: null,
  sustainableSpending: null,
  sustainableWithdrawalRate: null,
  assumptions: {},
});

describe('the aggregator announces a finished job', () => {
  it('as completed with the portfolio total and no success probability when no retirement was planned', async () => {
    const jobId = randomUUID();
    const plan = planOf(jobId, ['charts']);
    const { recorded, deliver } = aggregatorAt();
    await deliver('AnalysisPlanned', plan);
    await deliver('SpecialistCompleted', chartsDone(jobId, plan));

    expect(recorded.published.map((e) => [e.detailType, e.id])).toEqual([
      ['AnalysisCompleted', eventIdOf('AnalysisCompleted', jobId)],
    ]);
    expect(recorded.published[0]!.detail).toEqual({
      version: 1,
      jobId,
      userId: 'household-42',
      status: 'completed',
      missing: [],
      completedAt: NOW.toISOString(),
      totalValue: 30_250,
      successProbability: null,
    });
  });

  it("with the retirement projection's success probability, once two specialists completed", async () => {
    const jobId = randomUUID();
    const plan = planOf(jobId, ['charts', 'retirement']);
    const { recorded, deliver } = aggregatorAt();
    await deliver('AnalysisPlanned', plan);
    await deliver('SpecialistCompleted', chartsDone(jobId, plan));
    expect(recorded.published).toEqual([]);
    await deliver('SpecialistCompleted', {
      version: 1,
      jobId,
      task: 'retirement',
      result: retirementResult(0.87),
      completedAt: at(-10_000),
      durationMs: 40,
    });
    expect(recorded.published.map((e) => e.detail)).toEqual([
      expect.objectContaining({ status: 'completed', totalValue: 30_250, successProbability: 0.87 }),
    ]);
  });

  it('stores the model calls each specialist reported, completed or failed, with the analysis', async () => {
    const jobId = randomUUID();
    const plan = planOf(jobId, ['charts', 'report']);
    const { deliver } = aggregatorAt();
    await deliver('AnalysisPlanned', plan);
    await deliver('SpecialistCompleted', chartsDone(jobId, plan, { modelCalls: [modelCall(jobId, 'captions')] }));
    await deliver('SpecialistFailed', {
      version: 1,
      jobId,
      task: 'report',
      failedAt: at(-5_000),
      error: { code: 'ModelUnavailable', message: 'no answer' },
      modelCalls: [modelCall(jobId, 'narrate'), modelCall(jobId, 'narrate-retry')],
    });
    expect((await getAnalysis(ports.db, jobId))?.status).toBe('partial');
    const purposes = (await listModelCalls(ports.db, jobId)).map((call) => call.purpose).sort();
    expect(purposes).toEqual(['captions', 'narrate', 'narrate-retry']);
  });

  it("notes each classification step's count of instruments in the timeline, one or several", async () => {
    const jobId = randomUUID();
    const plan = planOf(jobId, ['charts']);
    const { deliver } = aggregatorAt();
    const two = [{ symbol: 'VTI' }, { symbol: 'FSKAX' }];
    await deliver('ClassificationRequested', { version: 1, jobId, instruments: two });
    await deliver('InstrumentsClassified', { version: 1, jobId, instruments: [{ symbol: 'FSKAX', source: 'model' }] });
    await deliver('AnalysisPlanned', plan);
    await deliver('SpecialistCompleted', chartsDone(jobId, plan));
    const timeline = (await getAnalysis(ports.db, jobId))?.timeline ?? [];
    expect(timeline.filter((entry) => entry.detailType !== 'SpecialistCompleted').map((e) => e.note)).toEqual([
      undefined,
      '2 instruments',
      '1 instrument',
      'tasks: charts',
      undefined,
    ]);
  });
});

describe('a message that is not JSON', () => {
  it('goes to the dead-letter queue, its reason naming the message', async () => {
    const { recorded, deliverRecord } = aggregatorAt();
    await deliverRecord(sqsRecord('{"detail-type": ', { queue: 'alex-aggregator' }));
    expect(recorded.deadLetters.map((letter) => letter.reason)).toEqual([
      expect.stringMatching(/^message is not valid JSON: /),
    ]);
    expect(recorded.published).toEqual([]);
  });
});

describe('the outbox sweep message', () => {
  it('sends the announcements left unsent for over two minutes, and leaves newer ones to their writer', async () => {
    const stale = randomUUID();
    const fresh = randomUUID();
    for (const jobId of [stale, fresh]) {
      const failed = eventFor(aggregator, 'AnalysisFailed', {
        jobId,
        reason: 'Every specialist failed; see failedTasks.',
        failedTasks: [],
        failedAt: at(0),
      });
      await storeInOutbox(ports.db, { ...failed, id: eventIdOf('AnalysisFailed', jobId) });
    }
    // Written three minutes and one minute ago (the sweep takes rows older than two).
    const age = 'UPDATE outbox SET created_at = now() - make_interval(mins => :minutes::int) WHERE id = :id::uuid';
    await ports.db.query(age, { minutes: 3, id: eventIdOf('AnalysisFailed', stale) });
    await ports.db.query(age, { minutes: 1, id: eventIdOf('AnalysisFailed', fresh) });

    const { recorded, deliverRecord } = aggregatorAt();
    await deliverRecord(sqsRecord(JSON.stringify(OUTBOX_SWEEP_MESSAGE), { queue: 'alex-aggregator' }));
    const sent = recorded.published.map((e) => e.id);
    expect(sent).toContain(eventIdOf('AnalysisFailed', stale));
    expect(sent).not.toContain(eventIdOf('AnalysisFailed', fresh));
  });
});

/**
 * The planner handler's other paths, on dynalite and PGlite with a fixed clock: the plan it
 * publishes, a replay that reopens a job failed for want of a portfolio (and one that must not),
 * a jobId taken by another user, and the tagger's answers that must not plan yet.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Detail } from '#events/catalog.ts';
import { advanceJob, createJob, getJob } from '#services/common/job-store.ts';
import { savePortfolio, upsertClassification } from '#services/common/portfolio-store.ts';
import { createPlannerHandler } from '#services/planner/handler.ts';
import { planner } from '#services/planner/service.ts';
import { referenceClassification } from '#services/tagger/reference.ts';
import { examplePortfolio } from '#test/e2e/support.ts';
import { envelopeBody, lambdaContext, sqsEvent, sqsRecord, testServiceContext } from '#test/support/lambda.ts';
import { startTestPorts, type TestPorts } from '#test/support/ports.ts';

const NOW = new Date('2026-11-21T10:00:00.000Z');

let ports: TestPorts;
/** A user whose holdings are all classified (the planner plans at once). */
let classifiedUser: string;
beforeAll(async () => {
  ports = await startTestPorts();
  const file = examplePortfolio();
  const classified = file.positions.map((p) => referenceClassification(p.symbol)).filter((c) => c !== undefined);
  const symbols = new Set(classified.map((c) => c.symbol));
  file.positions = file.positions.filter((p) => symbols.has(p.symbol));
  classifiedUser = `classified-${randomUUID()}`;
  file.user.id = classifiedUser;
  await savePortfolio(ports.db, file);
  for (const c of classified) await upsertClassification(ports.db, c, { overwrite: 'always' });
}, 60_000);
afterAll(() => ports.close());

/** Saves a portfolio for `userId` holding VTI and one fund nobody classified. */
async function saveUnclassified(userId: string, fund = `F${randomUUID().slice(0, 6).toUpperCase()}`) {
  const file = examplePortfolio();
  const vti = file.positions.find((p) => p.symbol === 'VTI')!;
  await savePortfolio(ports.db, {
    ...file,
    user: { ...file.user, id: userId },
    positions: [vti, { ...vti, symbol: fund, name: 'A fund nobody classified' }],
    instruments: [],
  });
  return fund;
}

async function run(body: string) {
  const { ctx, recorded } = testServiceContext(planner, { ...ports.ports, now: () => NOW });
  const response = await createPlannerHandler(ctx)(
    sqsEvent(sqsRecord(body, { queue: 'alex-jobs' })),
    lambdaContext('alex-planner'),
  );
  expect(response.batchItemFailures).toEqual([]);
  return recorded;
}

function request(userId: string, extra: Partial<Detail<'AnalysisRequested'>> = {}): Detail<'AnalysisRequested'> {
  return { version: 1, jobId: randomUUID(), userId, requestedAt: '2026-11-21T09:59:00.000Z', ...extra };
}

/** The request as the bus delivers it when replaying an archive. */
function replayed(detail: Detail<'AnalysisRequested'>, replayName: string): string {
  return JSON.stringify({ ...JSON.parse(envelopeBody('AnalysisRequested', detail)), 'replay-name': replayName });
}

const reasonOf = (event: { detail: unknown }) => (event.detail as { reason: string }).reason;

describe('the planner handler plans', () => {
  it('the tasks asked for, in the catalog’s order, with the request’s times and its deadline', async () => {
    const job = request(classifiedUser, { tasks: ['retirement', 'report'], deadlineSeconds: 90 });
    const recorded = await run(JSON.stringify(job));
    expect(recorded.published.map((e) => e.detailType)).toEqual(['AnalysisPlanned']);
    const detail = recorded.published[0]!.detail as Detail<'AnalysisPlanned'>;
    expect(detail).toMatchObject({
      jobId: job.jobId,
      userId: classifiedUser,
      tasks: ['report', 'retirement'],
      requestedAt: job.requestedAt,
      plannedAt: '2026-11-21T10:00:00.000Z',
      deadline: '2026-11-21T10:01:30.000Z', // 90 s after planning
    });
    expect(detail.snapshot!.userId).toBe(classifiedUser);
    expect(recorded.deadlines).toEqual([{ jobId: job.jobId, userId: classifiedUser, deadline: detail.deadline }]);
    const row = await getJob(ports.db, job.jobId);
    expect(row?.status).toBe('planned');
    expect(new Date(row!.planned_at!).toISOString()).toBe('2026-11-21T10:00:00.000Z');
  });

  it('nothing again when a replay brings a request whose job was planned', async () => {
    const job = request(classifiedUser);
    await run(JSON.stringify(job));
    const again = await run(replayed(job, 'nightly'));
    expect(again.published).toEqual([]);
    expect(again.deadlines).toEqual([]);
    expect((await getJob(ports.db, job.jobId))?.status).toBe('planned');
  });
});

describe('a replayed request', () => {
  it('reopens a job that failed for want of a portfolio, once one is stored', async () => {
    const userId = `late-${randomUUID()}`;
    const job = request(userId);
    const first = await run(JSON.stringify(job));
    expect(first.published.map((e) => e.detailType)).toEqual(['AnalysisFailed']);
    expect(reasonOf(first.published[0]!)).toBe(
      `No portfolio is stored for user "${userId}"; load one (alex analyze <portfolio.json>) before requesting an analysis.`,
    );
    expect(first.published[0]!.detail).toMatchObject({
      jobId: job.jobId,
      userId,
      failedTasks: [],
      failedAt: NOW.toISOString(),
    });
    expect((await getJob(ports.db, job.jobId))?.status).toBe('failed');

    await saveUnclassified(userId);
    // The same request delivered again without a replay is a duplicate: still failed.
    expect((await run(JSON.stringify(job))).published).toEqual([]);
    expect((await getJob(ports.db, job.jobId))?.status).toBe('failed');

    const replay = await run(replayed(job, 'after-fix'));
    expect(replay.published.map((e) => e.detailType)).toEqual(['ClassificationRequested']);
    expect(replay.deadlines.map((d) => d.jobId)).toEqual([job.jobId]);
    const row = await getJob(ports.db, job.jobId);
    expect(row?.status).toBe('classifying');
    expect(row?.error).toBeNull();
  });

  it('of another user’s jobId reopens nothing', async () => {
    const owner = `owner-${randomUUID()}`;
    const job = request(owner);
    await run(JSON.stringify(job)); // fails: no portfolio
    const impostor = await run(replayed({ ...job, userId: classifiedUser }, 'other'));
    expect(impostor.published).toEqual([]);
    const row = await getJob(ports.db, job.jobId);
    expect(row?.status).toBe('failed');
    expect(row?.user_id).toBe(owner);
  });
});

describe('a jobId already used by another user’s job in progress', () => {
  it('fails the request, saying to send a new jobId', async () => {
    const owner = `owner-${randomUUID()}`;
    await saveUnclassified(owner);
    const job = request(owner);
    expect((await run(JSON.stringify(job))).published.map((e) => e.detailType)).toEqual(['ClassificationRequested']);

    // A plain duplicate of the jobId is one for the idempotency key; a replay gets past it.
    expect((await run(JSON.stringify({ ...job, userId: classifiedUser }))).published).toEqual([]);
    const other = await run(replayed({ ...job, userId: classifiedUser }, 'mixed-up'));
    expect(other.published.map((e) => e.detailType)).toEqual(['AnalysisFailed']);
    expect((other.published[0]!.detail as { userId: string }).userId).toBe(classifiedUser);
    expect(reasonOf(other.published[0]!)).toBe(
      `jobId ${job.jobId} is already used by another user's job; send a new jobId.`,
    );
    expect(other.deadlines).toEqual([]);
  });
});

describe('the tagger’s answer', () => {
  const classifiedBody = (jobId: string) =>
    envelopeBody('InstrumentsClassified', { version: 1, jobId, instruments: [{ symbol: 'VTI', source: 'reference' }] });

  it('plans nothing while an instrument of the job is still unclassified', async () => {
    const userId = `waiting-${randomUUID()}`;
    const fund = await saveUnclassified(userId);
    const job = request(userId);
    await run(JSON.stringify(job));
    const early = await run(classifiedBody(job.jobId));
    expect(early.published).toEqual([]);
    expect((await getJob(ports.db, job.jobId))?.status).toBe('classifying');

    // Once the last one is stored, the next answer plans the job: not cached as a duplicate.
    await upsertClassification(
      ports.db,
      { ...referenceClassification('VTI')!, symbol: fund, name: 'A fund nobody classified' },
      { overwrite: 'weaker' },
    );
    const last = await run(classifiedBody(job.jobId));
    expect(last.published.map((e) => e.detailType)).toEqual(['AnalysisPlanned']);
    expect((last.published[0]!.detail as Detail<'AnalysisPlanned'>).deadline).toBe(
      (await getJob(ports.db, job.jobId).then((row) => new Date(row!.deadline!))).toISOString(),
    );
  });

  it('is ignored for a job that is unknown or not waiting for classifications', async () => {
    expect((await run(classifiedBody(randomUUID()))).published).toEqual([]);
    const job = request(classifiedUser);
    await run(JSON.stringify(job)); // planned at once
    expect((await run(classifiedBody(job.jobId))).published).toEqual([]);
  });

  it('fails the job when its portfolio was removed while it was being classified', async () => {
    const userId = `removed-${randomUUID()}`;
    await saveUnclassified(userId);
    const job = request(userId);
    await run(JSON.stringify(job));
    await ports.db.query('DELETE FROM positions WHERE user_id = :userId', { userId });
    await ports.db.query('DELETE FROM accounts WHERE user_id = :userId', { userId });
    await ports.db.query('DELETE FROM users WHERE id = :userId', { userId });
    const answer = await run(classifiedBody(job.jobId));
    expect(answer.published.map((e) => e.detailType)).toEqual(['AnalysisFailed']);
    expect(reasonOf(answer.published[0]!)).toBe(
      `The portfolio of user "${userId}" was removed while the job was being classified.`,
    );
    const row = await getJob(ports.db, job.jobId);
    expect(row?.status).toBe('failed');
    expect(new Date(row!.finished_at!).toISOString()).toBe(NOW.toISOString());
  });
});

describe('a request or an answer that comes after another part moved the job', () => {
  const classifiedBody = (jobId: string) =>
    envelopeBody('InstrumentsClassified', { version: 1, jobId, instruments: [{ symbol: 'VTI', source: 'reference' }] });

  /** The job row as the planner creates it, then moved to `status` by someone else. */
  async function jobIn(
    job: Detail<'AnalysisRequested'>,
    status: 'failed' | 'planning' | 'classifying',
    deadline = '2026-11-21T10:05:00.000Z',
  ) {
    await createJob(ports.db, {
      id: job.jobId,
      userId: job.userId,
      tasks: ['report'],
      requestedAt: job.requestedAt,
      deadline,
    });
    if (status !== 'planning')
      await advanceJob(ports.db, job.jobId, status, { error: status === 'failed' ? 'deadline' : undefined });
  }

  it('plans nothing for a request first delivered after its job failed at the deadline', async () => {
    const job = request(classifiedUser);
    await jobIn(job, 'failed');
    const late = await run(JSON.stringify(job));
    expect(late.published).toEqual([]);
    expect((await getJob(ports.db, job.jobId))?.status).toBe('failed');
  });

  it('reopens nothing on a replay of a job that failed with its analysis stored', async () => {
    const job = request(classifiedUser);
    await jobIn(job, 'failed');
    await ports.db.query(
      `INSERT INTO analyses (job_id, user_id, status, result) VALUES (:jobId::uuid, :userId, 'failed', '{}'::jsonb)`,
      { jobId: job.jobId, userId: job.userId },
    );
    const replay = await run(replayed(job, 'after-fix'));
    expect(replay.published).toEqual([]);
    expect((await getJob(ports.db, job.jobId))?.status).toBe('failed');
  });

  it('keeps nothing of an answer that came while the job was planning; the later one plans it', async () => {
    const job = request(classifiedUser);
    await jobIn(job, 'planning');
    expect((await run(classifiedBody(job.jobId))).published).toEqual([]);
    expect((await getJob(ports.db, job.jobId))?.status).toBe('planning');

    await advanceJob(ports.db, job.jobId, 'classifying');
    const answer = await run(classifiedBody(job.jobId));
    expect(answer.published.map((e) => e.detailType)).toEqual(['AnalysisPlanned']);
    expect((await getJob(ports.db, job.jobId))?.status).toBe('planned');
  });

  it('keeps the deadline of a job a crashed delivery created, when the request comes again later', async () => {
    const job = request(classifiedUser);
    // Created at 09:57 with the default five minutes, then the delivery died before planning.
    await jobIn(job, 'planning', '2026-11-21T10:02:00.000Z');
    const again = await run(JSON.stringify(job));
    expect(again.published.map((e) => e.detailType)).toEqual(['AnalysisPlanned']);
    expect((again.published[0]!.detail as Detail<'AnalysisPlanned'>).deadline).toBe('2026-11-21T10:02:00.000Z');
    expect(again.deadlines.map((d) => d.deadline)).toEqual(['2026-11-21T10:02:00.000Z']);
  });
});

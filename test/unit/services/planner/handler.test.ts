/** The planner's decisions, one message at a time, on dynalite and PGlite. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getJob } from '#services/common/job-store.ts';
import { savePortfolio, upsertClassification } from '#services/common/portfolio-store.ts';
import type { SqlDatabase, SqlParams } from '#services/common/sql-database.ts';
import { createPlannerHandler } from '#services/planner/handler.ts';
import { planner } from '#services/planner/service.ts';
import { referenceClassification } from '#services/tagger/reference.ts';
import { examplePortfolio } from '#test/e2e/support.ts';
import { envelopeBody, lambdaContext, sqsEvent, sqsRecord, testServiceContext } from '#test/support/lambda.ts';
import { startTestPorts, type TestPorts } from '#test/support/ports.ts';

let ports: TestPorts;
beforeAll(async () => {
  ports = await startTestPorts();
  // Two holdings: VTI (in the reference data) and a fund nobody has classified yet.
  const file = examplePortfolio();
  await savePortfolio(ports.db, {
    ...file,
    user: { ...file.user, id: 'two-funds' },
    positions: file.positions.filter((p) => p.symbol === 'VTI' || p.symbol === 'NBRWX'),
    instruments: [],
  });
}, 60_000);
afterAll(() => ports.close());

function run(body: string) {
  const { ctx, recorded } = testServiceContext(planner, ports.ports);
  const handle = createPlannerHandler(ctx);
  return handle(sqsEvent(sqsRecord(body, { queue: 'alex-jobs' })), lambdaContext('alex-planner')).then((response) => ({
    response,
    recorded,
  }));
}

const request = (userId: string) => ({
  version: 1,
  jobId: randomUUID(),
  userId,
  requestedAt: new Date().toISOString(),
});

describe('the planner handler', () => {
  it('fails the job of a user with no stored portfolio, saying how to load one, and still schedules its deadline', async () => {
    const job = request('nobody');
    const { response, recorded } = await run(JSON.stringify(job));
    expect(response.batchItemFailures).toEqual([]);
    expect(recorded.published.map((e) => [e.detailType, e.source])).toEqual([['AnalysisFailed', 'alex.planner']]);
    expect((recorded.published[0]!.detail as { reason: string }).reason).toContain(
      'No portfolio is stored for user "nobody"',
    );
    expect(recorded.deadlines.map((d) => d.jobId)).toEqual([job.jobId]);
    expect((await getJob(ports.db, job.jobId))?.status).toBe('failed');
  });

  it('reads the instruments once when it plans a job whose holdings are all classified', async () => {
    const file = examplePortfolio();
    await savePortfolio(ports.db, {
      ...file,
      user: { ...file.user, id: 'one-fund' },
      positions: file.positions.filter((p) => p.symbol === 'FXAIX'),
      instruments: [],
    });
    await upsertClassification(
      ports.db,
      { ...referenceClassification('FXAIX')!, symbol: 'FXAIX' },
      { overwrite: 'weaker' },
    );
    const statements: string[] = [];
    const counting: SqlDatabase = Object.create(ports.db, {
      query: {
        value: (sql: string, params?: SqlParams) => (statements.push(sql), ports.db.query(sql, params)),
      },
    });
    const { ctx, recorded } = testServiceContext(planner, { ...ports.ports, db: async () => counting });
    const response = await createPlannerHandler(ctx)(
      sqsEvent(sqsRecord(JSON.stringify(request('one-fund')), { queue: 'alex-jobs' })),
      lambdaContext('alex-planner'),
    );
    expect(response.batchItemFailures).toEqual([]);
    expect(recorded.published.map((e) => e.detailType)).toEqual(['AnalysisPlanned']);
    const planned = recorded.published[0]!.detail as { snapshot: { instruments: Array<{ symbol: string }> } };
    expect(planned.snapshot.instruments.map((i) => i.symbol)).toEqual(['FXAIX']);
    expect(statements.filter((sql) => /FROM instruments/.test(sql))).toHaveLength(1);
  });

  it('asks the tagger for the unclassified holdings, then plans every task once they are classified', async () => {
    const job = request('two-funds');
    const first = await run(JSON.stringify(job));
    expect(first.recorded.published.map((e) => e.detailType)).toEqual(['ClassificationRequested']);
    const asked = (first.recorded.published[0]!.detail as { instruments: Array<{ symbol: string }> }).instruments;
    expect(asked.map((i) => i.symbol).sort()).toEqual(['NBRWX', 'VTI']);
    expect((await getJob(ports.db, job.jobId))?.status).toBe('classifying');

    await upsertClassification(
      ports.db,
      { ...referenceClassification('VTI')!, symbol: 'VTI' },
      { overwrite: 'weaker' },
    );
    await upsertClassification(
      ports.db,
      { ...referenceClassification('VTI')!, symbol: 'NBRWX', name: 'Northbridge Regional Water Utilities Fund' },
      { overwrite: 'weaker' },
    );
    const classified = { version: 1, jobId: job.jobId, instruments: [{ symbol: 'VTI', source: 'reference' }] };
    const second = await run(envelopeBody('InstrumentsClassified', classified, 'alex.tagger'));
    expect(second.recorded.published.map((e) => e.detailType)).toEqual(['AnalysisPlanned']);
    const plannedDetail = second.recorded.published[0]!.detail as {
      tasks: string[];
      snapshot: { positions: unknown[] };
    };
    expect(plannedDetail.tasks).toEqual(['report', 'charts', 'retirement']);
    expect(plannedDetail.snapshot.positions).toHaveLength(2);
    expect((await getJob(ports.db, job.jobId))?.status).toBe('planned');
  });
});

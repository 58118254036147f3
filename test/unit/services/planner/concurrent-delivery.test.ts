/**
 * The planner under duplicate delivery, against dynalite and PGlite: the same request taken by two
 * invocations at once (as two Lambda instances would take an SQS duplicate) plans the job once.
 * Sequential duplicates are also stopped by the job row's status; concurrent ones only by the
 * idempotency key on the request's jobId.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { savePortfolio, upsertClassification } from '#services/common/portfolio-store.ts';
import type { SqlDatabase } from '#services/common/sql-database.ts';
import { createPlannerHandler } from '#services/planner/handler.ts';
import { planner } from '#services/planner/service.ts';
import { referenceClassification } from '#services/tagger/reference.ts';
import { examplePortfolio, jobRequest } from '#test/e2e/support.ts';
import { lambdaContext, sqsEvent, sqsRecord, testServiceContext } from '#test/support/lambda.ts';
import { startTestPorts, type TestPorts } from '#test/support/ports.ts';

let ports: TestPorts;
let userId: string;
beforeAll(async () => {
  ports = await startTestPorts();
  // Only instruments with reference data, all classified, so the planner plans at once
  // instead of asking the tagger first.
  const file = examplePortfolio();
  const classified = file.positions.map((p) => referenceClassification(p.symbol)).filter((c) => c !== undefined);
  const symbols = new Set(classified.map((c) => c.symbol));
  file.positions = file.positions.filter((p) => symbols.has(p.symbol));
  file.user.id = `planner-${randomUUID()}`;
  userId = file.user.id;
  await savePortfolio(ports.db, file);
  for (const c of classified) await upsertClassification(ports.db, c, { overwrite: 'always' });
}, 60_000);
afterAll(() => ports.close());

/** A `ctx.db` whose first `parties` callers are let through together, or after `patienceMs`. */
function meetAtTheDatabase(db: SqlDatabase, parties: number, patienceMs = 1_000): () => Promise<SqlDatabase> {
  const waiting: Array<() => void> = [];
  let arrived = 0;
  const releaseAll = () => {
    for (const release of waiting.splice(0)) release();
  };
  return () => {
    if (++arrived > parties) return Promise.resolve(db);
    return new Promise((resolve) => {
      waiting.push(() => resolve(db));
      if (arrived === parties) releaseAll();
      else setTimeout(releaseAll, patienceMs);
    });
  };
}

describe('the planner under duplicate delivery', () => {
  it('plans a request taken by two invocations at once exactly once: one AnalysisPlanned, one deadline', async () => {
    // The worst interleaving, made certain: each invocation that gets past its delivery checks
    // waits at the database for the other (or for a second, if the other was turned away).
    const { ctx, recorded } = testServiceContext(planner, { ...ports.ports, db: meetAtTheDatabase(ports.db, 2) });
    const handler = createPlannerHandler(ctx);
    const body = JSON.stringify(jobRequest(userId));
    const deliver = () => handler(sqsEvent(sqsRecord(body, { queue: 'alex-jobs' })), lambdaContext('alex-planner'));

    const responses = await Promise.all([deliver(), deliver()]);
    // A duplicate that found its twin in progress fails and comes back, as SQS would redeliver it.
    for (const response of responses) if (response.batchItemFailures.length > 0) await deliver();

    const planned = recorded.published.filter((e) => e.detailType === 'AnalysisPlanned');
    expect(planned).toHaveLength(1);
    expect(recorded.deadlines).toHaveLength(1);
    expect(recorded.deadLetters).toEqual([]);
  });
});

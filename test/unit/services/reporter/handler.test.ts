/** The reporter's handler decides between SpecialistCompleted and SpecialistFailed with a code. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '#events/catalog.ts';
import { createReporterHandler } from '#services/reporter/handler.ts';
import { reporter } from '#services/reporter/service.ts';
import { eventRecord, lambdaContext, sqsEvent, testServiceContext } from '#test/support/lambda.ts';
import { startTestPorts, type TestPorts } from '#test/support/ports.ts';

let ports: TestPorts;
beforeAll(async () => {
  ports = await startTestPorts();
}, 60_000);
afterAll(() => ports.close());

function planned(snapshot: unknown) {
  const example = catalog.AnalysisPlanned.example;
  return {
    ...example,
    jobId: randomUUID(),
    tasks: ['report'],
    snapshot,
    deadline: new Date(Date.now() + 60_000).toISOString(),
  };
}

describe('the reporter handler', () => {
  it('announces SpecialistFailed with code NoPricedPositions for a portfolio with no value', async () => {
    const { ctx, recorded } = testServiceContext(reporter, ports.ports);
    const example = catalog.AnalysisPlanned.example.snapshot!;
    const worthless = {
      ...example,
      accounts: example.accounts.map((a) => ({ ...a, cash: 0 })),
      positions: example.positions.map((p) => ({ ...p, price: null, priceSource: 'missing', value: 0 })),
    };
    const detail = planned(worthless);
    const response = await createReporterHandler(ctx)(
      sqsEvent(eventRecord('AnalysisPlanned', detail, { queue: 'alex-reporter' })),
      lambdaContext('alex-reporter'),
    );
    expect(response.batchItemFailures).toEqual([]);
    expect(recorded.deadLetters).toEqual([]);
    expect(recorded.published).toHaveLength(1);
    expect(recorded.published[0]).toMatchObject({
      detailType: 'SpecialistFailed',
      source: 'alex.reporter',
      detail: { version: 1, jobId: detail.jobId, task: 'report', error: { code: 'NoPricedPositions' } },
    });
  });
});

/** The tagger's decisions, one message at a time, on dynalite and PGlite. */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadClassifications } from '#services/common/portfolio-store.ts';
import { createTaggerHandler } from '#services/tagger/handler.ts';
import { tagger } from '#services/tagger/service.ts';
import { eventRecord, lambdaContext, sqsEvent, testServiceContext } from '#test/support/lambda.ts';
import { startTestPorts, type TestPorts } from '#test/support/ports.ts';

let ports: TestPorts;
beforeAll(async () => {
  ports = await startTestPorts();
}, 60_000);
afterAll(() => ports.close());

describe('the tagger handler', () => {
  it('classifies a reference instrument from the reference data, stores it and announces it once', async () => {
    const { ctx, recorded } = testServiceContext(tagger, ports.ports);
    const handle = createTaggerHandler(ctx);
    const detail = { version: 1, jobId: randomUUID(), instruments: [{ symbol: 'VTI' }, { symbol: 'VTI' }] };
    const record = eventRecord('ClassificationRequested', detail, { queue: 'alex-tagger' });
    // The same request twice: the second finds the first's result and announces nothing again.
    for (let i = 0; i < 2; i++) {
      const response = await handle(sqsEvent({ ...record, messageId: randomUUID() }), lambdaContext('alex-tagger'));
      expect(response.batchItemFailures).toEqual([]);
    }
    expect(recorded.published).toEqual([
      {
        detailType: 'InstrumentsClassified',
        source: 'alex.tagger',
        detail: { version: 1, jobId: detail.jobId, instruments: [{ symbol: 'VTI', source: 'reference' }] },
      },
    ]);
    const [stored] = await loadClassifications(ports.db, ['VTI']);
    expect(stored?.source).toBe('reference');
  });
});

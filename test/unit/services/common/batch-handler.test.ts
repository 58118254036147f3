import { Logger } from '@aws-lambda-powertools/logger';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { DomainRefusal, InvalidInputError, RetryableError } from '#events/errors.ts';
import { createBatchHandler, jobIdIn } from '#services/common/batch-handler.ts';
import type { DeadLetter } from '#services/common/dead-letter.ts';
import { lambdaContext, sqsRecord } from '#test/support/lambda.ts';

const JOB = '3f0c6c2e-8a55-4a4f-9d43-1c1f4b3d6a10';
const context = lambdaContext('fn', 1000);
const record = (body: string, id: string) => sqsRecord(body, { messageId: id, queue: 'alex-charter', receiveCount: 2 });
afterEach(() => vi.restoreAllMocks());

describe('createBatchHandler', () => {
  it('reports only the records that failed, dead-letters bad input with its reason, and logs with the jobId as correlation id', async () => {
    const lines: string[] = [];
    vi.spyOn(process.stdout, 'write').mockImplementation(
      (chunk: string | Uint8Array) => (lines.push(String(chunk)), true),
    );
    vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
    const logger = new Logger({ serviceName: 'alex-test', logLevel: 'INFO' });
    const letters: DeadLetter[] = [];
    const handler = createBatchHandler(
      { logger, deadLetters: { send: async (l) => void letters.push(l) } },
      async (r) => {
        if (r.body.includes('bad')) throw new InvalidInputError('detail.jobId: required');
        if (r.body.includes('flaky')) throw new Error('database is resuming');
        logger.info('handled');
      },
    );
    const response = await handler(
      {
        Records: [
          record(`{"detail":{"jobId":"${JOB}"}}`, 'ok'),
          record('{"bad":1}', 'bad'),
          record(`{"jobId":"${JOB}","flaky":1}`, 'flaky'),
        ],
      },
      context,
    );
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'flaky' }]);
    expect(letters).toEqual([
      { body: '{"bad":1}', reason: 'detail.jobId: required', sourceQueue: 'alex-charter', receiveCount: 2 },
    ]);
    const handled = lines.map((l) => JSON.parse(l)).find((l) => l.message === 'handled');
    expect(handled.correlation_id).toBe(JOB);
  });

  it('dead-letters any non-retryable error with its reason and fails retryable ones for redelivery', async () => {
    const letters: DeadLetter[] = [];
    const handler = createBatchHandler(
      { logger: new Logger({ logLevel: 'SILENT' }), deadLetters: { send: async (l) => void letters.push(l) } },
      async (r) => {
        if (r.body === 'refused') throw new DomainRefusal('NoPricedPositions', 'nothing is priced');
        throw new RetryableError('ThrottlingException: slow down');
      },
    );
    const response = await handler(
      { Records: [record('refused', 'refused'), record('throttled', 'throttled')] },
      context,
    );
    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'throttled' }]);
    expect(letters.map((l) => [l.body, l.reason])).toEqual([['refused', 'nothing is priced']]);
  });

  it('finds a jobId in an envelope or a bare detail, and nothing where there is none', () => {
    expect(jobIdIn(`{"detail-type":"AnalysisPlanned","detail":{"version":1,"jobId": "${JOB}"}}`)).toBe(JOB);
    expect(jobIdIn('{"jobId":"not-a-uuid"}')).toBeUndefined();
  });
});

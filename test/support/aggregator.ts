/**
 * The aggregator's handler on the test ports with a fixed clock: one SQS message at a time, each
 * expected to succeed (no batch item failures). Shared by the aggregator's unit tests.
 */
import { expect } from 'vitest';
import { createAggregatorHandler } from '#services/aggregator/handler.ts';
import { aggregator } from '#services/aggregator/service.ts';
import { eventRecord, lambdaContext, sqsEvent, type sqsRecord, testServiceContext } from './lambda.ts';
import type { TestPorts } from './ports.ts';

export function aggregatorOn(ports: TestPorts['ports'], now: Date) {
  const { ctx, recorded } = testServiceContext(aggregator, { ...ports, now: () => now });
  const handle = createAggregatorHandler(ctx);
  const deliverRecord = async (record: ReturnType<typeof sqsRecord>) => {
    const response = await handle(sqsEvent(record), lambdaContext('alex-aggregator'));
    expect(response.batchItemFailures).toEqual([]);
  };
  const deliver = (detailType: string, detail: unknown) =>
    deliverRecord(eventRecord(detailType, detail, { queue: 'alex-aggregator' }));
  return { recorded, deliver, deliverRecord };
}

/**
 * The shape every service's Lambda handler shares: an SQS batch in, partial batch failures out
 * (Powertools batch). Each record is parsed and processed on its own:
 * - a non-retryable error (a poison message, a refusal nobody turned into an event) goes
 *   straight to the DLQ with its reason and is not retried;
 * - any other error (retryable, or a plain fault) fails only that record, so SQS redelivers it
 *   after the visibility timeout and moves it to the DLQ after maxReceiveCount receives.
 */
import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Logger } from '@aws-lambda-powertools/logger';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { NonRetryableError } from '#events/errors.ts';
import { type DeadLetterPort, deadLetterOf, oneLineReason } from './dead-letter.ts';
import { addLatency, countMetric, METRIC, publishMetrics } from './metrics.ts';
import { consumedMessage, inConsumerSpan, withBatchExport } from './tracing.ts';

export type SqsBatchHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse>;

export interface BatchHandlerDeps {
  /** The service whose spans these are (a ServiceContext passes its own declaration). */
  service?: { name: string };
  logger: Logger;
  deadLetters: DeadLetterPort;
  /** Told why a record failed; the local runtime keeps it for the DLQ entry. */
  onRecordFailure?: (messageId: string, reason: string) => void;
}

/** `processRecord` handles one record; it throws a NonRetryableError for input that can never succeed. */
export function createBatchHandler(
  { service, logger, deadLetters, onRecordFailure }: BatchHandlerDeps,
  processRecord: (record: SQSRecord, context: Context) => Promise<void>,
): SqsBatchHandler {
  return async (event, context) => {
    // One processor per invocation: its state is per batch, and the local runtime may run
    // several batches of one function at the same time.
    const processor = new BatchProcessor(EventType.SQS);
    const handleRecord = async (record: SQSRecord) => {
      // Every log line about this record carries its job, across all the services it passes.
      const jobId = jobIdIn(record.body);
      logger.setCorrelationId(jobId ?? record.messageId);
      const started = performance.now();
      const name = service?.name ?? 'unknown';
      try {
        // The record's span continues the publisher's trace (its traceparent is in the detail).
        await inConsumerSpan(name, consumedMessage(record.body, jobId), () => processRecord(record, context));
        logger.info('Record handled', {
          messageId: record.messageId,
          receiveCount: Number(record.attributes.ApproximateReceiveCount ?? '1'),
        });
      } catch (error) {
        if (!(error instanceof NonRetryableError)) {
          logger.error('Record failed; SQS will redeliver it', { messageId: record.messageId, error: error as Error });
          onRecordFailure?.(record.messageId, oneLineReason((error as Error).message ?? String(error)));
          throw error;
        }
        logger.warn('Rejected bad input; sent to the DLQ', { messageId: record.messageId, reason: error.message });
        await deadLetters.send(deadLetterOf(record, error.message));
        countMetric(name, METRIC.deadLetters);
      } finally {
        addLatency(name, performance.now() - started);
      }
    };
    // One record at a time: the logger's correlation id belongs to the record being handled.
    try {
      return await withBatchExport(() =>
        processPartialResponse(event, handleRecord, processor, {
          context,
          throwOnFullBatchFailure: false,
          processInParallel: false,
        }),
      );
    } finally {
      publishMetrics();
    }
  };
}

const JOB_ID = /"jobId"\s*:\s*"([0-9a-fA-F-]{36})"/;

/** The jobId of an event or job message, found without parsing the whole body. */
export function jobIdIn(body: string): string | undefined {
  return JOB_ID.exec(body)?.[1];
}

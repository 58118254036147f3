/**
 * The shared test toolkit for handlers: a Lambda context, SQS records carrying EventBridge
 * envelopes, and a service context whose ports record what the handler did. Tests build these
 * here, never by hand, so the shapes stay those Lambda and SQS deliver.
 */
import { randomUUID } from 'node:crypto';
import { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { catalog, type DetailType, isDetailType } from '#events/catalog.ts';
import type { OutgoingEvent } from '#events/publisher.ts';
import { type ServiceContext, type ServicePorts, serviceContext } from '#services/common/context.ts';
import type { DeadLetter } from '#services/common/dead-letter.ts';
import type { DeadlineDetail } from '#services/common/deadlines.ts';
import type { ServiceDeclaration } from '#services/common/declaration.ts';
import { OfflineModel } from '#services/common/model/offline.ts';

export const TEST_ACCOUNT = '000000000000';
export const TEST_REGION = 'us-east-1';

/** A Lambda context with `remainingMs` left, for the function `functionName`. */
export function lambdaContext(functionName = 'alex-test', remainingMs = 30_000): Context {
  return {
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${TEST_REGION}:${TEST_ACCOUNT}:function:${functionName}`,
    memoryLimitInMB: '512',
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'test',
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => remainingMs,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export interface RecordOptions {
  messageId?: string;
  /** The queue it was read from (the DLQ entry's sourceQueue). */
  queue?: string;
  receiveCount?: number;
}

/** An SQS record with `body`, as the event source mapping hands it to the function. */
export function sqsRecord(body: string, options: RecordOptions = {}): SQSRecord {
  const messageId = options.messageId ?? randomUUID();
  return {
    messageId,
    receiptHandle: messageId,
    body,
    attributes: {
      ApproximateReceiveCount: String(options.receiveCount ?? 1),
      SentTimestamp: '0',
      SenderId: 'test',
      ApproximateFirstReceiveTimestamp: '0',
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:${TEST_REGION}:${TEST_ACCOUNT}:${options.queue ?? 'alex-test'}`,
    awsRegion: TEST_REGION,
  };
}

/** The JSON an EventBridge rule delivers to SQS for one event. */
/** By default an event comes from the service the catalog names as its publisher, as consumers check. */
export function envelopeBody(
  detailType: DetailType | string,
  detail: unknown,
  source = isDetailType(detailType) ? catalog[detailType].sources[0]! : 'alex.test',
): string {
  return JSON.stringify({
    version: '0',
    id: randomUUID(),
    'detail-type': detailType,
    source,
    account: TEST_ACCOUNT,
    time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
    region: TEST_REGION,
    resources: [],
    detail,
  });
}

/** An SQS record carrying one event, as a bus rule delivers it. */
export function eventRecord(detailType: DetailType | string, detail: unknown, options: RecordOptions = {}): SQSRecord {
  return sqsRecord(envelopeBody(detailType, detail), options);
}

export function sqsEvent(...records: SQSRecord[]): SQSEvent {
  return { Records: records };
}

/** What a test service context recorded. */
export interface Recorded {
  published: OutgoingEvent[];
  deadLetters: DeadLetter[];
  deadlines: DeadlineDetail[];
  failures: Array<{ messageId: string; reason: string }>;
}

/**
 * A service context for `service` whose publisher, DLQ and deadline ports record into `recorded`;
 * `ports` supplies the rest (a dynalite client, PGlite) or overrides any of them. No database and
 * no DynamoDB unless given: a handler that reaches for them fails loudly.
 */
export function testServiceContext(
  service: ServiceDeclaration,
  ports: Partial<ServicePorts> = {},
): { ctx: ServiceContext; recorded: Recorded } {
  const recorded: Recorded = { published: [], deadLetters: [], deadlines: [], failures: [] };
  const ctx = serviceContext(service, {
    publisher: { publish: async (events) => void recorded.published.push(...events) },
    deadLetters: { send: async (letter) => void recorded.deadLetters.push(letter) },
    deadlines: { schedule: async (detail) => void recorded.deadlines.push(detail) },
    logger: new Logger({ serviceName: `alex-${service.name}`, logLevel: 'SILENT' }),
    dynamo: undefined as unknown as DynamoDBClient,
    tables: { idempotency: 'alex-idempotency', completion: 'alex-completion' },
    db: () => Promise.reject(new Error(`no database in this test of ${service.name}`)),
    model: new OfflineModel(),
    now: () => new Date(),
    onRecordFailure: (messageId, reason) => void recorded.failures.push({ messageId, reason }),
    ...ports,
  });
  return { ctx, recorded };
}

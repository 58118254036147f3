/**
 * Idempotency by business key, with Powertools (makeIdempotent, DynamoDB persistence). Keys come
 * from what the producer put in the event detail (jobId, task), never the envelope id or the SQS
 * messageId, which change on retry and replay. One persistence layer per idempotent function.
 */

import { IdempotencyConfig, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';

/** Long enough to cover a bus archive replay of recent history (see the README on replays). */
export const IDEMPOTENCY_TTL_SECONDS = 7 * 24 * 60 * 60;

export interface IdempotentOptions {
  dynamo: DynamoDBClient;
  tableName: string;
  /** Stable across deployments and the local runtime, distinct per function. */
  keyPrefix: string;
  /** JMESPath into the function's argument selecting the business key. */
  keyPath: string;
}

export interface IdempotentFunction<A, R> {
  (input: A): Promise<R>;
  /** Powertools needs the Lambda context to size the in-progress lock to the time left. */
  registerLambdaContext(context: Context): void;
}

export function idempotent<A extends object, R>(
  fn: (input: A) => Promise<R>,
  options: IdempotentOptions,
): IdempotentFunction<A, R> {
  const persistenceStore = new DynamoDBPersistenceLayer({
    tableName: options.tableName,
    awsSdkV3Client: options.dynamo,
  });
  const config = new IdempotencyConfig({
    eventKeyJmesPath: options.keyPath,
    expiresAfterSeconds: IDEMPOTENCY_TTL_SECONDS,
    throwOnNoIdempotencyKey: true,
  });
  const wrapped = makeIdempotent(fn, { persistenceStore, config, keyPrefix: options.keyPrefix }) as (
    input: A,
  ) => Promise<R>;
  return Object.assign((input: A) => wrapped(input), {
    registerLambdaContext: (context: Context) => config.registerLambdaContext(context),
  });
}

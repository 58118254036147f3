/**
 * The worker-thread side of a database-free specialist (see worker-handler.ts for the protocol):
 * builds the same handler as the runtime would in-process, with its own DynamoDB client to the
 * runtime's dynalite and ports that post back to the main thread, then answers invocations.
 */
import type { MessagePort } from 'node:worker_threads';
import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { Context } from 'aws-lambda';
import type { OutgoingEvent } from '#events/publisher.ts';
import { serviceContext } from '#services/common/context.ts';
import type { DeadLetter } from '#services/common/dead-letter.ts';
import { setMetricsSink } from '#services/common/metrics.ts';
import { modelFromEnv } from '#services/common/model/from-env.ts';
import { SERVICE_REGISTRY } from '#services/index.ts';
import type { KnowledgeHit } from '#services/researcher/ports.ts';
import { metricsFileSink } from '../telemetry/metrics-file.ts';
import { startTelemetry } from '../telemetry/setup.ts';
import { TABLES } from '../topology.ts';
import {
  type ContextFields,
  errorFields,
  errorFrom,
  type FromWorker,
  type ServiceWorkerData,
  type ToWorker,
} from './worker-handler.ts';

export function serveService(
  port: MessagePort,
  { service, dynamoEndpoint, logLevel, spansFile, metricsFile }: ServiceWorkerData,
): void {
  if (metricsFile) setMetricsSink(metricsFileSink(metricsFile));
  const post = (message: FromWorker) => port.postMessage(message);
  let nextCallId = 0;
  const calls = new Map<number, { resolve: (payload?: string | null) => void; reject: (error: Error) => void }>();
  // A port call resolves when the main thread has done it, so its failure is this record's failure.
  const call = (
    request:
      | { publish: OutgoingEvent[] }
      | { deadLetter: DeadLetter }
      | { getPayload: string }
      | { putPayload: { sha256: string; body: string } }
      | { searchKnowledge: { query: string; topK: number } }
      | { searchKnowledgeAll: { queries: readonly string[]; topK: number } },
  ) =>
    new Promise<string | null | undefined>((resolve, reject) => {
      const callId = ++nextCallId;
      calls.set(callId, { resolve, reject });
      post({ callId, ...request });
    });

  const registered = SERVICE_REGISTRY.find((entry) => entry.service.name === service);
  if (!registered) throw new Error(`alex-${service} is not in the registry (services/index.ts)`);
  const ctx = serviceContext(registered.service, {
    publisher: { publish: async (events) => void (await call({ publish: [...events] })) },
    deadLetters: { send: async (letter) => void (await call({ deadLetter: letter })) },
    // The store is the main thread's (PostgreSQL): a large snapshot is read, a large result stored.
    payloads: {
      put: async (sha256, body) => void (await call({ putPayload: { sha256, body } })),
      get: async (sha256) => (await call({ getPayload: sha256 })) ?? undefined,
    },
    // Knowledge search runs in the main thread, beside the database and the vector store.
    knowledge: {
      search: async (query, topK) =>
        JSON.parse((await call({ searchKnowledge: { query, topK } })) ?? '[]') as KnowledgeHit[],
      searchAll: async (queries, topK) =>
        JSON.parse((await call({ searchKnowledgeAll: { queries, topK } })) ?? '[]') as KnowledgeHit[][],
    },
    deadlines: {
      schedule: () => Promise.reject(new Error(`alex-${service} schedules no deadlines (only the planner does)`)),
    },
    logger: new Logger({ serviceName: `alex-${service}`, logLevel }),
    dynamo: new DynamoDBClient({
      endpoint: dynamoEndpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 3,
    }),
    tables: { idempotency: TABLES.idempotency, completion: TABLES.completion },
    db: () => Promise.reject(new Error(`alex-${service} has no database`)),
    // The model's audit records travel in the events this service publishes.
    model: modelFromEnv(process.env),
    now: () => new Date(),
    onRecordFailure: (messageId, reason) => post({ recordFailure: { messageId, reason } }),
  });
  const handler = registered.createHandler(ctx, {});
  // The thread's own provider (providers do not cross threads); invocations wait until it is registered.
  const telemetry = startTelemetry({ env: process.env, ...(spansFile ? { spansFile } : {}) });

  port.on('message', (message: ToWorker) => {
    if ('flush' in message) {
      void telemetry.then((started) => started?.flush()).finally(() => post({ flushed: true }));
      return;
    }
    if (!('id' in message)) {
      const pending = calls.get(message.callId);
      calls.delete(message.callId);
      if (message.error) pending?.reject(errorFrom(message.error));
      else pending?.resolve(message.payload);
      return;
    }
    const { id, event, deadline, context } = message;
    telemetry
      .then(
        () => handler(event, lambdaContext(context, deadline)),
        () => handler(event, lambdaContext(context, deadline)),
      )
      .then(
        (response) => post({ id, response }),
        (error: unknown) => post({ id, error: errorFields(error) }),
      );
  });
}

function lambdaContext(fields: ContextFields, deadline: number): Context {
  return {
    ...fields,
    callbackWaitsForEmptyEventLoop: false,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

/**
 * Counts what analyses use on a running local runtime, in the units AWS bills: handler
 * invocations and durations per function, SQS requests, events on the bus, DynamoDB capacity
 * units, Data API requests. The hooks wrap instances (the client's middleware stack, the
 * database object, queues, the bus, each poller's handler), so no runtime code changes.
 */

import type { Poller, PollerOptions } from '#infra/local/poller.ts';
import type { LocalRuntime } from '#infra/local/runtime.ts';
import { SERVICES, type ServiceName } from '#infra/topology.ts';
import type { SqsBatchHandler } from '#services/common/batch-handler.ts';
import type { SqlExecutor } from '#services/common/sql-database.ts';
import {
  type AnalysisUsage,
  billedChunks,
  billedMs,
  DATA_API_CHUNK_BYTES,
  EVENTBRIDGE_CHUNK_BYTES,
  SQS_CHUNK_BYTES,
} from './cost.ts';

export interface UsageCounts {
  invocations: Record<ServiceName, number>;
  billedMs: Record<ServiceName, number>;
  durationsMs: Record<ServiceName, number[]>;
  sqsSendRequests: number;
  events: number;
  eventChunks: number;
  archivedBytes: number;
  dynamoCalls: Record<string, number>;
  dynamoReadUnits: number;
  dynamoWriteUnits: number;
  sqlStatements: number;
  sqlTransactions: number;
  dataApiRequests: number;
}

const READ_COMMANDS = new Set([
  'GetItemCommand',
  'QueryCommand',
  'ScanCommand',
  'BatchGetItemCommand',
  'GetCommand',
  'BatchGetCommand',
]);

function perService<T>(make: () => T): Record<ServiceName, T> {
  return Object.fromEntries(Object.keys(SERVICES).map((name) => [name, make()])) as Record<ServiceName, T>;
}

export function emptyCounts(): UsageCounts {
  return {
    invocations: perService(() => 0),
    billedMs: perService(() => 0),
    durationsMs: perService(() => [] as number[]),
    sqsSendRequests: 0,
    events: 0,
    eventChunks: 0,
    archivedBytes: 0,
    dynamoCalls: {},
    dynamoReadUnits: 0,
    dynamoWriteUnits: 0,
    sqlStatements: 0,
    sqlTransactions: 0,
    dataApiRequests: 0,
  };
}

function requestBytes(sql: string, params: unknown): number {
  return Buffer.byteLength(sql) + (params === undefined ? 0 : Buffer.byteLength(JSON.stringify(params)));
}

type ConsumedCapacity = { CapacityUnits?: number };

/** Installs the counters; `counts` is reset by the caller between phases. */
export function instrument(runtime: LocalRuntime): { counts: UsageCounts; reset(): void } {
  const state = { counts: emptyCounts() };

  // DynamoDB: ask for the consumed capacity of every call (dynalite computes it as DynamoDB does).
  runtime.dynamo.client.middlewareStack.add(
    (next, context) => async (args) => {
      const commandName = context.commandName ?? 'unknown';
      const counts = state.counts;
      counts.dynamoCalls[commandName] = (counts.dynamoCalls[commandName] ?? 0) + 1;
      const isRead = READ_COMMANDS.has(commandName);
      (args.input as Record<string, unknown>).ReturnConsumedCapacity = 'TOTAL';
      try {
        const response = await next(args);
        const consumed = (response.output as { ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] })
          .ConsumedCapacity;
        const units = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []).reduce(
          (sum, c) => sum + (c.CapacityUnits ?? 0),
          0,
        );
        if (isRead) counts.dynamoReadUnits += units;
        else counts.dynamoWriteUnits += units;
        return response;
      } catch (error) {
        // A write refused by its condition is still billed (at least one unit).
        if (!isRead) counts.dynamoWriteUnits += 1;
        throw error;
      }
    },
    { step: 'initialize', name: 'benchUsageCounter', override: true },
  );

  // Data API: one request per statement, plus BeginTransaction and CommitTransaction.
  const db = runtime.db;
  const query = db.query.bind(db);
  const transaction = db.transaction.bind(db);
  const countStatement = (sql: string, params: unknown) => {
    state.counts.sqlStatements += 1;
    state.counts.dataApiRequests += billedChunks(requestBytes(sql, params), DATA_API_CHUNK_BYTES);
  };
  db.query = (sql, params) => {
    countStatement(sql, params);
    return query(sql, params);
  };
  db.transaction = (work) => {
    state.counts.sqlTransactions += 1;
    state.counts.dataApiRequests += 2;
    return transaction((tx: SqlExecutor) =>
      work({
        query: (sql, params) => {
          countStatement(sql, params);
          return tx.query(sql, params);
        },
      }),
    );
  };

  // SQS: each message sent (rule delivery or SendMessage), by 64 KB chunk.
  for (const { queue } of runtime.queues.values()) {
    const send = queue.send.bind(queue);
    // Every argument passes through: a deadline sent without its delay would come back at once,
    // early, and be sent on again and again, so the runtime would never settle.
    queue.send = (body, ...rest) => {
      state.counts.sqsSendRequests += billedChunks(Buffer.byteLength(body), SQS_CHUNK_BYTES);
      return send(body, ...rest);
    };
  }

  // EventBridge: each event put on the bus, by 64 KB chunk; every one is archived.
  const putEnvelope = runtime.bus.putEnvelope.bind(runtime.bus);
  runtime.bus.putEnvelope = (envelope, options) => {
    const bytes = Buffer.byteLength(JSON.stringify(envelope));
    state.counts.events += 1;
    state.counts.eventChunks += billedChunks(bytes, EVENTBRIDGE_CHUNK_BYTES);
    if (!options?.replayName) state.counts.archivedBytes += bytes;
    return putEnvelope(envelope, options);
  };

  // Lambda: each invocation of each function, timed around its handler.
  for (const poller of runtime['pollers'] as Poller[]) {
    const inner = poller as unknown as { handler: SqsBatchHandler; options: PollerOptions };
    const service = inner.options.functionName.replace(/^alex-/, '') as ServiceName;
    const handler = inner.handler;
    inner.handler = async (event, context) => {
      const started = performance.now();
      try {
        return await handler(event, context);
      } finally {
        const ms = performance.now() - started;
        state.counts.invocations[service] += 1;
        state.counts.billedMs[service] += billedMs(ms);
        state.counts.durationsMs[service].push(ms);
      }
    };
  }

  return {
    get counts() {
      return state.counts;
    },
    reset() {
      state.counts = emptyCounts();
    },
  };
}

/** Counts over `analyses` analyses, as the usage of one. */
export function usagePerAnalysis(counts: UsageCounts, analyses: number): AnalysisUsage {
  const functions: AnalysisUsage['functions'] = {};
  let invocations = 0;
  for (const name of Object.keys(SERVICES) as ServiceName[]) {
    invocations += counts.invocations[name];
    if (counts.invocations[name] === 0) continue;
    functions[name] = {
      memoryMb: SERVICES[name].memoryMb,
      invocations: counts.invocations[name] / analyses,
      billedMs: counts.billedMs[name] / analyses,
    };
  }
  // Each invocation stands for one ReceiveMessage and one DeleteMessageBatch by the event source
  // mapping (its empty long polls while idle are left out).
  const sqsRequests = counts.sqsSendRequests + 2 * invocations;
  return {
    functions,
    sqsRequests: sqsRequests / analyses,
    eventBridgeEvents: counts.eventChunks / analyses,
    archivedBytes: counts.archivedBytes / analyses,
    dynamoReadUnits: counts.dynamoReadUnits / analyses,
    dynamoWriteUnits: counts.dynamoWriteUnits / analyses,
    dataApiRequests: counts.dataApiRequests / analyses,
  };
}

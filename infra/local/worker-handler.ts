/**
 * The main-thread side of a specialist running in a worker thread. On AWS each function has its
 * own CPU; locally the specialists (isWorkerService) can run on their own thread, so the second
 * core carries their work while the main thread keeps the bus, queues, PGlite and the other
 * services. The poller calls `handle` exactly as it calls an in-process handler; the worker runs
 * the very same handler factory (service-worker.ts).
 *
 * Protocol (one MessagePort, messages in order):
 *   main → worker  {id, event, deadline, context}                 an invocation
 *   worker → main  {id, response} | {id, error}                   its SQSBatchResponse or why it threw
 *   worker → main  {callId, publish: events} | {callId, deadLetter} the handler's port calls...
 *   main → worker  {callId} | {callId, error}                     ...answered once done, so a publish
 *                                                                  failure fails the record as in-process
 *   worker → main  {callId, searchKnowledge: {query, topK}}   knowledge search, answered {callId, payload: hits JSON}
 *   worker → main  {callId, searchKnowledgeAll: {queries, topK}}  several, one catalogue read: {callId, payload}
 *   worker → main  {recordFailure: {messageId, reason}}           for the DLQ entry's reason
 *   main → worker  {flush} / worker → main {flushed}              before a stop: its spans are exported
 */
import { Worker } from 'node:worker_threads';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { DomainRefusal, InvalidInputError, NonRetryableError } from '#events/errors.ts';
import type { EventPublisher, OutgoingEvent } from '#events/publisher.ts';
import type { PayloadStore } from '#services/common/claim-check.ts';
import type { DeadLetter, DeadLetterPort } from '#services/common/dead-letter.ts';
import { claimCheckOnly } from '#services/common/declaration.ts';
import { type KnowledgePort, searchEach } from '#services/researcher/ports.ts';
import { tracingWanted } from '../telemetry/config.ts';
import type { ServiceSpec } from '../topology.ts';
import type { QueueHandler } from './poller.ts';

/**
 * A service can run in a worker when it needs no prices or deadlines and no database beyond the
 * claim-check store, which the worker reaches through its port: then nothing but DynamoDB, the bus
 * and that store connects it to the runtime (the registry's reporter, charter and retirement). Its
 * handler factory must be in the registry, where the worker finds it by name.
 */
export function isWorkerService(spec: ServiceSpec): boolean {
  const { database, deadlines, prices } = spec.needs;
  return claimCheckOnly(database) && !deadlines && !prices && !spec.receivesDeadlines;
}

/** What the runtime lends a worker: the only ways its handler reaches the rest of the system. */
export interface WorkerHost {
  dynamoEndpoint: string;
  publisher: EventPublisher;
  deadLetters: DeadLetterPort;
  /** The claim-check store, used for the worker (it opens no database of its own). */
  payloads: PayloadStore;
  /** Knowledge search (the reporter's citations), run in this thread beside the database. */
  knowledge?: KnowledgePort;
  onRecordFailure: (messageId: string, reason: string) => void;
  logLevel: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR' | 'SILENT';
  spansFile?: string;
  metricsFile?: string;
}

/** Handed to the worker at start (structured-cloned). */
export interface ServiceWorkerData {
  service: string;
  dynamoEndpoint: string;
  logLevel: WorkerHost['logLevel'];
  /** The state folder's span file, when tracing is on. */
  spansFile?: string;
  /** The state folder's metrics file. */
  metricsFile?: string;
}

/** A Lambda context without its functions, which cannot cross threads. */
export type ContextFields = Pick<
  Context,
  | 'functionName'
  | 'functionVersion'
  | 'invokedFunctionArn'
  | 'memoryLimitInMB'
  | 'awsRequestId'
  | 'logGroupName'
  | 'logStreamName'
>;

/** An error as it crosses threads; the class matters, since a NonRetryableError means "do not retry". */
export interface ErrorFields {
  name: string;
  message: string;
  code?: string;
}

export type ToWorker =
  | { id: number; event: SQSEvent; deadline: number; context: ContextFields }
  | { callId: number; error?: ErrorFields; payload?: string | null }
  | { flush: true };

export type FromWorker =
  | { id: number; response: SQSBatchResponse }
  | { id: number; error: ErrorFields }
  | { callId: number; publish: OutgoingEvent[] }
  | { callId: number; deadLetter: DeadLetter }
  | { callId: number; getPayload: string }
  | { callId: number; putPayload: { sha256: string; body: string } }
  | { callId: number; searchKnowledge: { query: string; topK: number } }
  | { callId: number; searchKnowledgeAll: { queries: readonly string[]; topK: number } }
  | { recordFailure: { messageId: string; reason: string } }
  | { flushed: true };

export function errorFields(error: unknown): ErrorFields {
  if (error instanceof NonRetryableError) return { name: error.name, message: error.message, code: error.code };
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) };
}

export function errorFrom({ name, message, code }: ErrorFields): Error {
  if (name === 'InvalidInputError') return new InvalidInputError(message);
  if (name === 'DomainRefusal') return new DomainRefusal(code ?? 'DomainRefusal', message);
  const error = new Error(message);
  error.name = name;
  return error;
}

/** A worker's knowledge search, one query or several; nothing found without a knowledge port. */
function searchFor(
  knowledge: KnowledgePort | undefined,
  message:
    | { searchKnowledge: { query: string; topK: number } }
    | { searchKnowledgeAll: { queries: readonly string[]; topK: number } },
): Promise<unknown[]> {
  if ('searchKnowledge' in message) {
    const { query, topK } = message.searchKnowledge;
    return knowledge ? knowledge.search(query, topK) : Promise.resolve([]);
  }
  const { queries, topK } = message.searchKnowledgeAll;
  return knowledge ? searchEach(knowledge, queries, topK) : Promise.resolve(queries.map(() => []));
}

export interface WorkerHandler {
  handle: QueueHandler;
  /** The worker's thread id, while it runs. */
  readonly threadId: number | undefined;
  /** Stops the worker; invocations still running fail, as a Lambda stopped mid-way would. */
  close(): Promise<void>;
}

const BOOTSTRAP = new URL('./service-worker-bootstrap.mjs', import.meta.url);

/** One worker thread for `service`, started now (its module loading overlaps the runtime's start), restarted if it dies. */
export function workerHandler(service: string, host: WorkerHost): WorkerHandler {
  let worker: Worker | undefined;
  let closing = false;
  let nextId = 0;
  let flushed: (() => void) | undefined;
  const running = new Map<number, { resolve: (response: SQSBatchResponse) => void; reject: (error: Error) => void }>();

  const failRunning = (error: Error) => {
    for (const { reject } of running.values()) reject(error);
    running.clear();
  };

  const answer = (target: Worker, callId: number, work: Promise<void>) => {
    work.then(
      () => target.postMessage({ callId } satisfies ToWorker),
      (error: unknown) => target.postMessage({ callId, error: errorFields(error) } satisfies ToWorker),
    );
  };

  const start = (): Worker => {
    const data: ServiceWorkerData = {
      service,
      dynamoEndpoint: host.dynamoEndpoint,
      logLevel: host.logLevel,
      ...(host.spansFile ? { spansFile: host.spansFile } : {}),
      ...(host.metricsFile ? { metricsFile: host.metricsFile } : {}),
    };
    const started = new Worker(BOOTSTRAP, { workerData: data, name: `alex-${service}` });
    started.on('message', (message: FromWorker) => {
      if ('flushed' in message) flushed?.();
      else if ('recordFailure' in message)
        host.onRecordFailure(message.recordFailure.messageId, message.recordFailure.reason);
      else if ('publish' in message) answer(started, message.callId, host.publisher.publish(message.publish));
      else if ('deadLetter' in message) answer(started, message.callId, host.deadLetters.send(message.deadLetter));
      else if ('putPayload' in message)
        answer(started, message.callId, host.payloads.put(message.putPayload.sha256, message.putPayload.body));
      else if ('searchKnowledge' in message || 'searchKnowledgeAll' in message) {
        const search = searchFor(host.knowledge, message);
        search.then(
          // The hits cross as JSON text, like a payload, and are parsed in the worker.
          (hits) => started.postMessage({ callId: message.callId, payload: JSON.stringify(hits) } satisfies ToWorker),
          (error: unknown) =>
            started.postMessage({ callId: message.callId, error: errorFields(error) } satisfies ToWorker),
        );
      } else if ('getPayload' in message)
        host.payloads.get(message.getPayload).then(
          (payload) => started.postMessage({ callId: message.callId, payload: payload ?? null } satisfies ToWorker),
          (error: unknown) =>
            started.postMessage({ callId: message.callId, error: errorFields(error) } satisfies ToWorker),
        );
      else {
        const invocation = running.get(message.id);
        running.delete(message.id);
        if ('response' in message) invocation?.resolve(message.response);
        else invocation?.reject(errorFrom(message.error));
      }
    });
    started.on('error', (error) => failRunning(new Error(`the alex-${service} worker failed: ${error.message}`)));
    started.on('exit', (code) => {
      if (worker === started) worker = undefined;
      if (!closing) failRunning(new Error(`the alex-${service} worker exited (code ${code})`));
    });
    return started;
  };
  worker = start();

  // Its finished spans are exported before the thread stops (a stuck export waits at most a second).
  const flushWorker = (target: Worker) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(resolve, 1000);
      flushed = () => {
        clearTimeout(timer);
        resolve();
      };
      target.postMessage({ flush: true } satisfies ToWorker);
    });

  return {
    get threadId() {
      return worker?.threadId;
    },
    handle: (event, context) => {
      if (closing) return Promise.reject(new Error(`alex-${service} is stopped`));
      const target = (worker ??= start());
      const id = ++nextId;
      return new Promise<SQSBatchResponse>((resolve, reject) => {
        running.set(id, { resolve, reject });
        target.postMessage({
          id,
          event,
          deadline: Date.now() + context.getRemainingTimeInMillis(),
          context: contextFields(context),
        } satisfies ToWorker);
      });
    },
    close: async () => {
      closing = true;
      failRunning(new Error(`alex-${service} stopped while running`));
      if (worker && tracingWanted(process.env)) await flushWorker(worker);
      await worker?.terminate();
      worker = undefined;
    },
  };
}

function contextFields(context: Context): ContextFields {
  const {
    functionName,
    functionVersion,
    invokedFunctionArn,
    memoryLimitInMB,
    awsRequestId,
    logGroupName,
    logStreamName,
  } = context;
  return {
    functionName,
    functionVersion,
    invokedFunctionArn,
    memoryLimitInMB,
    awsRequestId,
    logGroupName,
    logStreamName,
  };
}

/**
 * SQS's AWS JSON 1.0 operations (`X-Amz-Target: AmazonSQS.<Operation>`, query-compatible) over
 * the local queues: sending with MD5 digests the SDK verifies, receiving with long polling and
 * visibility timeouts, deleting, and redrive of a dead-letter queue (StartMessageMoveTask), which
 * without a destination returns each message to the queue it was dead-lettered from.
 */
import { randomUUID } from 'node:crypto';
import type { QueueMessage } from '../queue.ts';
import { ACCOUNT, type EndpointRuntime, type NamedQueue, namedQueues, queueArn, queueUrl } from './local-resources.ts';
import { cleanAttributes, MAX_MESSAGE_BYTES, md5Hex, md5OfAttributes, messageProblem } from './sqs-messages.ts';
import { AwsError } from './wire.ts';

type Input = Record<string, unknown>;
/** Per request: the host it came to, a signal for the server closing, and the signer's key id (SenderId). */
type Operation = (input: Input, context: { host: string; signal: AbortSignal; sender: string }) => unknown;

/** SQS error: `__type` in the sqs namespace, and the query code for `x-amzn-query-error`. */
export function sqsError(shape: string, message: string, queryCode = shape, status = 400): AwsError {
  return new AwsError(`com.amazonaws.sqs#${shape}`, message, status, { code: queryCode, fault: 'Sender' });
}

const noQueue = () =>
  sqsError('QueueDoesNotExist', 'The specified queue does not exist.', 'AWS.SimpleQueueService.NonExistentQueue');
const invalidParameter = (message: string) => sqsError('InvalidParameterValue', message);

const RECEIPT_HANDLE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MAX_BATCH = 10;
const MAX_WAIT_SECONDS = 20;
const MAX_VISIBILITY_SECONDS = 43_200;
const SYSTEM_ATTRIBUTES = [
  'SenderId',
  'SentTimestamp',
  'ApproximateReceiveCount',
  'ApproximateFirstReceiveTimestamp',
  'AWSTraceHeader',
];

interface MoveTask {
  handle: string;
  status: 'RUNNING' | 'COMPLETED' | 'CANCELLED' | 'FAILED';
  sourceArn: string;
  destinationArn?: string;
  moved: number;
  toMove: number;
  startedAt: number;
}

export class SqsApi {
  readonly operations: Record<string, Operation>;
  private readonly queues: Map<string, NamedQueue>;
  private readonly moveTasks: MoveTask[] = [];
  private readonly createdAt = Math.floor(Date.now() / 1000);

  constructor(runtime: EndpointRuntime) {
    this.queues = namedQueues(runtime);
    this.operations = {
      GetQueueUrl: (input, { host }) => {
        const queue = this.queues.get(String(input.QueueName));
        if (!queue) throw noQueue();
        return { QueueUrl: queueUrl(host, queue.name) };
      },
      ListQueues: (input, { host }) => this.listQueues(input, host),
      GetQueueAttributes: (input) => this.attributes(this.queueOf(input), input.AttributeNames),
      SendMessage: (input) => this.send(this.queueOf(input), input),
      SendMessageBatch: (input) => this.sendBatch(this.queueOf(input), input),
      ReceiveMessage: (input, { signal, sender }) => this.receive(this.queueOf(input), input, signal, sender),
      DeleteMessage: (input) => {
        this.deleteOne(this.queueOf(input), input.ReceiptHandle);
        return {};
      },
      DeleteMessageBatch: (input) => this.deleteBatch(this.queueOf(input), input),
      ChangeMessageVisibility: (input) => {
        const queue = this.queueOf(input);
        const seconds = visibilitySeconds(input.VisibilityTimeout, 'VisibilityTimeout');
        if (seconds === undefined) throw invalidParameter('The request must contain the parameter VisibilityTimeout.');
        const handle = receiptHandle(input.ReceiptHandle);
        if (!queue.queue.changeVisibility(handle, seconds * 1000)) {
          throw sqsError('MessageNotInflight', 'Message not inflight.', 'AWS.SimpleQueueService.MessageNotInflight');
        }
        return {};
      },
      StartMessageMoveTask: (input) => this.startMove(input),
      ListMessageMoveTasks: (input) => this.listMoves(input),
    };
  }

  /** The queue a QueueUrl names: its last path segment, under this account. */
  private queueOf(input: Input): NamedQueue {
    const url = input.QueueUrl;
    if (typeof url !== 'string' || url === '')
      throw invalidParameter('The request must contain the parameter QueueUrl.');
    const parts = url
      .replace(/^[a-z]+:\/\/[^/]*/i, '')
      .split('/')
      .filter(Boolean);
    const name = parts.at(-1);
    if (parts.length !== 2 || parts[0] !== ACCOUNT || !name) throw noQueue();
    const queue = this.queues.get(name);
    if (!queue) throw noQueue();
    return queue;
  }

  private queueByArn(arn: unknown, field: string): NamedQueue {
    const name = typeof arn === 'string' ? /^arn:aws:sqs:[^:]+:(\d{12}):(.+)$/.exec(arn) : null;
    const queue = name && name[1] === ACCOUNT ? this.queues.get(name[2]!) : undefined;
    if (!queue) throw sqsError('ResourceNotFoundException', `${field}: the queue ${String(arn)} does not exist.`);
    return queue;
  }

  private listQueues(input: Input, host: string) {
    const prefix = typeof input.QueueNamePrefix === 'string' ? input.QueueNamePrefix : '';
    const names = [...this.queues.keys()].filter((name) => name.startsWith(prefix)).sort();
    const max = input.MaxResults;
    if (max !== undefined && (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 1000)) {
      throw invalidParameter('Value for parameter MaxResults is invalid. Reason: must be between 1 and 1000.');
    }
    const from = typeof input.NextToken === 'string' ? Number.parseInt(input.NextToken, 10) : 0;
    const page = names.slice(from, from + ((max as number | undefined) ?? 1000));
    const next =
      max !== undefined && from + page.length < names.length ? { NextToken: String(from + page.length) } : {};
    return page.length === 0 ? {} : { QueueUrls: page.map((name) => queueUrl(host, name)), ...next };
  }

  private attributes(queue: NamedQueue, requested: unknown) {
    const q = queue.queue;
    const all: Record<string, string> = {
      QueueArn: queueArn(queue.name),
      ApproximateNumberOfMessages: String(q.visibleCount),
      ApproximateNumberOfMessagesNotVisible: String(q.inFlightCount),
      ApproximateNumberOfMessagesDelayed: String(q.delayedCount),
      VisibilityTimeout: String(Math.round(q.options.visibilityTimeoutMs / 1000)),
      MaximumMessageSize: String(MAX_MESSAGE_BYTES),
      MessageRetentionPeriod: String(queue.sourceOf ? 1_209_600 : 345_600),
      DelaySeconds: '0',
      ReceiveMessageWaitTimeSeconds: '0',
      CreatedTimestamp: String(this.createdAt),
      LastModifiedTimestamp: String(this.createdAt),
      SqsManagedSseEnabled: 'true',
      ...(queue.dlq
        ? {
            RedrivePolicy: JSON.stringify({
              deadLetterTargetArn: queueArn(queue.dlq.name),
              maxReceiveCount: queue.maxReceiveCount,
            }),
          }
        : {}),
      ...(queue.sourceOf ? { RedriveAllowPolicy: JSON.stringify({ redrivePermission: 'allowAll' }) } : {}),
    };
    const names = Array.isArray(requested) ? (requested as string[]) : [];
    if (names.length === 0) return {};
    if (names.includes('All')) return { Attributes: all };
    const known = new Set([
      ...Object.keys(all),
      'RedrivePolicy',
      'RedriveAllowPolicy',
      'Policy',
      'KmsMasterKeyId',
      'FifoQueue',
    ]);
    const unknown = names.find((name) => !known.has(name));
    if (unknown) throw sqsError('InvalidAttributeName', `Unknown Attribute ${unknown}.`);
    return { Attributes: Object.fromEntries(names.filter((name) => name in all).map((name) => [name, all[name]!])) };
  }

  /** Checks and stores one message; returns what SendMessage answers, or throws the error SQS gives. */
  private sendOne(queue: NamedQueue, input: Input) {
    const problem = messageProblem(input.MessageBody, input.MessageAttributes);
    if (problem) throw sqsError(problem.code, problem.message);
    const delay = input.DelaySeconds ?? 0;
    if (typeof delay !== 'number' || !Number.isInteger(delay) || delay < 0 || delay > 900) {
      throw invalidParameter('Value for parameter DelaySeconds is invalid. Reason: must be between 0 and 900.');
    }
    const body = input.MessageBody as string;
    const attributes = cleanAttributes(input.MessageAttributes);
    const system = input.MessageSystemAttributes as
      | Record<string, { DataType?: string; StringValue?: string }>
      | undefined;
    const trace = system?.AWSTraceHeader;
    if (system && Object.keys(system).some((name) => name !== 'AWSTraceHeader')) {
      throw invalidParameter('Message system attribute name must be AWSTraceHeader.');
    }
    if (trace && (trace.DataType !== 'String' || typeof trace.StringValue !== 'string')) {
      throw invalidParameter('Message system attribute AWSTraceHeader must be a String.');
    }
    const messageId = queue.queue.send(body, {}, delay * 1000, {
      ...(attributes ? { messageAttributes: attributes } : {}),
      ...(trace ? { traceHeader: trace.StringValue! } : {}),
    });
    const md5Attributes = md5OfAttributes(attributes);
    const md5System = trace
      ? md5OfAttributes({ AWSTraceHeader: { DataType: 'String', StringValue: trace.StringValue! } })
      : undefined;
    return {
      MessageId: messageId,
      MD5OfMessageBody: md5Hex(body),
      ...(md5Attributes ? { MD5OfMessageAttributes: md5Attributes } : {}),
      ...(md5System ? { MD5OfMessageSystemAttributes: md5System } : {}),
    };
  }

  private send(queue: NamedQueue, input: Input) {
    return this.sendOne(queue, input);
  }

  private sendBatch(queue: NamedQueue, input: Input) {
    const entries = batchEntries(input.Entries);
    const total = entries.reduce((sum, entry) => sum + Buffer.byteLength(String(entry.MessageBody ?? ''), 'utf8'), 0);
    if (total > MAX_MESSAGE_BYTES) {
      throw sqsError(
        'BatchRequestTooLong',
        `Batch requests cannot be longer than ${MAX_MESSAGE_BYTES} bytes. You have sent ${total} bytes.`,
        'AWS.SimpleQueueService.BatchRequestTooLong',
      );
    }
    return perEntry(entries, (entry) => this.sendOne(queue, entry));
  }

  private async receive(queue: NamedQueue, input: Input, signal: AbortSignal, sender: string) {
    const max = input.MaxNumberOfMessages ?? 1;
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > MAX_BATCH) {
      throw invalidParameter(
        `Value ${String(max)} for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.`,
      );
    }
    const wait = input.WaitTimeSeconds ?? 0;
    if (typeof wait !== 'number' || !Number.isInteger(wait) || wait < 0 || wait > MAX_WAIT_SECONDS) {
      throw invalidParameter(
        `Value ${String(wait)} for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.`,
      );
    }
    const visibility =
      visibilitySeconds(input.VisibilityTimeout, 'VisibilityTimeout') ??
      Math.round(queue.queue.options.visibilityTimeoutMs / 1000);
    let received = queue.queue.receive(max);
    if (received.length === 0 && wait > 0) {
      await waitForMessages(queue, wait * 1000, signal);
      received = queue.queue.receive(max);
    }
    for (const { receiptHandle: handle } of received) queue.queue.changeVisibility(handle, visibility * 1000);
    const wanted = new Set([
      ...((input.AttributeNames as string[] | undefined) ?? []),
      ...((input.MessageSystemAttributeNames as string[] | undefined) ?? []),
    ]);
    const attributeNames = (input.MessageAttributeNames as string[] | undefined) ?? [];
    const messages = received.map(({ message, receiptHandle: handle }) =>
      messageView(message, handle, wanted, attributeNames, sender),
    );
    return messages.length === 0 ? {} : { Messages: messages };
  }

  /** Deleting a handle that is no longer in flight succeeds, as on SQS; a malformed one does not. */
  private deleteOne(queue: NamedQueue, handle: unknown): void {
    queue.queue.delete(receiptHandle(handle));
  }

  private deleteBatch(queue: NamedQueue, input: Input) {
    const entries = batchEntries(input.Entries);
    return perEntry(entries, (entry) => this.deleteOne(queue, entry.ReceiptHandle));
  }

  private startMove(input: Input) {
    const source = this.queueByArn(input.SourceArn, 'SourceArn');
    if (!source.sourceOf) {
      throw invalidParameter(`Source queue ${source.name} must be configured as a dead-letter queue of another queue.`);
    }
    const destination =
      input.DestinationArn === undefined ? undefined : this.queueByArn(input.DestinationArn, 'DestinationArn');
    if (this.moveTasks.some((task) => task.sourceArn === input.SourceArn && task.status === 'RUNNING')) {
      throw sqsError(
        'UnsupportedOperation',
        'There is already a task running for this source queue.',
        'AWS.SimpleQueueService.UnsupportedOperation',
      );
    }
    const messages = source.queue.takeAll();
    const task: MoveTask = {
      handle: Buffer.from(JSON.stringify({ taskId: randomUUID(), sourceArn: input.SourceArn })).toString('base64'),
      status: 'RUNNING',
      sourceArn: input.SourceArn as string,
      ...(destination ? { destinationArn: queueArn(destination.name) } : {}),
      moved: 0,
      toMove: messages.length,
      startedAt: Date.now(),
    };
    this.moveTasks.unshift(task);
    for (const message of messages) {
      // Without a destination each message goes back to the queue it was dead-lettered from.
      const target =
        destination?.queue ?? this.queues.get(message.attributes.sourceQueue ?? '')?.queue ?? source.sourceOf;
      const { reason: _reason, sourceQueue: _source, ...attributes } = message.attributes;
      target.enqueue({ ...message, receiveCount: 0, attributes, firstReceivedAt: undefined, lastError: undefined });
      task.moved += 1;
    }
    task.status = 'COMPLETED';
    return { TaskHandle: task.handle };
  }

  private listMoves(input: Input) {
    const source = this.queueByArn(input.SourceArn, 'SourceArn');
    const max = input.MaxResults ?? 1;
    if (typeof max !== 'number' || !Number.isInteger(max) || max < 1 || max > 10) {
      throw invalidParameter('Value for parameter MaxResults is invalid. Reason: must be between 1 and 10.');
    }
    const arn = queueArn(source.name);
    return {
      Results: this.moveTasks
        .filter((task) => task.sourceArn === arn)
        .slice(0, max)
        .map((task) => ({
          ...(task.status === 'RUNNING' ? { TaskHandle: task.handle } : {}),
          Status: task.status,
          SourceArn: task.sourceArn,
          ...(task.destinationArn ? { DestinationArn: task.destinationArn } : {}),
          ApproximateNumberOfMessagesMoved: task.moved,
          ApproximateNumberOfMessagesToMove: task.toMove,
          StartedTimestamp: task.startedAt,
        })),
    };
  }
}

function receiptHandle(handle: unknown): string {
  if (typeof handle !== 'string' || !RECEIPT_HANDLE.test(handle)) {
    throw sqsError(
      'ReceiptHandleIsInvalid',
      `The input receipt handle "${String(handle)}" is not a valid receipt handle.`,
    );
  }
  return handle;
}

function visibilitySeconds(value: unknown, field: string): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_VISIBILITY_SECONDS) {
    throw invalidParameter(
      `Value ${String(value)} for parameter ${field} is invalid. Reason: Must be between 0 and ${MAX_VISIBILITY_SECONDS}.`,
    );
  }
  return value;
}

/** The checks both batch calls make on the list of entries before any entry is tried. */
function batchEntries(raw: unknown): Array<Input & { Id: string }> {
  if (!Array.isArray(raw) || raw.length === 0) {
    throw sqsError(
      'EmptyBatchRequest',
      'There should be at least one entry in the request.',
      'AWS.SimpleQueueService.EmptyBatchRequest',
    );
  }
  if (raw.length > MAX_BATCH) {
    throw sqsError(
      'TooManyEntriesInBatchRequest',
      `Maximum number of entries per request are ${MAX_BATCH}. You have sent ${raw.length}.`,
      'AWS.SimpleQueueService.TooManyEntriesInBatchRequest',
    );
  }
  const ids = new Set<string>();
  for (const entry of raw as Input[]) {
    const id = entry?.Id;
    if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,80}$/.test(id)) {
      throw sqsError(
        'InvalidBatchEntryId',
        'A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.',
        'AWS.SimpleQueueService.InvalidBatchEntryId',
      );
    }
    if (ids.has(id)) {
      throw sqsError(
        'BatchEntryIdsNotDistinct',
        `Id ${id} repeated.`,
        'AWS.SimpleQueueService.BatchEntryIdsNotDistinct',
      );
    }
    ids.add(id);
  }
  return raw as Array<Input & { Id: string }>;
}

function waitForMessages(queue: NamedQueue, ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      unsubscribe();
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const unsubscribe = queue.queue.onChange(() => {
      if (queue.queue.visibleCount > 0) done();
    });
    signal.addEventListener('abort', done);
  });
}

function messageView(
  message: QueueMessage,
  handle: string,
  wanted: Set<string>,
  attributeNames: readonly string[],
  senderId: string,
) {
  const all = wanted.has('All');
  const system: Record<string, string> = {
    SenderId: senderId,
    SentTimestamp: String(message.sentAt),
    ApproximateReceiveCount: String(message.receiveCount),
    ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? Date.now()),
    ...(message.traceHeader ? { AWSTraceHeader: message.traceHeader } : {}),
  };
  const Attributes = Object.fromEntries(
    SYSTEM_ATTRIBUTES.filter((name) => (all || wanted.has(name)) && name in system).map((name) => [
      name,
      system[name]!,
    ]),
  );
  const selected = Object.fromEntries(
    Object.entries(message.messageAttributes ?? {}).filter(([name]) =>
      attributeNames.some((pattern) =>
        pattern === 'All' || pattern === '.*'
          ? true
          : pattern.endsWith('.*')
            ? name.startsWith(pattern.slice(0, -1))
            : pattern === name,
      ),
    ),
  );
  const md5Attributes = md5OfAttributes(selected);
  return {
    MessageId: message.messageId,
    ReceiptHandle: handle,
    MD5OfBody: md5Hex(message.body),
    Body: message.body,
    ...(Object.keys(Attributes).length > 0 ? { Attributes } : {}),
    ...(md5Attributes ? { MD5OfMessageAttributes: md5Attributes, MessageAttributes: selected } : {}),
  };
}

/**
 * A batch call's answer: each entry succeeds or fails on its own, as SQS reports it; an AwsError
 * is that entry's failure, anything else fails the whole request.
 */
function perEntry<E extends { Id?: unknown }>(entries: readonly E[], apply: (entry: E) => object | void) {
  const Successful: unknown[] = [];
  const Failed: unknown[] = [];
  for (const entry of entries) {
    try {
      Successful.push({ Id: entry.Id, ...(apply(entry) ?? {}) });
    } catch (error) {
      if (!(error instanceof AwsError)) throw error;
      Failed.push({
        Id: entry.Id,
        SenderFault: true,
        Code: error.queryError?.code ?? error.type,
        Message: error.message,
      });
    }
  }
  return { Successful, Failed };
}

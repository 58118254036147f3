/**
 * The local stand-in for Lambda's SQS event source mapping: receives batches from a queue,
 * hands the function a real-shaped SQSEvent and a Lambda-like context, deletes the records that
 * succeeded and leaves the reported failures (or the whole batch, if the function threw) to
 * come back after their visibility timeout.
 */
import { randomUUID } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { LocalQueue, ReceivedMessage } from './queue.ts';

export type QueueHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | void>;

export interface PollerOptions {
  functionName: string;
  batchSize: number;
  /** Batches of this function running at once (the event source's maximum concurrency). */
  concurrency: number;
  timeoutMs: number;
  memoryMb: number;
  region: string;
  account: string;
  /** Last error per messageId, recorded by the handler plumbing when a record fails. */
  takeFailureReason?: (messageId: string) => string | undefined;
  /** Injected faults: lose the result of an invocation after it ran; never answer at all. */
  faults?: { crashRate?: number; silent?: boolean; silentRate?: number; random: () => number };
}

export class Poller {
  private running = 0;
  private stopped = false;
  private started = false;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly queue: LocalQueue,
    private readonly handler: QueueHandler,
    private readonly options: PollerOptions,
  ) {
    this.unsubscribe = queue.onChange(() => this.pump());
  }

  /** Nothing is received before this: restoring a home's queues must not start work before recovery is ready. */
  start(): void {
    this.started = true;
    this.pump();
  }

  get busy(): boolean {
    return this.running > 0;
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe();
  }

  private pump(): void {
    while (this.started && !this.stopped && this.running < this.options.concurrency && this.queue.visibleCount > 0) {
      const batch = this.queue.receive(this.options.batchSize);
      if (batch.length === 0) break;
      this.running += 1;
      // Run on the next turn so a burst of sends fills batches instead of making one each.
      setImmediate(() => {
        void this.invoke(batch).finally(() => {
          this.running -= 1;
          this.pump();
        });
      });
    }
  }

  private async invoke(batch: ReceivedMessage[]): Promise<void> {
    const records = batch.map((received) => this.toRecord(received));
    let failed: Set<string>;
    let batchError: string | undefined;
    const faults = this.options.faults;
    if (faults?.silent && (faults.silentRate === undefined || faults.random() < faults.silentRate)) {
      // A service that never answers: the messages are taken and nothing comes of them.
      for (const received of batch) this.queue.delete(received.receiptHandle);
      return;
    }
    try {
      const response = await withTimeout(
        this.handler({ Records: records }, this.context()),
        this.options.timeoutMs,
        this.options.functionName,
      );
      failed = new Set((response?.batchItemFailures ?? []).map((failure) => failure.itemIdentifier));
      if (faults?.crashRate && faults.random() < faults.crashRate) {
        failed = new Set(records.map((record) => record.messageId));
        batchError = `${this.options.functionName} crashed after running (injected fault)`;
      }
    } catch (error) {
      failed = new Set(records.map((record) => record.messageId));
      batchError = (error as Error).message;
    }
    for (const received of batch) {
      const messageId = received.message.messageId;
      if (failed.has(messageId)) {
        const reason = this.options.takeFailureReason?.(messageId) ?? batchError ?? 'reported as a batch item failure';
        this.queue.release(received.receiptHandle, reason);
      } else {
        this.options.takeFailureReason?.(messageId);
        this.queue.delete(received.receiptHandle);
      }
    }
  }

  private toRecord({ message, receiptHandle }: ReceivedMessage): SQSRecord {
    const { region, account } = this.options;
    return {
      messageId: message.messageId,
      receiptHandle,
      body: message.body,
      attributes: {
        ApproximateReceiveCount: String(message.receiveCount),
        SentTimestamp: String(message.sentAt),
        SenderId: account,
        ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? Date.now()),
      },
      messageAttributes: Object.fromEntries(
        Object.entries(message.attributes).map(([name, value]) => [
          name,
          { stringValue: value, dataType: 'String', stringListValues: [], binaryListValues: [] },
        ]),
      ),
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: `arn:aws:sqs:${region}:${account}:${this.queue.name}`,
      awsRegion: region,
    };
  }

  private context(): Context {
    const { functionName, timeoutMs, memoryMb, region, account } = this.options;
    const deadline = Date.now() + timeoutMs;
    return {
      callbackWaitsForEmptyEventLoop: false,
      functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${region}:${account}:function:${functionName}`,
      memoryLimitInMB: String(memoryMb),
      awsRequestId: randomUUID(),
      logGroupName: `/aws/lambda/${functionName}`,
      logStreamName: 'local',
      getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      done: () => undefined,
      fail: () => undefined,
      succeed: () => undefined,
    };
  }
}

/** Lambda stops a function at its timeout; the batch then fails as a whole. */
async function withTimeout<T>(work: Promise<T>, timeoutMs: number, functionName: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${functionName} timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

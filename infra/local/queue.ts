/**
 * A local SQS standard queue: a received message is invisible while its handler runs and, if
 * not deleted, comes back one visibility timeout after the handler let go of it (on AWS the
 * function timeout is always shorter than the visibility timeout, so a message never comes
 * back while still being processed; locally timeouts are scaled down, so the timer starts on
 * release to keep that invariant); each receive counts; a message received maxReceiveCount times and
 * still not deleted moves to the dead-letter queue on its next receive, as SQS's redrive policy
 * does. A DLQ entry keeps the last error seen for it, so `alex dlq list` can say why.
 */
import { randomUUID } from 'node:crypto';

export interface QueueMessage {
  messageId: string;
  body: string;
  sentAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  /** String message attributes (reason, sourceQueue… on dead letters). */
  attributes: Record<string, string>;
  /** Typed message attributes a client sent with SendMessage, as SQS's JSON protocol carries them. */
  messageAttributes?: Record<string, TypedAttribute>;
  /** AWSTraceHeader, when the sender gave one. */
  traceHeader?: string;
  lastError?: string;
  /** A delayed message becomes visible at this time (epoch ms). */
  notBefore?: number;
}

export interface TypedAttribute {
  DataType: string;
  StringValue?: string;
  /** Base64, as on the wire. */
  BinaryValue?: string;
}

export interface QueueOptions {
  visibilityTimeoutMs: number;
  maxReceiveCount: number;
  deadLetterQueue?: LocalQueue;
  /** When set, receives pick messages in random order (SQS standard queues promise no order). */
  random?: () => number;
}

export type SendExtras = Pick<QueueMessage, 'messageAttributes' | 'traceHeader'>;

export interface ReceivedMessage {
  message: QueueMessage;
  receiptHandle: string;
}

export class LocalQueue {
  private ready: QueueMessage[] = [];
  private readonly inFlight = new Map<string, { message: QueueMessage; timer?: NodeJS.Timeout }>();
  private readonly listeners = new Set<() => void>();
  private closed = false;

  constructor(
    readonly name: string,
    readonly options: QueueOptions,
  ) {}

  /** Sends a message; with `delayMs` it stays invisible that long first (SQS DelaySeconds). */
  send(body: string, attributes: Record<string, string> = {}, delayMs = 0, extra: SendExtras = {}): string {
    const message: QueueMessage = {
      messageId: randomUUID(),
      body,
      sentAt: Date.now(),
      receiveCount: 0,
      attributes,
      ...extra,
    };
    if (delayMs > 0) {
      message.notBefore = Date.now() + delayMs;
      this.delay(message);
    } else this.enqueue(message);
    return message.messageId;
  }

  private readonly delayed = new Map<QueueMessage, NodeJS.Timeout>();

  private delay(message: QueueMessage): void {
    const timer = setTimeout(
      () => {
        this.delayed.delete(message);
        if (!this.closed) this.enqueue(message);
      },
      Math.max(0, (message.notBefore ?? 0) - Date.now()),
    );
    timer.unref();
    this.delayed.set(message, timer);
  }

  /** Re-adds a message as it was (restoring persisted state, redriving a DLQ). */
  enqueue(message: QueueMessage): void {
    if (message.notBefore && message.notBefore > Date.now() && !this.delayed.has(message)) {
      this.delay(message);
      return;
    }
    this.ready.push(message);
    this.notify();
  }

  receive(max: number): ReceivedMessage[] {
    const received: ReceivedMessage[] = [];
    while (received.length < max && this.ready.length > 0) {
      const index = this.options.random ? Math.floor(this.options.random() * this.ready.length) : 0;
      const message = this.ready.splice(index, 1)[0]!;
      const { deadLetterQueue, maxReceiveCount } = this.options;
      if (deadLetterQueue && message.receiveCount >= maxReceiveCount) {
        deadLetterQueue.enqueue({
          ...message,
          attributes: {
            ...message.attributes,
            sourceQueue: this.name,
            reason:
              message.attributes.reason ??
              `received ${message.receiveCount} times without success: ${message.lastError ?? 'no error recorded'}`,
          },
        });
        continue;
      }
      message.receiveCount += 1;
      message.firstReceivedAt ??= Date.now();
      const receiptHandle = randomUUID();
      this.inFlight.set(receiptHandle, { message });
      received.push({ message, receiptHandle });
    }
    return received;
  }

  delete(receiptHandle: string): boolean {
    const entry = this.inFlight.get(receiptHandle);
    if (!entry) return false;
    clearTimeout(entry.timer);
    this.inFlight.delete(receiptHandle);
    this.notify();
    return true;
  }

  /**
   * Makes an in-flight message visible again after `ms` (0: now), as ChangeMessageVisibility and
   * a client's ReceiveMessage do; false when the handle is not in flight.
   */
  changeVisibility(receiptHandle: string, ms: number): boolean {
    const entry = this.inFlight.get(receiptHandle);
    if (!entry) return false;
    clearTimeout(entry.timer);
    entry.timer = setTimeout(() => this.returnToQueue(receiptHandle), ms);
    entry.timer.unref();
    return true;
  }

  /**
   * The handler failed this message: note why, and let it come back after the visibility
   * timeout, as SQS does with a batch item failure.
   */
  release(receiptHandle: string, error: string): void {
    const entry = this.inFlight.get(receiptHandle);
    if (!entry || entry.timer) return;
    entry.message.lastError = error.slice(0, 2000);
    entry.timer = setTimeout(() => this.returnToQueue(receiptHandle), this.options.visibilityTimeoutMs);
    entry.timer.unref();
  }

  /** Removes and returns every message (for redrive and persistence). */
  takeAll(): QueueMessage[] {
    const all = this.peekAll();
    for (const { timer } of this.inFlight.values()) clearTimeout(timer);
    for (const timer of this.delayed.values()) clearTimeout(timer);
    this.inFlight.clear();
    this.delayed.clear();
    this.ready = [];
    this.notify();
    return all;
  }

  peekAll(): QueueMessage[] {
    return [...this.ready, ...[...this.inFlight.values()].map((entry) => entry.message), ...this.delayed.keys()];
  }

  get visibleCount(): number {
    return this.ready.length;
  }

  get inFlightCount(): number {
    return this.inFlight.size;
  }

  get isEmpty(): boolean {
    return this.ready.length === 0 && this.inFlight.size === 0;
  }

  /** Messages sent with a delay that are not visible yet (not counted by isEmpty). */
  get delayedCount(): number {
    return this.delayed.size;
  }

  /** Called whenever messages become visible or a message leaves. */
  onChange(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.closed = true;
    for (const { timer } of this.inFlight.values()) clearTimeout(timer);
    for (const timer of this.delayed.values()) clearTimeout(timer);
  }

  private returnToQueue(receiptHandle: string): void {
    const entry = this.inFlight.get(receiptHandle);
    if (!entry || this.closed) return;
    this.inFlight.delete(receiptHandle);
    this.ready.push(entry.message);
    this.notify();
  }

  private notify(): void {
    for (const listener of this.listeners) listener();
  }
}

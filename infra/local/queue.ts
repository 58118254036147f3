/**
 * A local SQS standard queue: a received message is invisible while its handler runs and, if
 * not deleted, comes back one visibility timeout after the handler let go of it (on AWS the
 * function timeout is always shorter than the visibility timeout, so a message never comes
 * back while still being processed; locally timeouts are scaled down, so the timer starts on
 * release to keep that invariant); each receive counts; a message received maxReceiveCount times and
 * still not deleted moves to the dead-letter queue on its next receive, as SQS's redrive policy
 * does. A DLQ entry keeps the last error seen for it, so `alex dlq list` can say why.
 * With a store (queue-journal.ts), a message is on disk before `send` returns, and every change
 * to it is recorded, so a killed process loses nothing it accepted.
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

/** Where a durable queue records what happens to its messages (queue-journal.ts). */
export interface QueueStore {
  /** A message was accepted; it must be durable when this returns. */
  put(queue: string, message: QueueMessage): void;
  delete(queue: string, messageId: string): void;
  /** The message's receive count (and first receive time) changed. */
  received(queue: string, message: QueueMessage): void;
  /** The message's last error changed. */
  failed(queue: string, message: QueueMessage): void;
}

export interface QueueOptions {
  visibilityTimeoutMs: number;
  maxReceiveCount: number;
  deadLetterQueue?: LocalQueue;
  /** When set, receives pick messages in random order (SQS standard queues promise no order). */
  random?: () => number;
  store?: QueueStore;
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
    if (delayMs > 0) message.notBefore = Date.now() + delayMs;
    this.enqueue(message);
    return message.messageId;
  }

  private readonly delayed = new Map<QueueMessage, NodeJS.Timeout>();

  private delay(message: QueueMessage): void {
    const timer = setTimeout(
      () => {
        this.delayed.delete(message);
        if (!this.closed) this.place(message);
      },
      Math.max(0, (message.notBefore ?? 0) - Date.now()),
    );
    timer.unref();
    this.delayed.set(message, timer);
  }

  /** Accepts a message as it is (redriving a DLQ, a dead letter); durable when it returns. */
  enqueue(message: QueueMessage): void {
    this.options.store?.put(this.name, message);
    this.place(message);
  }

  /** Puts back a message read from the store when a home is opened (not recorded again). */
  restore(message: QueueMessage): void {
    this.place(message);
  }

  private place(message: QueueMessage): void {
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
        // Put before delete: a crash between them leaves a duplicate, never a loss.
        this.options.store?.delete(this.name, message.messageId);
        continue;
      }
      message.receiveCount += 1;
      message.firstReceivedAt ??= Date.now();
      this.options.store?.received(this.name, message);
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
    this.options.store?.delete(this.name, entry.message.messageId);
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
    this.options.store?.failed(this.name, entry.message);
    entry.timer = setTimeout(() => this.returnToQueue(receiptHandle), this.options.visibilityTimeoutMs);
    entry.timer.unref();
  }

  /** Removes and returns every message (for redrive). */
  takeAll(): QueueMessage[] {
    const all = this.peekAll();
    for (const message of all) this.options.store?.delete(this.name, message.messageId);
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

/**
 * The publisher port on Amazon EventBridge. Details are validated against the catalog and sized
 * before anything is sent, so a bad or oversized event fails the producer without a partial
 * publish. PutEvents can accept some entries of a request and refuse others; the SDK retries
 * whole HTTP requests (throttling, 5xx) but not those per-entry failures, so this adapter resends
 * only the refused entries, with backoff.
 */
import {
  type EventBridgeClient,
  PutEventsCommand,
  type PutEventsRequestEntry,
  type PutEventsResultEntry,
} from '@aws-sdk/client-eventbridge';
import { InvalidInputError, RetryableError } from './errors.ts';
import { type EventPublisher, type OutgoingEvent, toBusEntry } from './publisher.ts';

/** PutEvents quota: entries per request. */
export const MAX_ENTRIES_PER_REQUEST = 10;
/** PutEvents quota: bytes per entry, and for all entries of one request together. */
export const MAX_REQUEST_BYTES = 262_144;

export interface EventBridgePublisherOptions {
  client: EventBridgeClient;
  eventBusName: string;
  /** Sends of a refused entry before giving up, the first one included. Default 4. */
  maxAttempts?: number;
  /** First retry waits up to this long, doubling each time (full jitter). Default 100 ms. */
  baseDelayMs?: number;
}

/** Some entries were still refused by EventBridge after every attempt: the record is retried later. */
export class PublishFailedError extends RetryableError {
  override readonly name = 'PublishFailedError';
  constructor(
    message: string,
    readonly failures: readonly EntryFailure[],
  ) {
    super(message);
  }
}

export interface EntryFailure {
  detailType: string;
  source: string;
  errorCode: string;
  errorMessage: string;
}

export class EventBridgePublisher implements EventPublisher {
  private readonly client: EventBridgeClient;
  private readonly eventBusName: string;
  private readonly maxAttempts: number;
  private readonly baseDelayMs: number;

  constructor(options: EventBridgePublisherOptions) {
    this.client = options.client;
    this.eventBusName = options.eventBusName;
    this.maxAttempts = options.maxAttempts ?? 4;
    this.baseDelayMs = options.baseDelayMs ?? 100;
    if (!Number.isInteger(this.maxAttempts) || this.maxAttempts < 1) {
      throw new InvalidInputError(`maxAttempts: must be a whole number of at least 1 (got ${options.maxAttempts})`);
    }
  }

  async publish(events: readonly OutgoingEvent[]): Promise<void> {
    const entries = events.map((event) => this.toRequestEntry(event));
    let pending = entries;
    let failures: EntryFailure[] = [];
    for (let attempt = 1; attempt <= this.maxAttempts && pending.length > 0; attempt++) {
      if (attempt > 1) await sleep(this.backoffMs(attempt - 1));
      const refused: PutEventsRequestEntry[] = [];
      failures = [];
      for (const chunk of chunksOf(pending)) {
        const response = await this.client.send(new PutEventsCommand({ Entries: chunk }));
        if ((response.FailedEntryCount ?? 0) === 0) continue;
        // Result entries line up with request entries by position; that is the only link.
        chunk.forEach((entry, index) => {
          const result = response.Entries?.[index];
          if (isRefused(result)) {
            refused.push(entry);
            failures.push(describeFailure(entry, result));
          }
        });
      }
      pending = refused;
    }
    if (pending.length > 0) {
      const list = failures.map((f) => `${f.detailType} from ${f.source}: ${f.errorCode} (${f.errorMessage})`);
      throw new PublishFailedError(
        `EventBridge refused ${pending.length} of ${entries.length} events on bus ${this.eventBusName} ` +
          `after ${this.maxAttempts} attempts: ${list.join('; ')}`,
        failures,
      );
    }
  }

  private toRequestEntry(event: OutgoingEvent): PutEventsRequestEntry {
    const entry = toBusEntry(event);
    const request: PutEventsRequestEntry = {
      EventBusName: this.eventBusName,
      Source: entry.source,
      DetailType: entry.detailType,
      Detail: entry.detail,
      Resources: entry.resources,
      Time: entry.time,
    };
    const size = entrySize(request);
    if (size > MAX_REQUEST_BYTES) {
      throw new InvalidInputError(
        `${entry.detailType} event from ${entry.source} is ${size} bytes; EventBridge accepts at most ` +
          `${MAX_REQUEST_BYTES} bytes per entry (store the bulk elsewhere and send a reference)`,
      );
    }
    return request;
  }

  private backoffMs(retry: number): number {
    return Math.random() * this.baseDelayMs * 2 ** (retry - 1);
  }
}

/**
 * Entry size as EventBridge counts it ("Calculating PutEvents event entry size"): 14 bytes for
 * Time when present, plus the UTF-8 bytes of Source, DetailType, Detail and each resource.
 * EventBusName and TraceHeader do not count.
 */
export function entrySize(entry: PutEventsRequestEntry): number {
  const utf8 = (text: string | undefined) => (text === undefined ? 0 : Buffer.byteLength(text, 'utf8'));
  return (
    (entry.Time === undefined ? 0 : 14) +
    utf8(entry.Source) +
    utf8(entry.DetailType) +
    utf8(entry.Detail) +
    (entry.Resources ?? []).reduce((total, resource) => total + utf8(resource), 0)
  );
}

/** Splits entries into requests within both the count and the total-size quota, keeping order. */
export function chunksOf(entries: readonly PutEventsRequestEntry[]): PutEventsRequestEntry[][] {
  const chunks: PutEventsRequestEntry[][] = [];
  let current: PutEventsRequestEntry[] = [];
  let currentBytes = 0;
  for (const entry of entries) {
    const size = entrySize(entry);
    if (current.length === MAX_ENTRIES_PER_REQUEST || (current.length > 0 && currentBytes + size > MAX_REQUEST_BYTES)) {
      chunks.push(current);
      current = [];
      currentBytes = 0;
    }
    current.push(entry);
    currentBytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

function isRefused(result: PutEventsResultEntry | undefined): boolean {
  return result?.EventId === undefined || result.ErrorCode !== undefined;
}

function describeFailure(entry: PutEventsRequestEntry, result: PutEventsResultEntry | undefined): EntryFailure {
  return {
    detailType: entry.DetailType ?? '',
    source: entry.Source ?? '',
    errorCode: result?.ErrorCode ?? 'MissingResult',
    errorMessage: result?.ErrorMessage ?? 'no result entry came back for this event',
  };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

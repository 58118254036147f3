/**
 * The local event bus: wraps each entry in the EventBridge envelope, archives it, and delivers
 * the envelope's JSON text to every rule whose pattern matches, evaluated with EventBridge's
 * pattern language (event-pattern.ts) through an index, so an event is tested only against the
 * rules that can match it.
 */
import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '#events/envelope.ts';
import { InvalidInputError } from '#events/errors.ts';
import { entrySize, MAX_REQUEST_BYTES } from '#events/eventbridge-publisher.ts';
import type { BusEntry, EventPublisher, OutgoingEvent } from '#events/publisher.ts';
import { toBusEntry } from '#events/publisher.ts';
import type { EventArchive } from './archive.ts';
import { type CompiledPattern, compilePattern, RuleIndex } from './event-pattern.ts';

export interface LocalRule {
  name: string;
  pattern: CompiledPattern;
  deliver: (eventJson: string) => void;
}

export interface PutOptions {
  /** Set on replayed events, as EventBridge does; replayed events are not archived again. */
  replayName?: string;
  /** Deliver only to these rules (a replay aimed at some rules). */
  ruleNames?: readonly string[];
}

export class LocalBus {
  private readonly rules: LocalRule[] = [];
  private readonly index = new RuleIndex<LocalRule>();
  private readonly listeners = new Set<(envelope: EventEnvelope) => void>();

  constructor(
    readonly options: {
      name: string;
      account: string;
      region: string;
      archive?: EventArchive;
      /** Runs a put's deliveries as one unit (durable queues sync once for all of them). */
      batch?: <T>(work: () => T) => T;
    },
  ) {}

  addRule(name: string, pattern: unknown, deliver: (eventJson: string) => void): void {
    const rule: LocalRule = { name, pattern: compilePattern(pattern), deliver };
    this.rules.push(rule);
    this.index.add(rule, rule.pattern);
  }

  get ruleNames(): string[] {
    return this.rules.map((rule) => rule.name);
  }

  /**
   * Puts entries on the bus; returns the envelopes as delivered. Entries EventBridge would
   * refuse (see checkBusEntry) throw before any entry is put, so a refused call archives and
   * delivers nothing; EventBridge would instead fail only those entries of the request.
   */
  put(entries: readonly BusEntry[], options: PutOptions = {}): EventEnvelope[] {
    const details = entries.map((entry, index) =>
      checkBusEntry(entry, entries.length > 1 ? `entry[${index}]` : 'entry'),
    );
    const batch = this.options.batch ?? ((work) => work());
    return batch(() =>
      entries.map((entry, index) =>
        this.putEnvelope(
          {
            version: '0',
            id: entry.id ?? randomUUID(),
            'detail-type': entry.detailType,
            source: entry.source,
            account: this.options.account,
            time: entry.time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
            region: this.options.region,
            resources: entry.resources,
            detail: details[index],
          },
          options,
        ),
      ),
    );
  }

  /** Puts an envelope as it is (a replay of an archived event, or an event from a file). */
  putEnvelope(envelope: EventEnvelope, options: PutOptions = {}): EventEnvelope {
    const delivered: EventEnvelope = options.replayName ? { ...envelope, 'replay-name': options.replayName } : envelope;
    const json = JSON.stringify(delivered);
    if (!options.replayName) this.options.archive?.append(json);
    const batch = this.options.batch ?? ((work) => work());
    batch(() => {
      // In the order the rules were added, as before the index.
      for (const rule of this.index.matching(delivered)) {
        if (options.ruleNames && !options.ruleNames.includes(rule.name)) continue;
        rule.deliver(json);
      }
    });
    for (const listener of this.listeners) listener(delivered);
    return delivered;
  }

  subscribe(listener: (envelope: EventEnvelope) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** The publisher port's local adapter: the same validation as EventBridge, then the local bus. */
export class LocalBusPublisher implements EventPublisher {
  constructor(private readonly bus: LocalBus) {}

  async publish(events: readonly OutgoingEvent[]): Promise<void> {
    const entries = events.map(toBusEntry);
    this.bus.put(entries);
  }
}

/** PutEvents processes JSON nested up to this many levels deep. */
export const MAX_DETAIL_DEPTH = 1100;

/** The checks PutEvents makes on each entry, with what to do about a failure; returns the parsed detail. */
export function checkBusEntry(entry: BusEntry, what = 'entry'): Record<string, unknown> {
  if (typeof entry.source !== 'string' || entry.source.trim() === '') {
    throw new InvalidInputError(
      `${what}.Source: is required (EventBridge fails an entry without Source, DetailType and Detail)`,
    );
  }
  if (typeof entry.detailType !== 'string' || entry.detailType.trim() === '') {
    throw new InvalidInputError(
      `${what}.DetailType: is required (EventBridge fails an entry without Source, DetailType and Detail)`,
    );
  }
  const size = entrySize({
    Source: entry.source,
    DetailType: entry.detailType,
    Detail: entry.detail,
    Resources: entry.resources,
    Time: entry.time,
  });
  if (size > MAX_REQUEST_BYTES) {
    throw new InvalidInputError(
      `${what}: ${entry.detailType} event from ${entry.source} is ${size} bytes; EventBridge accepts at most ` +
        `${MAX_REQUEST_BYTES} bytes per entry (store the bulk elsewhere and send a reference)`,
    );
  }
  let detail: unknown;
  try {
    detail = JSON.parse(entry.detail);
  } catch (error) {
    throw new InvalidInputError(`${what}.Detail: is not valid JSON (MalformedDetail): ${(error as Error).message}`);
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
    const got = detail === null ? 'null' : Array.isArray(detail) ? 'an array' : `a ${typeof detail}`;
    throw new InvalidInputError(
      `${what}.Detail: must be a JSON object, not ${got} (EventBridge refuses it as MalformedDetail)`,
    );
  }
  if (depthExceeds(detail, MAX_DETAIL_DEPTH)) {
    throw new InvalidInputError(
      `${what}.Detail: is nested more than ${MAX_DETAIL_DEPTH} levels deep; EventBridge processes at most ${MAX_DETAIL_DEPTH}`,
    );
  }
  return detail as Record<string, unknown>;
}

/** Whether JSON nests deeper than `limit`; iterative, since the input may be hostile. */
function depthExceeds(value: unknown, limit: number): boolean {
  const pending: Array<[unknown, number]> = [[value, 1]];
  while (pending.length > 0) {
    const [current, depth] = pending.pop()!;
    if (typeof current !== 'object' || current === null) continue;
    if (depth > limit) return true;
    for (const item of Object.values(current)) pending.push([item, depth + 1]);
  }
  return false;
}

/**
 * The local event bus: wraps each entry in the EventBridge envelope, archives it, and delivers
 * the envelope's JSON text to every rule whose pattern matches, evaluated with EventBridge's
 * pattern language (event-pattern.ts).
 */
import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '../../events/envelope.ts';
import type { BusEntry, EventPublisher, OutgoingEvent } from '../../events/publisher.ts';
import { toBusEntry } from '../../events/publisher.ts';
import type { EventArchive } from './archive.ts';
import { compilePattern, type CompiledPattern } from './event-pattern.ts';

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
  private readonly listeners = new Set<(envelope: EventEnvelope) => void>();

  constructor(
    readonly options: { name: string; account: string; region: string; archive?: EventArchive },
  ) {}

  addRule(name: string, pattern: unknown, deliver: (eventJson: string) => void): void {
    this.rules.push({ name, pattern: compilePattern(pattern), deliver });
  }

  get ruleNames(): string[] {
    return this.rules.map((rule) => rule.name);
  }

  /** Puts validated entries on the bus; returns the envelopes as delivered. */
  put(entries: readonly BusEntry[], options: PutOptions = {}): EventEnvelope[] {
    return entries.map((entry) =>
      this.putEnvelope(
        {
          version: '0',
          id: randomUUID(),
          'detail-type': entry.detailType,
          source: entry.source,
          account: this.options.account,
          time: entry.time.toISOString().replace(/\.\d{3}Z$/, 'Z'),
          region: this.options.region,
          resources: entry.resources,
          detail: JSON.parse(entry.detail),
        },
        options,
      ),
    );
  }

  /** Puts an envelope as it is (a replay of an archived event, or an event from a file). */
  putEnvelope(envelope: EventEnvelope, options: PutOptions = {}): EventEnvelope {
    const delivered: EventEnvelope = options.replayName ? { ...envelope, 'replay-name': options.replayName } : envelope;
    if (!options.replayName) this.options.archive?.append(delivered);
    const json = JSON.stringify(delivered);
    for (const rule of this.rules) {
      if (options.ruleNames && !options.ruleNames.includes(rule.name)) continue;
      if (rule.pattern.matches(delivered)) rule.deliver(json);
    }
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

/**
 * The publisher port. Services publish catalog events through it; the EventBridge adapter and
 * the local bus adapter implement it. Details are validated against the catalog before they
 * leave, so a bug in a producer fails at the producer, not at every consumer.
 */
import { catalog, type DetailInput, type DetailType } from './catalog.ts';
import { InvalidInputError } from './errors.ts';

export interface OutgoingEvent<D extends DetailType = DetailType> {
  /**
   * A deterministic event id (events/event-id.ts) for an event the outbox may publish more than
   * once. The local bus puts it as the envelope id; EventBridge assigns its own and ignores it.
   */
  id?: string;
  detailType: D;
  source: string;
  detail: DetailInput<D>;
  resources?: string[];
  time?: Date;
}

/** A validated entry, ready for any bus: detail already serialized. */
export interface BusEntry {
  /** The envelope id to use; a fresh one when absent. */
  id?: string;
  detailType: string;
  source: string;
  detail: string;
  resources: string[];
  time: Date;
}

export interface EventPublisher {
  publish(events: readonly OutgoingEvent[]): Promise<void>;
}

export function toBusEntry(event: OutgoingEvent): BusEntry {
  const definition = catalog[event.detailType];
  const detail = InvalidInputError.parse(definition.detail, event.detail, `${event.detailType} detail`);
  return {
    ...(event.id ? { id: event.id } : {}),
    detailType: event.detailType,
    source: event.source,
    detail: JSON.stringify(detail),
    resources: event.resources ?? [],
    time: event.time ?? new Date(),
  };
}

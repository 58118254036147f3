/**
 * Typed emit: `ctx.emit('AnalysisPlanned', detail)`. The source comes from the service's
 * declaration and the version from the catalog, so no handler writes either; a detail-type the
 * service does not declare in `publishes` is refused before anything leaves. The active span's
 * trace context is written into the detail's metadata (services/common/tracing.ts).
 */
import { catalog, type DetailInput, type DetailType } from '#events/catalog.ts';
import type { EventPublisher, OutgoingEvent } from '#events/publisher.ts';
import type { ServiceDeclaration } from './declaration.ts';
import { countOutcome } from './metrics.ts';
import { traceFields } from './tracing.ts';

/** A detail without its `version` (the catalog's is stamped on), for each member of a union. */
export type DetailBody<D extends DetailType> =
  DetailInput<D> extends infer T ? (T extends unknown ? Omit<T, 'version'> : never) : never;

export type Emit = <D extends DetailType>(detailType: D, detail: DetailBody<D>) => Promise<void>;

/** Thrown for an event the service does not declare: a bug in the service, never in its input. */
export class UndeclaredEventError extends Error {
  override name = 'UndeclaredEventError';
}

export function emitterFor(service: ServiceDeclaration, publisher: EventPublisher): Emit {
  return async (detailType, detail) => {
    const event = eventFor(service, detailType, detail);
    await publisher.publish([event]);
    countOutcome(event.source, detailType, event.detail);
  };
}

/**
 * The event `emit` would publish, for a caller that stores it first (the outbox): the source
 * from the declaration, the catalog's version stamped on, an undeclared detail-type refused.
 */
export function eventFor<D extends DetailType>(
  service: ServiceDeclaration,
  detailType: D,
  detail: DetailBody<D>,
): OutgoingEvent<D> {
  if (!service.publishes.includes(detailType)) {
    throw new UndeclaredEventError(
      `${service.name} does not declare that it publishes ${detailType}; add it to publishes in services/${service.name}/service.ts`,
    );
  }
  // The publishing span's trace context travels in the detail, so the consumer continues the trace.
  const full = { version: catalog[detailType].version, ...detail, ...traceFields() } as DetailInput<D>;
  return { detailType, source: service.source, detail: full };
}

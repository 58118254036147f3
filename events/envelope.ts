/**
 * The EventBridge envelope around every detail, and how a consumer reads one out of an SQS
 * message body: either an envelope delivered by a rule, or a bare detail sent with SendMessage.
 */
import * as z from 'zod';
import { catalog, type Detail, type DetailType } from './catalog.ts';
import { formatPath, InvalidInputError, NUL_CHARACTER_PROBLEM, pathToNulCharacter } from './errors.ts';
import { refuseSource } from './provenance.ts';

export const EventEnvelope = z.object({
  version: z.string().default('0'),
  id: z.string(),
  'detail-type': z.string(),
  source: z.string(),
  account: z.string(),
  time: z.iso.datetime({ offset: true }),
  region: z.string(),
  resources: z.array(z.string()).default([]),
  detail: z.unknown(),
  'replay-name': z.string().optional(),
});
export type EventEnvelope = z.infer<typeof EventEnvelope>;

export interface TypedEnvelope<D extends DetailType> extends Omit<EventEnvelope, 'detail' | 'detail-type'> {
  'detail-type': D;
  detail: Detail<D>;
}

/** Parses text as JSON, or says plainly that it is not JSON (or holds text nothing can store). */
export function parseJson(text: string, what: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new InvalidInputError(`${what} is not valid JSON: ${(error as Error).message}`);
  }
  const nul = pathToNulCharacter(value);
  if (nul) throw new InvalidInputError(`${what}${formatPath(nul)}: ${NUL_CHARACTER_PROBLEM}`);
  return value;
}

/** Validates the detail of an envelope against the catalog entry of its detail-type. */
export function parseEnvelope<D extends DetailType>(raw: unknown, accepted: readonly D[]): TypedEnvelope<D> {
  const envelope = InvalidInputError.parse(EventEnvelope, raw, 'event');
  const detailType = envelope['detail-type'] as D;
  if (!accepted.includes(detailType)) {
    throw new InvalidInputError(
      `event: detail-type "${envelope['detail-type']}" is not one this consumer handles (expected ${accepted.join(' or ')})`,
    );
  }
  // A forged internal event (wrong source) goes to the DLQ with its reason before anything reads its detail.
  const forged = refuseSource(detailType, envelope.source);
  if (forged) throw new InvalidInputError(forged);
  const detail = InvalidInputError.parse(catalog[detailType].detail, envelope.detail, `${detailType} detail`);
  return { ...envelope, 'detail-type': detailType, detail: detail as Detail<D> };
}

export function isEnvelope(raw: unknown): raw is { 'detail-type': unknown } {
  return typeof raw === 'object' && raw !== null && 'detail-type' in raw && 'detail' in raw;
}

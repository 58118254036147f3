/**
 * Deterministic event ids. An event that happens once per job (its final announcement) has one
 * id whoever publishes it and however often: a name-based UUID (RFC 9562 version 5, SHA-1) of
 * `<detail-type>/<jobId>`. The outbox stores a row under it, the local bus puts it as the
 * envelope id, and a consumer that sees the same id twice knows it is one event delivered twice.
 * EventBridge assigns its own envelope ids, so there consumers key on what the id is made of.
 */
import { createHash } from 'node:crypto';

/** Alex's namespace for name-based event ids (a fixed random UUID; changing it changes every id). */
export const EVENT_ID_NAMESPACE = 'bdb9d09b-5cf9-4f02-869e-3ed0d465fa54';

export function eventIdOf(detailType: string, jobId: string): string {
  return uuidV5(EVENT_ID_NAMESPACE, `${detailType}/${jobId}`);
}

/** A name-based UUID (version 5) of `name` in `namespace`; exported for its test against RFC values. */
export function uuidV5(namespace: string, name: string): string {
  const bytes = createHash('sha1')
    .update(Buffer.from(namespace.replaceAll('-', ''), 'hex'))
    .update(name, 'utf8')
    .digest()
    .subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

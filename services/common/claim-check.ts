/**
 * The claim-check pattern: a detail field too large for an event travels by reference. The
 * producer stores the field's JSON text under its SHA-256 (`checkIn`) and the event carries
 * `{ sha256, bytes }`; each consumer fetches the text and checks the hash before parsing it
 * (`checkOut`), so a wrong or altered payload is refused, never read. Only large fields go by
 * reference (over CLAIM_CHECK_THRESHOLD_BYTES), so small events, and replays of old ones, stay
 * self-contained. The store is a port: PostgreSQL's `payloads` table (SqlPayloadStore).
 */
import { createHash } from 'node:crypto';
import type * as z from 'zod';
import type { Detail, PayloadRef } from '#events/catalog.ts';
import { InvalidInputError } from '#events/errors.ts';
import { type Snapshot, Snapshot as SnapshotSchema, SpecialistResult } from '#events/values.ts';
import type { SqlExecutor } from './sql-database.ts';

/**
 * A field whose JSON is larger than this goes by reference. Half of EventBridge's and SQS's 256 KiB
 * leaves room for the rest of the detail, the envelope and its metadata; and the aggregator's
 * DynamoDB items, which hold a detail as it arrived, stay well under DynamoDB's 400 KB.
 */
export const CLAIM_CHECK_THRESHOLD_BYTES = 128 * 1024;

/** Payload text by SHA-256. `put` of a stored hash changes nothing (content-addressed). */
export interface PayloadStore {
  put(sha256: string, body: string): Promise<void>;
  get(sha256: string): Promise<string | undefined>;
}

export class SqlPayloadStore implements PayloadStore {
  constructor(private readonly db: () => Promise<SqlExecutor>) {}

  async put(sha256: string, body: string): Promise<void> {
    // No conflict target: naming one (`ON CONFLICT (sha256)`) needs SELECT on the column, which the
    // planner's login does not hold; the key is the table's only unique constraint, so it is the same.
    await (await this.db()).query(
      `INSERT INTO payloads (sha256, body, bytes) VALUES (:sha256, :body, :bytes) ON CONFLICT DO NOTHING`,
      { sha256, body, bytes: Buffer.byteLength(body) },
    );
  }

  async get(sha256: string): Promise<string | undefined> {
    const [row] = await (await this.db()).query<{ body: string }>('SELECT body FROM payloads WHERE sha256 = :sha256', {
      sha256,
    });
    return row?.body;
  }
}

export function requireStore(store: PayloadStore | undefined, service: string): PayloadStore {
  if (!store) throw new Error(`${service} has no claim-check store for a large payload`);
  return store;
}

export function sha256Of(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Stores `value`'s JSON and returns the reference an event carries instead of it. */
export async function checkIn(store: PayloadStore, value: unknown): Promise<PayloadRef> {
  const body = JSON.stringify(value);
  const sha256 = sha256Of(body);
  await store.put(sha256, body);
  return { sha256, bytes: Buffer.byteLength(body) };
}

/**
 * Fetches a referenced payload, checks its hash and size, and parses it with `schema`. A payload
 * that is missing or does not match its reference is refused (the message dead-letters with the
 * reason): retrying would read the same thing.
 */
export async function checkOut<S extends z.ZodType>(
  store: PayloadStore | undefined,
  ref: PayloadRef,
  schema: S,
  what: string,
): Promise<z.output<S>> {
  if (!store) throw new Error(`${what}: travels by reference, and this service has no claim-check store`);
  const body = await store.get(ref.sha256);
  if (body === undefined)
    throw new InvalidInputError(
      `${what}Ref: no stored payload has SHA-256 ${ref.sha256}; it expired or was never stored`,
    );
  const sha256 = sha256Of(body);
  if (sha256 !== ref.sha256 || Buffer.byteLength(body) !== ref.bytes)
    throw new InvalidInputError(
      `${what}Ref: the stored payload does not match its reference (SHA-256 ${sha256}, ${Buffer.byteLength(body)} bytes)`,
    );
  return InvalidInputError.parse(schema, JSON.parse(body), what);
}

/** Whether `value`'s JSON is over the threshold, so it should go by reference. */
export function isLarge(value: unknown): boolean {
  return Buffer.byteLength(JSON.stringify(value)) > CLAIM_CHECK_THRESHOLD_BYTES;
}

/**
 * A SpecialistCompleted with its result inline: fetched, checked and parsed against its task's
 * result schema when it travelled by reference.
 */
export async function completedResult(
  store: PayloadStore | undefined,
  detail: Detail<'SpecialistCompleted'>,
): Promise<Detail<'SpecialistCompleted'> & SpecialistResult> {
  if (detail.result !== undefined) return detail as Detail<'SpecialistCompleted'> & SpecialistResult;
  if (!detail.resultRef) throw new InvalidInputError('SpecialistCompleted detail: has neither result nor resultRef');
  const schema = SpecialistResult.options.find((option) => option.shape.task.value === detail.task)!.shape.result;
  const result = await checkOut(store, detail.resultRef, schema, 'SpecialistCompleted detail.result');
  const { resultRef: _ref, ...rest } = detail;
  return { ...rest, result } as Detail<'SpecialistCompleted'> & SpecialistResult;
}

/** An AnalysisPlanned's snapshot, inline or by reference. */
export function plannedSnapshot(
  store: PayloadStore | undefined,
  detail: { snapshot?: Snapshot; snapshotRef?: PayloadRef },
): Promise<Snapshot> {
  if (detail.snapshot) return Promise.resolve(detail.snapshot);
  if (!detail.snapshotRef) throw new InvalidInputError('AnalysisPlanned detail: has neither snapshot nor snapshotRef');
  return checkOut(store, detail.snapshotRef, SnapshotSchema, 'AnalysisPlanned detail.snapshot');
}

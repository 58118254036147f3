/**
 * The claim-check store against PGlite: a payload is stored under the SHA-256 of its text and
 * read back only when text, hash and size agree; a missing or altered payload is refused with
 * the field named; only a value over the threshold goes by reference.
 */
import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '#events/catalog.ts';
import { InvalidInputError } from '#events/errors.ts';
import { Snapshot } from '#events/values.ts';
import { migrate, migratedTemplate } from '#infra/storage/migrate.ts';
import { openPglite } from '#infra/storage/pglite.ts';
import {
  CLAIM_CHECK_THRESHOLD_BYTES,
  checkIn,
  checkOut,
  completedResult,
  isLarge,
  plannedSnapshot,
  SqlPayloadStore,
} from '#services/common/claim-check.ts';
import type { SqlDatabase } from '#services/common/sql-database.ts';

let db: SqlDatabase;
let store: SqlPayloadStore;
beforeAll(async () => {
  db = await openPglite(undefined, await migratedTemplate());
  await migrate(db);
  store = new SqlPayloadStore(async () => db);
}, 60_000);
afterAll(() => db.close());

const snapshot = Snapshot.parse(catalog.AnalysisPlanned.example.snapshot);

describe('the claim-check store', () => {
  it('stores a value under the SHA-256 of its JSON text, once, and gives it back checked', async () => {
    const text = JSON.stringify(snapshot);
    const ref = await checkIn(store, snapshot);
    // Worked out apart from the module: node's hash of the same text, and its UTF-8 length.
    expect(ref).toEqual({
      sha256: createHash('sha256').update(text).digest('hex'),
      bytes: Buffer.byteLength(text),
    });
    expect(await checkIn(store, snapshot)).toEqual(ref);
    const [{ n }] = (await db.query('SELECT count(*)::int AS n FROM payloads WHERE sha256 = :sha', {
      sha: ref.sha256,
    })) as [{ n: number }];
    expect(n).toBe(1);
    expect(await checkOut(store, ref, Snapshot, 'detail.snapshot')).toEqual(snapshot);
    expect(await plannedSnapshot(store, { snapshotRef: ref })).toEqual(snapshot);
    expect(await plannedSnapshot(undefined, { snapshot })).toBe(snapshot);
  });

  it('refuses a payload that is missing, altered, or of another size, naming the field', async () => {
    const ref = await checkIn(store, { ...snapshot, userId: 'altered-later' });
    await expect(checkOut(store, { ...ref, sha256: 'f'.repeat(64) }, Snapshot, 'detail.snapshot')).rejects.toThrow(
      new InvalidInputError(
        `detail.snapshotRef: no stored payload has SHA-256 ${'f'.repeat(64)}; it expired or was never stored`,
      ),
    );
    await db.query(`UPDATE payloads SET body = replace(body, 'altered-later', 'altered-today') WHERE sha256 = :sha`, {
      sha: ref.sha256,
    });
    await expect(checkOut(store, ref, Snapshot, 'detail.snapshot')).rejects.toThrow(
      /^detail\.snapshotRef: the stored payload does not match its reference/,
    );
    const other = await checkIn(store, snapshot);
    await expect(checkOut(store, { ...other, bytes: other.bytes + 1 }, Snapshot, 'detail.snapshot')).rejects.toThrow(
      /does not match its reference/,
    );
  });

  it('fetches a referenced specialist result and parses it against its task', async () => {
    const example = catalog.SpecialistCompleted.example;
    const ref = await checkIn(store, example.result);
    const { result: _inline, ...withoutResult } = catalog.SpecialistCompleted.detail.parse(example);
    const byReference = catalog.SpecialistCompleted.detail.parse({ ...withoutResult, resultRef: ref });
    const resolved = await completedResult(store, byReference);
    expect(resolved.result).toEqual(catalog.SpecialistCompleted.detail.parse(example).result);
    expect('resultRef' in resolved).toBe(false);
    // The same payload named as another task's result is refused field by field.
    await expect(completedResult(store, { ...byReference, task: 'retirement' } as typeof byReference)).rejects.toThrow(
      /^SpecialistCompleted detail\.result\.\w+/,
    );
  });

  it('sends only values over 128 KiB by reference, and the catalog takes exactly one of value and reference', () => {
    expect(CLAIM_CHECK_THRESHOLD_BYTES).toBe(131_072);
    // {"s":"…"} is 8 bytes around the string.
    expect(isLarge({ s: 'x'.repeat(131_072 - 8) })).toBe(false);
    expect(isLarge({ s: 'x'.repeat(131_072 - 7) })).toBe(true);
    const planned = catalog.AnalysisPlanned.example;
    const ref = { sha256: 'a'.repeat(64), bytes: 10 };
    expect(catalog.AnalysisPlanned.detail.safeParse({ ...planned, snapshotRef: ref }).success).toBe(false);
    const { snapshot: _snapshot, ...bare } = planned;
    expect(catalog.AnalysisPlanned.detail.safeParse(bare).error?.issues[0]?.message).toBe(
      'give exactly one of snapshot and snapshotRef',
    );
    expect(catalog.AnalysisPlanned.detail.safeParse({ ...bare, snapshotRef: ref }).success).toBe(true);
  });
});

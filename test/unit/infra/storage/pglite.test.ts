import { describe, expect, it } from 'vitest';
import { openPglite, postgresTimestampToIso } from '#infra/storage/pglite.ts';
import { describeSqlDatabaseContract } from './sql-database-contract.ts';

describeSqlDatabaseContract(
  'PGlite',
  () => openPglite(),
  (db) => {
    it('refuses db.query inside db.transaction, which would otherwise hang on the single connection', async () => {
      await expect(db().transaction(() => db().query('SELECT 1 AS one'))).rejects.toThrow(
        'db.query() called inside db.transaction(): use the tx executor passed to the work function',
      );
      expect(await db().query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    });

    it("runs in UTC, Aurora's default: a timestamp without zone reads back at the same instant", async () => {
      expect(await db().query('SHOW TimeZone')).toEqual([{ TimeZone: 'UTC' }]);
      const [row] = await db().query<{ local: string }>(
        "SELECT (TIMESTAMPTZ '2026-11-21 23:30:00+00')::timestamp::text AS local",
      );
      expect(row!.local).toBe('2026-11-21 23:30:00');
    });
  },
);

describe('postgresTimestampToIso', () => {
  it('reads PostgreSQL timestamp text, with or without an offset, as UTC ISO 8601', () => {
    expect(postgresTimestampToIso('2026-11-21 09:30:00+00')).toBe('2026-11-21T09:30:00.000Z');
    expect(postgresTimestampToIso('2026-11-21 09:30:00.123456+00')).toBe('2026-11-21T09:30:00.123Z');
    expect(postgresTimestampToIso('2026-11-21 15:00:00+05:30')).toBe('2026-11-21T09:30:00.000Z');
    expect(postgresTimestampToIso('2026-11-21 09:30:00.5')).toBe('2026-11-21T09:30:00.500Z');
  });

  it('returns values ISO 8601 cannot carry as PostgreSQL wrote them', () => {
    expect(postgresTimestampToIso('infinity')).toBe('infinity');
    expect(postgresTimestampToIso('0044-03-15 12:00:00+00 BC')).toBe('0044-03-15 12:00:00+00 BC');
  });
});

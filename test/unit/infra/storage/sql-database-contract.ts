/**
 * The behaviour every SqlDatabase adapter must share, run against PGlite directly and against
 * DataApiDatabase through the real RDSDataClient. Services write SQL once, so any difference
 * between the adapters found here would be a bug that only shows in production.
 */
import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvalidInputError } from '#events/errors.ts';
import { migrate } from '#infra/storage/migrate.ts';
import { json, type SqlDatabase, timestamp } from '#services/common/sql-database.ts';

const JOB_ID = '3f0c6c2e-8a55-4a4f-9d43-1c1f4b3d6a10';
/** Every migration file in the folder, in name order: the order they must be applied in. */
const MIGRATION_FILES = readdirSync(new URL('../../../../schemas/migrations/', import.meta.url))
  .filter((name) => /^\d{4}_.+\.sql$/.test(name))
  .sort();

/**
 * `more` adds adapter-specific tests on the same database (a PGlite start costs seconds); the
 * migrated schema and the `probe` table exist when they run.
 */
export function describeSqlDatabaseContract(
  adapter: string,
  open: () => Promise<SqlDatabase>,
  more?: (db: () => SqlDatabase) => void,
) {
  describe(`SqlDatabase contract: ${adapter}`, () => {
    let db: SqlDatabase;
    let firstRun: string[];

    beforeAll(async () => {
      db = await open();
      firstRun = await migrate(db);
      await db.query(
        `CREATE TABLE probe (
           id text PRIMARY KEY, s text, i bigint, n numeric, f double precision, b boolean,
           j jsonb, t timestamptz, u uuid
         )`,
      );
    });
    afterAll(async () => {
      await db?.close();
    });

    describe('migrations', () => {
      it('apply every file once and record it', async () => {
        expect(MIGRATION_FILES.slice(0, 2)).toEqual(['0001_init.sql', '0002_service_roles.sql']);
        expect(firstRun).toEqual(MIGRATION_FILES);
        const recorded = await db.query('SELECT name, checksum FROM schema_migrations ORDER BY name');
        expect(recorded).toEqual(
          MIGRATION_FILES.map((name) => ({ name, checksum: expect.stringMatching(/^[0-9a-f]{64}$/) })),
        );
        const tables = await db.query<{ table_name: string }>(
          `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name`,
        );
        // The tables of the first migrations; later ones add their own (their tests say which).
        expect(tables.map((t) => t.table_name)).toEqual(
          expect.arrayContaining([
            'accounts',
            'analyses',
            'instruments',
            'jobs',
            'model_calls',
            'positions',
            'probe',
            'schema_migrations',
            'users',
          ]),
        );
      });

      it('are idempotent: running again applies nothing', async () => {
        expect(await migrate(db)).toEqual([]);
        expect(await db.query('SELECT count(*) AS n FROM schema_migrations')).toEqual([{ n: MIGRATION_FILES.length }]);
      });

      it('refuse a migration edited after it was applied', async () => {
        await expect(migrate(db, [{ name: '0001_init.sql', sql: 'CREATE TABLE sneaky (id int);' }])).rejects.toThrow(
          /0001_init\.sql changed after it was applied/,
        );
      });

      it('roll back a failing file entirely, naming the statement', async () => {
        const broken = {
          name: '0002_broken.sql',
          sql: 'CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table;',
        };
        await expect(migrate(db, [broken])).rejects.toThrow(/0002_broken\.sql, statement 2 failed/);
        expect(await db.query(`SELECT to_regclass('half_done')::text AS t`)).toEqual([{ t: null }]);
        expect(await db.query(`SELECT name FROM schema_migrations WHERE name = '0002_broken.sql'`)).toEqual([]);
      });

      it('build a schema that enforces its constraints', async () => {
        await db.query(
          `INSERT INTO users (id, name, birth_year, goals) VALUES ('u-constraints', 'Ada', 1970, :goals)`,
          {
            goals: json({ retirementAge: 65 }),
          },
        );
        await expect(
          db.query(
            `INSERT INTO accounts (user_id, id, name, type, cash) VALUES ('u-constraints', 'a', 'A', 'taxable', -1)`,
          ),
        ).rejects.toThrow(/accounts_cash_check/);
        await expect(
          db.query(
            `INSERT INTO positions (user_id, account_id, symbol, quantity) VALUES ('u-constraints', 'nope', 'VTI', 1)`,
          ),
        ).rejects.toThrow(/foreign key/);
        await expect(
          db.query(`INSERT INTO jobs (id, user_id, status) VALUES (:id::uuid, 'u', 'bogus')`, { id: JOB_ID }),
        ).rejects.toThrow(/jobs_status_check/);
      });

      it('store a job, its analysis and a model call with defaults filled in', async () => {
        await db.query(
          `INSERT INTO jobs (id, user_id, status, tasks, requested_at) VALUES (:id::uuid, 'u-1', 'planning', :tasks, :at)`,
          { id: JOB_ID, tasks: json(['report', 'charts']), at: timestamp('2026-11-21T09:30:00.000Z') },
        );
        await db.query(
          `INSERT INTO analyses (job_id, user_id, status, result) VALUES (:id::uuid, 'u-1', 'completed', :result)`,
          {
            id: JOB_ID,
            result: json({ jobId: JOB_ID, charts: [] }),
          },
        );
        const [call] = await db.query(
          `INSERT INTO model_calls (job_id, service, model, purpose, prompt_sha256, latency_ms)
           VALUES (:id::uuid, 'reporter', 'offline', 'write-report', :hash, 12) RETURNING id, verdicts, created_at`,
          { id: JOB_ID, hash: 'a'.repeat(64) },
        );
        expect(call).toEqual({ id: expect.any(Number), verdicts: [], created_at: expect.stringMatching(/Z$/) });
        const [job] = await db.query(
          `SELECT j.id, j.tasks, j.requested_at, a.result FROM jobs j JOIN analyses a ON a.job_id = j.id`,
        );
        expect(job).toEqual({
          id: JOB_ID,
          tasks: ['report', 'charts'],
          requested_at: '2026-11-21T09:30:00.000Z',
          result: { jobId: JOB_ID, charts: [] },
        });
      });
    });

    describe('parameters and rows', () => {
      it('round-trips every parameter type to the row contract', async () => {
        await db.query(
          'INSERT INTO probe (id, s, i, n, f, b, j, t, u) VALUES (:id, :s, :i, :n, :f, :b, :j, :t, :u::uuid)',
          {
            id: 'all-types',
            s: "O'Brien: 100%",
            i: 9_007_199_254_740_991,
            n: 1234.5678,
            f: 0.1,
            b: true,
            j: json({ weights: { equity: 60, cash: 40 }, tags: ['a', 'b'], none: null }),
            t: timestamp('2026-11-21T09:30:00.123Z'),
            u: JOB_ID,
          },
        );
        const rows = await db.query('SELECT s, i, n, f, b, j, t, u FROM probe WHERE id = :id', { id: 'all-types' });
        expect(rows).toEqual([
          {
            s: "O'Brien: 100%",
            i: 9_007_199_254_740_991,
            n: 1234.5678,
            f: 0.1,
            b: true,
            j: { weights: { equity: 60, cash: 40 }, tags: ['a', 'b'], none: null },
            t: '2026-11-21T09:30:00.123Z',
            u: JOB_ID,
          },
        ]);
      });

      it('stores null parameters as NULL and returns null', async () => {
        await db.query('INSERT INTO probe (id, s, n, j, t) VALUES (:id, :s, :n, :j, :t)', {
          id: 'nulls',
          s: null,
          n: null,
          j: null,
          t: null,
        });
        expect(await db.query('SELECT s, n, j, t FROM probe WHERE id = :id', { id: 'nulls' })).toEqual([
          { s: null, n: null, j: null, t: null },
        ]);
      });

      it('keeps jsonb values as JSON, never double-encoded', async () => {
        const [row] = await db.query(
          `SELECT :obj::jsonb -> 'a' AS a, :text::jsonb AS text, :list::jsonb AS list, :obj::jsonb ->> 'k' AS k`,
          {
            obj: json({ a: { b: [1, 2] }, k: 'v' }),
            text: json('hello'),
            list: json([1, 'two']),
          },
        );
        expect(row).toEqual({ a: { b: [1, 2] }, text: 'hello', list: [1, 'two'], k: 'v' });
      });

      it('returns numeric, bigint and count(*) as numbers', async () => {
        const [row] = await db.query(
          'SELECT 0.1::numeric + 0.2::numeric AS exact, count(*) AS n, 10::int8 * 3 AS big, 2.5::float8 AS f FROM probe WHERE id = :id',
          {
            id: 'all-types',
          },
        );
        expect(row).toEqual({ exact: 0.3, n: 1, big: 30, f: 2.5 });
      });

      it('returns timestamps as ISO 8601 in UTC', async () => {
        const [row] = await db.query(
          `SELECT '2026-11-21 10:30:00+01'::timestamptz AS zoned, '2026-11-21 09:30:00.5'::timestamp AS plain, now() AS now, :at::timestamptz + interval '1 day' AS later`,
          { at: timestamp(new Date(Date.UTC(2026, 0, 31, 23, 59, 59, 999))) },
        );
        expect(row).toEqual({
          zoned: '2026-11-21T09:30:00.000Z',
          plain: '2026-11-21T09:30:00.500Z',
          now: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
          later: '2026-02-01T23:59:59.999Z',
        });
      });

      it('binds a plain string as varchar, as the Data API does: a uuid column needs :id::uuid', async () => {
        await expect(db.query('SELECT u FROM probe WHERE u = :id', { id: JOB_ID })).rejects.toThrow(
          /operator does not exist: uuid = character varying/,
        );
        expect(await db.query('SELECT id FROM probe WHERE u = :id::uuid', { id: JOB_ID })).toEqual([
          { id: 'all-types' },
        ]);
      });
    });

    describe('named parameters', () => {
      it('leaves :name alone inside literals, quoted identifiers and comments, and keeps :: casts', async () => {
        const [row] = await db.query(
          `SELECT ':notParam' AS s, 'it''s :x' AS t, $$:dollar$$ AS d, E'\\':esc' AS e, '{"k":1}'::jsonb AS j,
                  :n::int + 1 AS "col:name" -- :comment
                  /* :block */`,
          { n: 41 },
        );
        expect(row).toEqual({ s: ':notParam', t: "it's :x", d: ':dollar', e: "':esc", j: { k: 1 }, 'col:name': 42 });
      });

      it('binds a repeated name to the same value', async () => {
        expect(await db.query('SELECT :v::int + :v::int AS twice', { v: 21 })).toEqual([{ twice: 42 }]);
      });

      it('rejects a missing parameter, naming it and what was given', async () => {
        const attempt = db.query('SELECT * FROM users WHERE id = :userId AND name = :name', { name: 'Ada' });
        await expect(attempt).rejects.toBeInstanceOf(InvalidInputError);
        await expect(attempt).rejects.toThrow(
          'SQL parameter :userId is missing: the statement uses :userId, :name; given name',
        );
      });

      it('rejects a number that is not finite', async () => {
        await expect(db.query('SELECT :n AS n', { n: Number.NaN })).rejects.toThrow(
          'SQL parameter :n must be a finite number (got NaN)',
        );
      });
    });

    describe('transactions', () => {
      it('commit when the work resolves, returning its value', async () => {
        const result = await db.transaction(async (tx) => {
          await tx.query('INSERT INTO probe (id, n) VALUES (:id, :n)', { id: 'tx-1', n: 1 });
          await tx.query('INSERT INTO probe (id, n) VALUES (:id, :n)', { id: 'tx-2', n: 2 });
          const [sum] = await tx.query<{ total: number }>(`SELECT sum(n) AS total FROM probe WHERE id LIKE 'tx-%'`);
          return sum!.total;
        });
        expect(result).toBe(3);
        expect(await db.query(`SELECT id FROM probe WHERE id LIKE 'tx-%' ORDER BY id`)).toEqual([
          { id: 'tx-1' },
          { id: 'tx-2' },
        ]);
      });

      it('roll back when the work throws, leaving nothing written', async () => {
        const failure = new Error('planner crashed half way');
        await expect(
          db.transaction(async (tx) => {
            await tx.query('INSERT INTO probe (id) VALUES (:id)', { id: 'rolled-back' });
            throw failure;
          }),
        ).rejects.toBe(failure);
        expect(await db.query('SELECT id FROM probe WHERE id = :id', { id: 'rolled-back' })).toEqual([]);
      });

      it('roll back when a statement fails, leaving nothing written', async () => {
        await expect(
          db.transaction(async (tx) => {
            await tx.query('INSERT INTO probe (id) VALUES (:id)', { id: 'before-duplicate' });
            await tx.query('INSERT INTO probe (id) VALUES (:id)', { id: 'before-duplicate' });
          }),
        ).rejects.toThrow(/duplicate key/);
        expect(await db.query('SELECT id FROM probe WHERE id = :id', { id: 'before-duplicate' })).toEqual([]);
        // The database is usable again afterwards.
        expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
      });
    });

    if (more) describe(`${adapter} specifics`, () => more(() => db));
  });
}

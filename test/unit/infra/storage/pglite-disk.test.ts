// Its own file: creating a PGlite data directory (initdb) takes seconds, and files run in parallel.
import { readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate } from '#infra/storage/migrate.ts';
import { openPglite } from '#infra/storage/pglite.ts';

describe('openPglite on disk', () => {
  it('keeps data and applied migrations across a close and reopen', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'alex-pglite-'));
    try {
      const first = await openPglite(dataDir);
      // Every file in the folder, in name order (each later migration's own test says what it adds).
      const files = readdirSync(new URL('../../../../schemas/migrations/', import.meta.url))
        .filter((name) => /^\d{4}_.+\.sql$/.test(name))
        .sort();
      expect(files.slice(0, 2)).toEqual(['0001_init.sql', '0002_service_roles.sql']);
      expect(await migrate(first)).toEqual(files);
      await first.query(`INSERT INTO users (id, name, birth_year) VALUES (:id, :name, :year)`, {
        id: 'u-disk',
        name: 'Grace',
        year: 1960,
      });
      await first.close();

      const second = await openPglite(dataDir);
      expect(await migrate(second)).toEqual([]);
      expect(await second.query('SELECT id, name, birth_year, goals FROM users')).toEqual([
        { id: 'u-disk', name: 'Grace', birth_year: 1960, goals: {} },
      ]);
      await second.close();
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadMigrations } from '#infra/storage/migrate.ts';

// Applying migrations is covered against both adapters in sql-database-contract.ts.
describe('loadMigrations', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'alex-migrations-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads .sql files in name order and ignores other files', async () => {
    await writeFile(join(dir, '0002_more.sql'), 'CREATE TABLE b (id int);');
    await writeFile(join(dir, '0001_init.sql'), 'CREATE TABLE a (id int);');
    await writeFile(join(dir, 'README.md'), 'notes');
    expect(await loadMigrations(dir)).toEqual([
      { name: '0001_init.sql', sql: 'CREATE TABLE a (id int);' },
      { name: '0002_more.sql', sql: 'CREATE TABLE b (id int);' },
    ]);
  });

  it('refuses a file name that would not sort as intended', async () => {
    await writeFile(join(dir, '2_more.sql'), 'SELECT 1;');
    await expect(loadMigrations(dir)).rejects.toThrow(
      'migration file 2_more.sql must be named like 0002_add_prices.sql',
    );
  });

  it('finds the repository migrations by default', async () => {
    expect((await loadMigrations()).map((m) => m.name)).toContain('0001_init.sql');
  });
});

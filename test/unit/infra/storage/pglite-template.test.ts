// Its own file: making a prepared template runs PostgreSQL in WebAssembly (about a second each).
// The base template is copied from the one the global setup made, so no test here runs initdb.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migratedTemplate } from '#infra/storage/migrate.ts';
import { openPglite } from '#infra/storage/pglite.ts';
import { clusterTemplate, templateLocation } from '#infra/storage/pglite-template.ts';

const noop = async () => undefined;

// PostgreSQL in WebAssembly on a shared machine: seconds, not the default five.
describe('clusterTemplate pruning', { timeout: 60_000 }, () => {
  let location: string;
  beforeEach(() => {
    location = mkdtempSync(join(tmpdir(), 'alex-template-'));
    cpSync(join(templateLocation()!, 'base'), join(location, 'base'), { recursive: true });
  });
  afterEach(() => rmSync(location, { recursive: true, force: true }));

  it('keeps a template of the same family (other grants) and prunes one of another family', async () => {
    await clusterTemplate({ name: 'migrated-aaaa-roles1', family: 'migrated-aaaa', prepare: noop }, location);
    await clusterTemplate({ name: 'migrated-aaaa-roles2', family: 'migrated-aaaa', prepare: noop }, location);
    expect(readdirSync(location).sort()).toEqual([
      'base',
      'prepared-migrated-aaaa-roles1',
      'prepared-migrated-aaaa-roles2',
    ]);
    // New migrations outdate both.
    await clusterTemplate({ name: 'migrated-bbbb-roles1', family: 'migrated-bbbb', prepare: noop }, location);
    expect(readdirSync(location).sort()).toEqual(['base', 'prepared-migrated-bbbb-roles1']);
  });

  it('prunes every other prepared template when the preparation names no family', async () => {
    await clusterTemplate({ name: 'one', prepare: noop }, location);
    await clusterTemplate({ name: 'two', prepare: noop }, location);
    expect(readdirSync(location).sort()).toEqual(['base', 'prepared-two']);
  });
});

describe('migratedTemplate names', () => {
  it('shares the family between role sets and differs in the name', async () => {
    const none = await migratedTemplate([]);
    const some = await migratedTemplate([{ service: 'reader', groupRole: 'alex_reader', grants: ['SELECT ON users'] }]);
    expect(some.family).toBe(none.family);
    expect(some.name).not.toBe(none.name);
    expect(none.name.startsWith(`${none.family}-`)).toBe(true);
  });
});

describe('openPglite on a folder that holds a cluster', { timeout: 60_000 }, () => {
  let dataDir: string;
  const name = `migrated-test-${process.pid}-${Date.now()}`;
  afterEach(() => {
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(join(templateLocation()!, `prepared-${name}`), { recursive: true, force: true });
  });

  it('opens it without making the template it would copy for a new folder', async () => {
    dataDir = join(mkdtempSync(join(tmpdir(), 'alex-existing-')), 'pg');
    mkdirSync(dataDir);
    await (await openPglite(dataDir)).close();
    let prepared = 0;
    // The family matches every migrated template, so even a wrong call here would prune none.
    const db = await openPglite(dataDir, {
      name,
      family: 'migrated-',
      prepare: async () => {
        prepared++;
      },
    });
    expect(await db.query('SELECT 1 AS one')).toEqual([{ one: 1 }]);
    await db.close();
    expect(prepared).toBe(0);
    expect(existsSync(join(templateLocation()!, `prepared-${name}`))).toBe(false);
  });
});

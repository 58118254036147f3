/**
 * Applies schemas/migrations/*.sql in name order, once each. The same files build Aurora (through
 * the Data API) and the local PGlite, so a migration is plain SQL split into single statements:
 * no functions, DO blocks or triggers.
 *
 * Each file runs in one transaction together with its schema_migrations row, so a failing file
 * leaves nothing behind and is tried again next time. The row is written first: a second migrator
 * running at the same moment waits on it and then finds the file applied.
 *
 * After the files, each database service's group role gets exactly the grants its folder declares
 * (database-roles.ts). The caller passes the roles (infra/topology.ts `DATABASE_ROLES`), so this
 * module, which the migrator's bundle holds, never imports the service registry.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SqlDatabase } from '#services/common/sql-database.ts';
import { type DatabaseRole, syncDatabaseRoles } from './database-roles.ts';
import { splitStatements } from './named-params.ts';
import type { SqlTemplatePreparation } from './pglite.ts';

export interface Migration {
  /** File name, e.g. `0001_init.sql`; migrations apply in name order. */
  readonly name: string;
  readonly sql: string;
}

export const MIGRATIONS_DIR = fileURLToPath(new URL('../../schemas/migrations/', import.meta.url));

const MIGRATION_NAME = /^\d{4}_[a-z0-9_]+\.sql$/;

export async function loadMigrations(directory: string = MIGRATIONS_DIR): Promise<Migration[]> {
  const names = (await readdir(directory)).filter((name) => name.endsWith('.sql')).sort();
  for (const name of names) {
    if (!MIGRATION_NAME.test(name)) {
      throw new Error(
        `migration file ${name} must be named like 0002_add_prices.sql (four digits, underscore, lower-case words)`,
      );
    }
  }
  return Promise.all(names.map(async (name) => ({ name, sql: await readFile(join(directory, name), 'utf8') })));
}

/**
 * Applies the migrations not yet applied, then syncs `roles` (none when absent); returns the
 * migrations' names. Safe to run again.
 */
export async function migrate(
  db: SqlDatabase,
  migrations?: readonly Migration[],
  roles: readonly DatabaseRole[] = [],
): Promise<string[]> {
  const pending = [...(migrations ?? (await loadMigrations()))].sort((a, b) => a.name.localeCompare(b.name));
  await db.query(
    `CREATE TABLE IF NOT EXISTS schema_migrations (
       name text PRIMARY KEY,
       checksum text NOT NULL,
       applied_at timestamptz NOT NULL DEFAULT now()
     )`,
  );
  const applied = new Map(
    (await db.query<{ name: string; checksum: string }>('SELECT name, checksum FROM schema_migrations')).map((row) => [
      row.name,
      row.checksum,
    ]),
  );
  const done: string[] = [];
  for (const migration of pending) {
    const checksum = sha256(migration.sql);
    const previous = applied.get(migration.name);
    if (previous !== undefined) {
      if (previous !== checksum) {
        throw new Error(
          `migration ${migration.name} changed after it was applied: add a new migration instead of editing it`,
        );
      }
      continue;
    }
    const statements = splitStatements(migration.sql);
    const ran = await db.transaction(async (tx) => {
      const claimed = await tx.query(
        'INSERT INTO schema_migrations (name, checksum) VALUES (:name, :checksum) ON CONFLICT (name) DO NOTHING RETURNING name',
        { name: migration.name, checksum },
      );
      if (claimed.length === 0) return false; // another migrator applied it meanwhile
      for (const [index, statement] of statements.entries()) {
        try {
          await tx.query(statement);
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          throw new Error(`migration ${migration.name}, statement ${index + 1} failed: ${reason}`, { cause: error });
        }
      }
      return true;
    });
    if (ran) done.push(migration.name);
  }
  await syncDatabaseRoles(db, roles);
  return done;
}

/**
 * A PGlite template with every migration applied and `roles` synced (see pglite-template.ts),
 * named by their content: a new or edited migration or grant makes a new template. `migrate`
 * still runs after opening and finds nothing to do.
 */
export async function migratedTemplate(
  roles: readonly DatabaseRole[] = [],
  directory: string = MIGRATIONS_DIR,
): Promise<SqlTemplatePreparation> {
  const migrations = await loadMigrations(directory);
  const schema = migrations.map((migration) => `${migration.name}\n${sha256(migration.sql)}`).join('\n');
  const grants = roles.map((role) => `${role.groupRole}\n${role.grants.join('\n')}`).join('\n');
  // Family by migrations alone: a template for other grants of the same migrations is not outdated.
  const family = `migrated-${sha256(schema).slice(0, 16)}`;
  return {
    name: `${family}-${sha256(grants).slice(0, 8)}`,
    family,
    prepare: async (db) => {
      await migrate(db, migrations, roles);
    },
  };
}

/** Line endings are normalised so a Windows checkout does not look like an edited migration. */
function sha256(text: string): string {
  return createHash('sha256').update(text.replace(/\r\n/g, '\n')).digest('hex');
}

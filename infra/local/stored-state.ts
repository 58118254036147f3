/**
 * The state folder read without starting the runtime: its database and its bus archive, for
 * commands that only look (`alex jobs`). No DynamoDB, queues or handlers, so it opens in a
 * fraction of the runtime's time. PGlite cannot share its folder, so the home's lock is taken
 * in read mode (a writer waits a moment for it); a torn archive tail is skipped, not cut.
 */
import type { SqlDatabase } from '#services/common/sql-database.ts';
import type { DatabaseRole } from '../storage/database-roles.ts';
import { migrate, migratedTemplate } from '../storage/migrate.ts';
import { openPglite } from '../storage/pglite.ts';
import { EventArchive } from './archive.ts';
import { checkHomePath, checkStoresPresent, lockHome, statePaths } from './home.ts';
import { describeError, StateDamagedError } from './state-errors.ts';

export interface StoredState {
  readonly home: string;
  readonly db: SqlDatabase;
  readonly archive: EventArchive;
  close(): Promise<void>;
}

export async function openStoredState(
  home: string,
  options: { command?: string; onNotice?: (line: string) => void } = {},
): Promise<StoredState> {
  checkHomePath(home);
  const { lock, notices } = await lockHome(home, options.command ?? 'read', 'read');
  try {
    for (const line of notices) options.onNotice?.(line);
    checkStoresPresent(home);
    const paths = statePaths(home);
    const db = await openHomeDatabase(paths.postgres);
    try {
      // A folder never used yet reads as empty rather than failing on a missing table.
      await migrate(db);
    } catch (error) {
      await db.close();
      throw error;
    }
    const close = async () => {
      await db.close();
      lock.release();
    };
    return { home, db, archive: new EventArchive(paths.archive), close };
  } catch (error) {
    lock.release();
    throw error;
  }
}

/**
 * Opens a home's PostgreSQL; a failure names the folder and the cause instead of PGlite's bare
 * words. A new folder starts from the template holding `roles` (the runtime passes the registry's).
 */
export async function openHomeDatabase(
  folder: string | undefined,
  roles: readonly DatabaseRole[] = [],
): Promise<SqlDatabase> {
  try {
    return await openPglite(folder, await migratedTemplate(roles));
  } catch (error) {
    if (!folder) throw error;
    throw new StateDamagedError(folder, `the database cannot be opened (${describeError(error)})`);
  }
}

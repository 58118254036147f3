/**
 * The state folder read without starting the runtime: its database and its bus archive, for
 * commands that only look (`alex jobs`). No DynamoDB, queues or handlers, so it opens in a
 * fraction of the runtime's time. Like the runtime, one process at a time per folder.
 */
import { mkdirSync } from 'node:fs';
import type { SqlDatabase } from '#services/common/sql-database.ts';
import { migrate, migratedTemplate } from '../storage/migrate.ts';
import { openPglite } from '../storage/pglite.ts';
import { EventArchive } from './archive.ts';
import { statePaths } from './home.ts';

export interface StoredState {
  readonly home: string;
  readonly db: SqlDatabase;
  readonly archive: EventArchive;
  close(): Promise<void>;
}

export async function openStoredState(home: string): Promise<StoredState> {
  const paths = statePaths(home);
  mkdirSync(home, { recursive: true });
  const db = await openPglite(paths.postgres, await migratedTemplate());
  try {
    // A folder never used yet reads as empty rather than failing on a missing table.
    await migrate(db);
  } catch (error) {
    await db.close();
    throw error;
  }
  return { home, db, archive: new EventArchive(paths.archive), close: () => db.close() };
}

/**
 * Lambda run by the core stack's deploy trigger: applies schemas/migrations to Aurora through the
 * Data API. The SQL files are copied next to the bundle at synth time (see core-stack.ts), so a
 * new migration changes the asset, which makes the trigger run again on the next deploy.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openAuroraDatabase } from '../../../services/common/aws-database.ts';
import { loadMigrations, migrate } from '../../storage/migrate.ts';

export const BUNDLED_MIGRATIONS_DIR = 'migrations';

export async function handler(): Promise<{ applied: string[] }> {
  const migrations = await loadMigrations(join(dirname(fileURLToPath(import.meta.url)), BUNDLED_MIGRATIONS_DIR));
  if (migrations.length === 0) throw new Error(`no migrations found in the bundle's ${BUNDLED_MIGRATIONS_DIR}/ folder`);
  const applied = await migrate(openAuroraDatabase(), migrations);
  console.log(JSON.stringify({ message: 'migrations applied', applied, known: migrations.map((m) => m.name) }));
  return { applied };
}

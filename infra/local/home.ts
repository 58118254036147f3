/**
 * Where the local runtime keeps its state, and what is in the folder. Apart from runtime.ts so
 * the command line can name it, and read it, without loading the runtime.
 */
import { join } from 'node:path';

/** The state folder: ALEX_HOME when set (and not empty), else `.alex` in the working directory. */
export function defaultHome(cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): string {
  return env.ALEX_HOME?.trim() ? env.ALEX_HOME : join(cwd, '.alex');
}

/** The state folder's parts: PGlite's data directory, dynalite's, and the bus archive. */
export function statePaths(home: string): { postgres: string; dynamodb: string; archive: string } {
  return { postgres: join(home, 'postgres'), dynamodb: join(home, 'dynamodb'), archive: join(home, 'archive.jsonl') };
}

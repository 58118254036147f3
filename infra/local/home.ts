/**
 * Where the local runtime keeps its state, and opening that folder safely before anything
 * touches it (light on purpose: the command line loads it without the runtime): the path is one a runtime can
 * live in (not empty, not a file, not on /proc, /sys or /dev, writable), one process owns it
 * (home-lock.ts), and its stores are the ones earlier commands left: a database folder that
 * vanished while the archive still holds history is reported, never silently recreated empty.
 */
import { accessSync, constants, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { InvalidInputError } from '#events/errors.ts';
import { acquireHomeLock, type HomeLock } from './home-lock.ts';
import { describeError, StateDamagedError } from './state-errors.ts';

/** The state folder: ALEX_HOME when set (and not empty), else `.alex` in the working directory. */
export function defaultHome(cwd = process.cwd(), env: NodeJS.ProcessEnv = process.env): string {
  return env.ALEX_HOME?.trim() ? env.ALEX_HOME : join(cwd, '.alex');
}

/** The state folder's parts: PGlite's data directory, dynalite's, the bus archive, spans and metrics. */
export function statePaths(home: string): {
  postgres: string;
  dynamodb: string;
  archive: string;
  spans: string;
  metrics: string;
} {
  return {
    postgres: join(home, HOME_FILES.database),
    dynamodb: join(home, HOME_FILES.dynamo),
    archive: join(home, HOME_FILES.archive),
    spans: join(home, HOME_FILES.spans),
    metrics: join(home, HOME_FILES.metrics),
  };
}

export const HOME_FILES = {
  database: 'postgres',
  dynamo: 'dynamodb',
  archive: 'archive.jsonl',
  /** Finished spans, when tracing is on (docs/observability.md). */
  spans: 'spans.jsonl',
  /** The services' metrics, as CloudWatch embedded metric format documents (`alex stats`). */
  metrics: 'metrics.jsonl',
} as const;

const SPECIAL_FILESYSTEMS = ['/proc', '/sys', '/dev'];

/** Checks a state folder path and creates it; throws InvalidInputError naming `what` (e.g. `--home`). */
export function checkHomePath(path: string, what = 'home'): string {
  if (path.trim() === '') throw new InvalidInputError(`${what}: is empty; give a folder for the state, e.g. ./.alex`);
  const absolute = resolve(path);
  const special = SPECIAL_FILESYSTEMS.find((root) => absolute === root || absolute.startsWith(`${root}/`));
  if (special)
    throw new InvalidInputError(`${what}: ${absolute} is on ${special}, a special filesystem; give an ordinary folder`);
  if (existsSync(absolute) && !statSync(absolute).isDirectory())
    throw new InvalidInputError(`${what}: ${absolute} is a file, not a folder; give a folder for the state`);
  try {
    mkdirSync(absolute, { recursive: true });
    accessSync(absolute, constants.W_OK | constants.R_OK | constants.X_OK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? describeError(error);
    throw new InvalidInputError(`${what}: ${absolute} cannot be created or written (${code}); give a writable folder`);
  }
  return absolute;
}

/** Takes the home for `command`, unless the caller already holds its lock. */
export async function lockHome(
  home: string,
  command: string,
  mode: 'read' | 'write',
): Promise<{ lock: HomeLock; notices: string[] }> {
  const lock = await acquireHomeLock(home, command, { mode });
  const dead = lock.tookOverFrom;
  const notices = dead
    ? [
        `${home}: PID ${dead.pid} (alex ${dead.command}) stopped without closing; ` +
          (mode === 'write' ? 'finishing what it left' : 'its unfinished jobs are shown as interrupted'),
      ]
    : [];
  return { lock, notices };
}

/**
 * A store folder that is missing while the archive holds events means the state was damaged or
 * partly deleted: recreating it empty would silently forget every job.
 */
export function checkStoresPresent(home: string): void {
  const archive = join(home, HOME_FILES.archive);
  if (!existsSync(archive) || statSync(archive).size === 0) return;
  // DynamoDB holds tracking and idempotency records only; the database holds the jobs and analyses.
  for (const store of [HOME_FILES.database]) {
    const folder = join(home, store);
    if (!existsSync(folder) || readdirSync(folder).length === 0)
      throw new StateDamagedError(
        folder,
        `is missing, but ${archive} holds the events of earlier jobs`,
        'restore the folder from a backup, or run `alex doctor --repair` to start it anew ' +
          '(job statuses are rebuilt from the archive)',
      );
  }
}

/**
 * A freshly initialised PGlite cluster, made once per PGlite version (and, prepared, once per set
 * of migrations) and copied for every new database: initdb and the migrations inside WebAssembly
 * cost seconds, a copy milliseconds. Kept in node_modules/.cache/alex, beside the PGlite it
 * belongs to; `npm ci` makes it through the build. Only an optimisation: without it, PGlite runs
 * initdb and the caller migrates.
 */
import {
  constants,
  cpSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

export interface ClusterTemplate {
  /** A cleanly shut down data directory, to copy for a database on disk. */
  readonly dataDir: string;
  /** The same cluster as an uncompressed tarball, for PGlite's `loadDataDir` in memory. */
  readonly tarball: string;
}

/** What a prepared template holds beyond initdb, e.g. the migrations applied; named by its content. */
export interface TemplatePreparation {
  /** Unique per content, such as a hash of the migrations and the grants. */
  readonly name: string;
  /**
   * The part of `name` that outdates other templates, such as the migrations' hash: prepared
   * templates whose name does not start with it are pruned, those that do (other grants) kept.
   * Without it, every other prepared template is pruned.
   */
  readonly family?: string;
  readonly prepare: (pg: PGlite) => Promise<void>;
}

const DATA = 'data';
const TARBALL = 'cluster.tar';
const BASE = 'base';
const PREPARED_PREFIX = 'prepared-';

/** Where this PGlite version's template lives, or undefined when PGlite's package cannot be found. */
export function templateLocation(): string | undefined {
  try {
    const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
    const packageDir = join(dirname(entry), '..');
    const { version } = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { version: string };
    const nodeModules = join(packageDir, '..', '..');
    return join(nodeModules, '.cache', 'alex', `pglite-${version}`);
  } catch {
    return undefined;
  }
}

/**
 * The template, made now if missing; undefined when it cannot be made (a read-only install). With
 * `preparation`, a copy of the base template with that preparation run on it.
 */
export async function clusterTemplate(
  preparation?: TemplatePreparation,
  location = templateLocation(),
): Promise<ClusterTemplate | undefined> {
  if (!location) return undefined;
  const folder = join(location, preparation ? `${PREPARED_PREFIX}${preparation.name}` : BASE);
  const template = { dataDir: join(folder, DATA), tarball: join(folder, TARBALL) };
  // The tarball is written last and the folder renamed into place whole, so its presence is enough.
  if (existsSync(template.tarball)) return template;
  const base = preparation ? await clusterTemplate(undefined, location) : undefined;
  if (preparation && !base) return undefined;
  const staging = `${folder}.${process.pid}.${Date.now()}`;
  try {
    mkdirSync(staging, { recursive: true });
    if (base) seedDataDir(join(staging, DATA), base);
    const pg = await PGlite.create({ dataDir: join(staging, DATA) });
    await preparation?.prepare(pg);
    const dump = await pg.dumpDataDir('none');
    await pg.close();
    writeFileSync(join(staging, TARBALL), new Uint8Array(await dump.arrayBuffer()));
    renameSync(staging, folder);
    if (preparation) pruneOtherPrepared(location, folder, preparation.family);
  } catch {
    // Another process may have put its template in place first; either way this copy is not needed.
    rmSync(staging, { recursive: true, force: true });
  }
  return existsSync(template.tarball) ? template : undefined;
}

/**
 * Templates for earlier migrations are dead weight (about 40 MB each) once a newer one exists.
 * Those of the same family stay: `alex jobs` (no grants) and the runtime (the registry's grants)
 * use the same migrations, and pruning each other's would make every other command run initdb.
 */
function pruneOtherPrepared(location: string, keep: string, family?: string): void {
  for (const name of readdirSync(location)) {
    const path = join(location, name);
    const sameFamily = family !== undefined && name.startsWith(`${PREPARED_PREFIX}${family}`);
    if (name.startsWith(PREPARED_PREFIX) && !name.includes('.') && path !== keep && !sameFamily) {
      rmSync(path, { recursive: true, force: true });
    }
  }
}

/**
 * Makes `dataDir` a copy of the template when it holds no cluster yet. The copy goes to a sibling
 * folder renamed into place, so a crash never leaves half a cluster where PGlite would find it.
 */
export function seedDataDir(dataDir: string, template: ClusterTemplate): void {
  if (existsSync(join(dataDir, 'PG_VERSION'))) return;
  if (existsSync(dataDir)) {
    // An empty folder is taken as new; anything else is left for PGlite to judge.
    try {
      rmdirSync(dataDir);
    } catch {
      return;
    }
  }
  const staging = `${dataDir}.${process.pid}.seed`;
  rmSync(staging, { recursive: true, force: true });
  // A reflink where the file system has them (btrfs, XFS), else a plain copy.
  cpSync(template.dataDir, staging, { recursive: true, mode: constants.COPYFILE_FICLONE });
  renameSync(staging, dataDir);
}

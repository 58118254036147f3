/**
 * A freshly initialised PGlite cluster, made once per PGlite version and copied for every new
 * database: initdb inside WebAssembly costs seconds, a copy milliseconds. Kept in
 * node_modules/.cache/alex, beside the PGlite it belongs to (npm ci starts it afresh); `npm ci`
 * makes it through the build. Only an optimisation: when it cannot be made, PGlite runs initdb.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, renameSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';

export interface ClusterTemplate {
  /** A cleanly shut down data directory, to copy for a database on disk. */
  readonly dataDir: string;
  /** The same cluster as an uncompressed tarball, for PGlite's `loadDataDir` in memory. */
  readonly tarball: string;
}

const DATA = 'data';
const TARBALL = 'cluster.tar';

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

/** The template, made now if missing; undefined when it cannot be made (a read-only install). */
export async function clusterTemplate(location = templateLocation()): Promise<ClusterTemplate | undefined> {
  if (!location) return undefined;
  const template = { dataDir: join(location, DATA), tarball: join(location, TARBALL) };
  // The tarball is written last and the folder renamed into place whole, so its presence is enough.
  if (existsSync(template.tarball)) return template;
  const staging = `${location}.${process.pid}.${Date.now()}`;
  try {
    mkdirSync(staging, { recursive: true });
    const pg = await PGlite.create({ dataDir: join(staging, DATA) });
    const dump = await pg.dumpDataDir('none');
    await pg.close();
    writeFileSync(join(staging, TARBALL), new Uint8Array(await dump.arrayBuffer()));
    renameSync(staging, location);
  } catch {
    // Another process may have put its template in place first; either way this copy is not needed.
    rmSync(staging, { recursive: true, force: true });
  }
  return existsSync(template.tarball) ? template : undefined;
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
  cpSync(template.dataDir, staging, { recursive: true });
  renameSync(staging, dataDir);
}

/**
 * `npm run build` (and npm's `prepare`, which `npm ci` runs): compiles the command line to
 * JavaScript once, so `alex` starts without compiling TypeScript. One esbuild pass, ES modules
 * split per dynamic import (a command loads only what it uses), dependencies left in node_modules.
 * bin/alex.mjs runs the build while no source it was made from changed since (bin/build-freshness.mjs).
 * Then the dashboard (web/ → dist/web, infra/web/build.ts), which `alex serve` rebuilds when stale.
 */
import { cpSync, existsSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildWeb } from '#infra/web/build.ts';

export const ROOT = fileURLToPath(new URL('../', import.meta.url));
/**
 * Two folders deep, as the sources it comes from: the chunks keep the `new URL(x, import.meta.url)`
 * paths of the runtime valid — `../../schemas/migrations/` as from infra/storage, and the worker
 * entries and the retirement data sit beside the chunks, as they do in a Lambda bundle.
 */
export const BUILD_DIR = join(ROOT, 'dist', 'cli');
/** Written last: its presence says the build is whole; it lists the sources the build was made from. */
export const BUILD_MANIFEST = 'build.json';

const ENTRIES = [
  { in: 'infra/cli/main.ts', out: 'main' },
  { in: 'infra/local/service-worker-entry.ts', out: 'service-worker-bootstrap' },
  { in: 'infra/local/dynalite-worker.mjs', out: 'dynalite-worker' },
];
/** Read at run time relative to a chunk (see historical.ts), so copied beside the chunks. */
const DATA_FILES = [{ from: 'services/retirement/data/historical-returns.csv', to: 'data/historical-returns.csv' }];
/** Read at run time through `../../` from a chunk (see migrate.ts): must exist from BUILD_DIR too. */
const SHARED_FOLDERS = ['../../schemas/migrations'];

export interface BuildManifest {
  builtAt: number;
  /** Repository-relative paths of every project file bundled, and package.json (its "imports" map). */
  inputs: string[];
}

/** Builds into a fresh folder and swaps it in, so a reader never sees half a build. */
export async function buildCli(): Promise<BuildManifest> {
  const { build } = await import('esbuild');
  const staging = `${BUILD_DIR}.${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const builtAt = Date.now();
  const output = await build({
    absWorkingDir: ROOT,
    entryPoints: ENTRIES,
    outdir: staging,
    outExtension: { '.js': '.mjs' },
    // Flat: every chunk sits in one folder, so paths relative to import.meta.url mean one thing.
    chunkNames: 'chunk-[hash]',
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    keepNames: true,
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'error',
  });
  for (const file of DATA_FILES) cpSync(join(ROOT, file.from), join(staging, file.to));
  for (const folder of SHARED_FOLDERS) {
    if (!existsSync(join(BUILD_DIR, folder))) throw new Error(`build: ${folder} is not reachable from ${BUILD_DIR}`);
  }
  const inputs = Object.keys(output.metafile.inputs)
    .filter((path) => !path.includes('node_modules/'))
    .concat(
      'package.json',
      DATA_FILES.map((file) => file.from),
    );
  const manifest: BuildManifest = { builtAt, inputs: [...new Set(inputs)].sort() };
  writeFileSync(join(staging, BUILD_MANIFEST), `${JSON.stringify(manifest, null, 1)}\n`);
  mkdirSync(join(ROOT, 'dist'), { recursive: true });
  rmSync(BUILD_DIR, { recursive: true, force: true });
  renameSync(staging, BUILD_DIR);
  return manifest;
}

/**
 * Made here, once, so the first `alex analyze` in a new state folder runs neither initdb nor the
 * migrations (pglite-template.ts).
 */
export async function warmDatabaseTemplate(): Promise<boolean> {
  const [{ migratedTemplate }, { pgliteTemplate }, { DATABASE_ROLES }] = await Promise.all([
    import('#infra/storage/migrate.ts'),
    import('#infra/storage/pglite.ts'),
    import('#infra/topology.ts'),
  ]);
  // The runtime's template: migrations and the registry's roles (infra/local/runtime.ts).
  return (await pgliteTemplate(await migratedTemplate(DATABASE_ROLES))) !== undefined;
}

function isMain(): boolean {
  return process.argv[1] !== undefined && relative(process.argv[1], fileURLToPath(import.meta.url)) === '';
}

if (isMain()) {
  const started = Date.now();
  try {
    const manifest = await buildCli();
    const size = statSync(join(BUILD_DIR, 'main.mjs')).size;
    process.stderr.write(
      `build: ${manifest.inputs.length} sources → ${relative(ROOT, BUILD_DIR)} in ${Date.now() - started} ms ` +
        `(main.mjs ${Math.round(size / 1024)} KB)\n`,
    );
    const web = await buildWeb();
    process.stderr.write(
      `build: dashboard (${web.inputs.length} sources) → dist/web (${web.script}, ${Math.round(web.scriptGzipBytes / 1024)} KB gzipped)\n`,
    );
    process.stderr.write(
      (await warmDatabaseTemplate())
        ? 'build: PGlite cluster template ready\n'
        : 'build: no PGlite template; initdb will run per database\n',
    );
  } catch (error) {
    // Without esbuild (`npm ci --omit=dev`) there is no build; alex then compiles on the fly.
    if ((error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND') {
      process.stderr.write('build: esbuild is not installed; alex will compile TypeScript at each start\n');
    } else {
      process.stderr.write(`build: failed: ${(error as Error).message}\n`);
      process.exitCode = 1;
    }
  }
}

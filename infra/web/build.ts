/**
 * Builds the dashboard (web/) into dist/web: one esbuild pass bundles web/main.ts and its CSS
 * under content-hashed names in assets/, then index.html is written naming them, and build.json
 * last (its presence says the build is whole). The folder is self-contained, so the AlexWeb stack
 * deploys it as it is; where the API is comes at run time from config.json (served by `alex serve`,
 * written by the AlexWeb stack: infra/web/page-config.ts), never baked in.
 */
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Two folders deep, like the source and like dist/cli's chunks: `../../` is the package folder from both. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const WEB_BUILD_DIR = join(PACKAGE_ROOT, 'dist', 'web');
const MANIFEST = 'build.json';

export interface WebBuildManifest {
  builtAt: number;
  /** Repository-relative sources the build was made from. */
  inputs: string[];
  script: string;
  style: string;
  /** Bytes of the script gzipped, as a browser downloads it. */
  scriptGzipBytes: number;
}

export async function buildWeb(root = PACKAGE_ROOT, outDir = join(root, 'dist', 'web')): Promise<WebBuildManifest> {
  const { build } = await import('esbuild');
  const { gzipSync } = await import('node:zlib');
  const staging = `${outDir}.${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const builtAt = Date.now();
  const output = await build({
    absWorkingDir: root,
    entryPoints: { app: 'web/main.ts', style: 'web/style.css' },
    outdir: join(staging, 'assets'),
    entryNames: '[name]-[hash]',
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: ['chrome120', 'firefox120', 'safari16'],
    minify: true,
    sourcemap: false,
    metafile: true,
    logLevel: 'error',
  });
  const outputs = Object.keys(output.metafile.outputs).map((file) => basename(file));
  const script = outputs.find((file) => file.endsWith('.js'))!;
  const style = outputs.find((file) => file.endsWith('.css'))!;
  const template = readFileSync(join(root, 'web', 'index.html'), 'utf8');
  writeFileSync(
    join(staging, 'index.html'),
    template.replace('{{script}}', `assets/${script}`).replace('{{style}}', `assets/${style}`),
  );
  const inputs = Object.keys(output.metafile.inputs)
    .filter((path) => !path.includes('node_modules/'))
    .concat('web/index.html');
  const manifest: WebBuildManifest = {
    builtAt,
    inputs: [...new Set(inputs)].sort(),
    script: `assets/${script}`,
    style: `assets/${style}`,
    scriptGzipBytes: gzipSync(readFileSync(join(staging, 'assets', script))).length,
  };
  writeFileSync(join(staging, MANIFEST), `${JSON.stringify(manifest, null, 1)}\n`);
  mkdirSync(join(outDir, '..'), { recursive: true });
  rmSync(outDir, { recursive: true, force: true });
  try {
    renameSync(staging, outDir);
  } catch (error) {
    // Another process built at the same moment and swapped its folder in first: use theirs.
    rmSync(staging, { recursive: true, force: true });
    const theirs = readManifest(outDir);
    if (!theirs) throw error;
    return theirs;
  }
  return manifest;
}

/** The manifest when the build is whole and no source changed after it; null otherwise. */
export function freshWebBuild(root = PACKAGE_ROOT, outDir = join(root, 'dist', 'web')): WebBuildManifest | null {
  const manifest = readManifest(outDir);
  if (!manifest) return null;
  for (const input of manifest.inputs) {
    const stats = statSync(join(root, input), { throwIfNoEntry: false });
    // A source missing here is an installed package without web/: the build is all there is.
    if (stats && stats.mtimeMs > manifest.builtAt) return null;
  }
  return manifest;
}

export function readManifest(outDir: string): WebBuildManifest | null {
  try {
    return JSON.parse(readFileSync(join(outDir, MANIFEST), 'utf8')) as WebBuildManifest;
  } catch {
    return null;
  }
}

export type WebBuildState =
  | { kind: 'ready'; dir: string; manifest: WebBuildManifest; rebuilt: boolean }
  | { kind: 'stale'; dir: string; manifest: WebBuildManifest; reason: string }
  | { kind: 'missing'; reason: string };

/**
 * What `alex serve` serves: the build when fresh, else a rebuild (about half a second) when
 * esbuild is installed, else a stale build with a warning, else nothing and the reason why.
 */
export async function ensureWebBuild(root = PACKAGE_ROOT): Promise<WebBuildState> {
  const dir = join(root, 'dist', 'web');
  const fresh = freshWebBuild(root, dir);
  if (fresh) return { kind: 'ready', dir, manifest: fresh, rebuilt: false };
  if (existsSync(join(root, 'web', 'main.ts'))) {
    try {
      return { kind: 'ready', dir, manifest: await buildWeb(root, dir), rebuilt: true };
    } catch (error) {
      const reason =
        (error as NodeJS.ErrnoException).code === 'ERR_MODULE_NOT_FOUND'
          ? 'esbuild is not installed, so the dashboard cannot be built here; run `npm ci` (with dev dependencies) and `npm run build`'
          : `the dashboard build failed: ${(error as Error).message}`;
      const stale = readManifest(dir);
      if (stale) return { kind: 'stale', dir, manifest: stale, reason };
      return { kind: 'missing', reason };
    }
  }
  const stale = readManifest(dir);
  if (stale) return { kind: 'ready', dir, manifest: stale, rebuilt: false };
  return {
    kind: 'missing',
    reason: `no dashboard build in ${relative(process.cwd(), dir) || dir}; run \`npm run build\``,
  };
}

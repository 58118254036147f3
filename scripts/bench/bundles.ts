/**
 * Each service's Lambda bundle, built the way the CDK stacks ship it (esbuild, ESM, minified,
 * AWS SDK inside the bundle), then its size and the time a fresh Node process takes to load it.
 */

import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { BUNDLE_EXTERNALS, BUNDLE_MAIN_FIELDS, BUNDLE_TARGET } from '#infra/bundling.ts';
import { SERVICE_NAMES, SERVICES, type ServiceName } from '#infra/topology.ts';
import { ENV } from '#services/common/environment.ts';
import { atMost, type BenchResult, median, result } from './results.ts';

// 1 MB read strictly: a million bytes, not 1 MiB.
export const BUNDLE_TARGET_BYTES = 1_000_000;
export const LOAD_TARGET_MS = 150;

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** ESM bundles still meet CommonJS inside some dependencies, which call require(). */
const REQUIRE_BANNER = "import{createRequire}from'module';const require=createRequire(import.meta.url);";

/** What the service stacks set, with dummy values: the entry points read them at load time. */
export function dummyLambdaEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of Object.values(ENV)) env[name] = `bench-${name.toLowerCase()}`;
  env[ENV.deadLetterQueueUrls] = '{}';
  env[ENV.databaseClusterArn] = 'arn:aws:rds:us-east-1:000000000000:cluster:alex-bench';
  env[ENV.databaseSecretArn] = 'arn:aws:secretsmanager:us-east-1:000000000000:secret:alex-bench';
  env[ENV.model] = 'offline';
  return {
    ...env,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    POWERTOOLS_LOG_LEVEL: 'ERROR',
  };
}

export async function bundleService(service: ServiceName, outDir: string): Promise<string> {
  const outfile = join(outDir, `${service}.mjs`);
  await build({
    entryPoints: [join(ROOT, 'services', service, 'lambda.ts')],
    outfile,
    bundle: true,
    platform: 'node',
    target: BUNDLE_TARGET,
    format: 'esm',
    minify: true,
    banner: { js: REQUIRE_BANNER },
    external: [...BUNDLE_EXTERNALS],
    mainFields: [...BUNDLE_MAIN_FIELDS],
    keepNames: true,
    logLevel: 'error',
  });
  // What the deployed bundle carries beside it (service-stack.ts copies the same files).
  for (const file of SERVICES[service].needs.dataFiles ?? []) {
    mkdirSync(join(outDir, 'data'), { recursive: true });
    copyFileSync(join(ROOT, file), join(outDir, 'data', basename(file)));
  }
  return outfile;
}

/**
 * The child times only the import: its clock starts after Node's own start-up and stops once
 * the module (and everything it runs at load, such as creating SDK clients) is done.
 */
const LOADER = `
const started = performance.now();
await import(process.argv[2]);
const loaded = performance.now();
process.stdout.write(JSON.stringify({ importMs: loaded - started, sinceProcessStartMs: loaded }));
`;

async function timeLoad(
  loaderFile: string,
  bundle: string,
): Promise<{ importMs: number; sinceProcessStartMs: number }> {
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...dummyLambdaEnvironment() };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [loaderFile, pathToFileURL(bundle).href], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (err += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`loading ${bundle} failed (exit ${code}): ${err.trim().slice(0, 2000)}`));
      else resolve(JSON.parse(out) as { importMs: number; sinceProcessStartMs: number });
    });
  });
}

export interface BundleStats {
  service: ServiceName;
  bytes: number;
  loadMs: number;
  sinceProcessStartMs: number;
}

export async function measureBundles(loadRuns = 3): Promise<BundleStats[]> {
  const dir = mkdtempSync(join(tmpdir(), 'alex-bench-bundles-'));
  try {
    const loader = join(dir, 'load.mjs');
    writeFileSync(loader, LOADER);
    const stats: BundleStats[] = [];
    for (const service of SERVICE_NAMES) {
      const bundle = await bundleService(service, dir);
      const loads = [];
      for (let i = 0; i < loadRuns; i++) loads.push(await timeLoad(loader, bundle));
      stats.push({
        service,
        bytes: statSync(bundle).size,
        loadMs: median(loads.map((l) => l.importMs)),
        sinceProcessStartMs: median(loads.map((l) => l.sinceProcessStartMs)),
      });
    }
    return stats;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function bundleResults(stats: readonly BundleStats[]): BenchResult[] {
  return stats.flatMap((s) => [
    result(`bundle.${s.service}.bytes`, s.bytes, 'bytes', atMost(BUNDLE_TARGET_BYTES), 0),
    result(`bundle.${s.service}.loadMs`, s.loadMs, 'ms', atMost(LOAD_TARGET_MS), 1),
  ]);
}

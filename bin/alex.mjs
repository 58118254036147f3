#!/usr/bin/env node
// The CLI runs from its JavaScript build (dist/cli, made by `npm ci` through npm's `prepare`, or
// `npm run build`). When the build is missing or stale — a source changed after it, as in a
// checkout being edited — tsx compiles the TypeScript on the fly: slower, never out of date.
import { isBuildFresh } from './build-freshness.mjs';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const root = new URL('../', import.meta.url);
const fromSource = process.env.ALEX_FROM_SOURCE === '1';

let entry;
if (!fromSource && isBuildFresh(root)) {
  if (process.env.ALEX_DEBUG) process.setSourceMapsEnabled(true);
  entry = await import(new URL('dist/cli/main.mjs', root).href);
} else {
  if (!fromSource && process.stderr.isTTY)
    process.stderr.write('alex: compiling from source (`npm run build` starts faster)\n');
  const { register } = await import('tsx/esm/api');
  register();
  entry = await import('#infra/cli/main.ts');
}
process.exitCode = await entry.main(process.argv.slice(2));

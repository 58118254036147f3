import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBuildFresh } from '../../../bin/build-freshness.mjs';

const BUILT_AT = Date.parse('2026-03-01T12:00:00Z');
let root: string;

/** A package folder with two sources and a build made at BUILT_AT from them. */
function makeBuild(
  sources: Record<string, number>,
  manifest: unknown = { builtAt: BUILT_AT, inputs: Object.keys(sources) },
) {
  for (const [path, mtime] of Object.entries(sources)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), '// source');
    utimesSync(join(root, path), mtime / 1000, mtime / 1000);
  }
  mkdirSync(join(root, 'dist', 'cli'), { recursive: true });
  writeFileSync(join(root, 'dist', 'cli', 'build.json'), JSON.stringify(manifest));
}

const fresh = () => isBuildFresh(pathToFileURL(`${root}/`));

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'alex-freshness-'));
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('isBuildFresh', () => {
  it('is fresh when every listed source is older than the build', () => {
    makeBuild({ 'infra/cli/main.ts': BUILT_AT - 60_000, 'package.json': BUILT_AT - 1 });
    expect(fresh()).toBe(true);
  });

  it('is stale when one listed source changed after the build', () => {
    makeBuild({ 'infra/cli/main.ts': BUILT_AT - 60_000, 'events/catalog.ts': BUILT_AT + 1_000 });
    expect(fresh()).toBe(false);
  });

  it('is stale when a listed source is gone', () => {
    makeBuild({ 'infra/cli/main.ts': BUILT_AT - 60_000 });
    rmSync(join(root, 'infra/cli/main.ts'));
    expect(fresh()).toBe(false);
  });

  it('is missing without build.json, as during or after a failed build', () => {
    expect(fresh()).toBe(false);
  });

  it('is not trusted when build.json is not a manifest', () => {
    makeBuild({ 'infra/cli/main.ts': BUILT_AT - 60_000 }, { inputs: 'infra/cli/main.ts' });
    expect(fresh()).toBe(false);
  });
});

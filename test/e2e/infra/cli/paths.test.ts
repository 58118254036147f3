/**
 * Output and state paths are checked before any work: exit 2 with one clear line, and nothing
 * stored in the home (no database created, no job run).
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '#infra/cli/main.ts';
import { EXAMPLE_PATH } from '../../support.ts';

async function run(args: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t), cwd, env: {} });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('paths checked before any work', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'alex-paths-'));
  const home = join(cwd, 'home');
  writeFileSync(join(cwd, 'a-file'), 'x');
  const readOnly = join(cwd, 'read-only');
  mkdirSync(readOnly);
  chmodSync(readOnly, 0o500);
  const asRoot = process.getuid?.() === 0;

  const outCases: Array<[string, string, RegExp]> = [
    ['an existing file', join(cwd, 'a-file'), /--out: .*a-file is a file, not a folder/],
    ['/dev/null', '/dev/null', /--out: \/dev\/null is on \/dev, a special filesystem/],
    ['an empty string', '', /--out: is empty; give a folder/],
    // Root may write anywhere, so the read-only case only means something for other users.
    ...(asRoot
      ? []
      : [['a read-only folder', join(readOnly, 'out'), /read-only is not writable/] as [string, string, RegExp]]),
  ];
  it.each(outCases)('refuses --out as %s with exit 2 and stores nothing', async (_, out, message) => {
    const result = await run(['analyze', EXAMPLE_PATH, '--home', home, '--out', out], cwd);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
    expect(existsSync(join(home, 'postgres'))).toBe(false);
  });

  it.each([
    ['an empty string', '', /--home: is empty/],
    ['a folder under /proc', '/proc/1/alex', /--home: \/proc\/1\/alex is on \/proc, a special filesystem/],
    ['an existing file', join(cwd, 'a-file'), /--home: .*a-file is a file, not a folder/],
  ])('refuses --home as %s with exit 2, at once', async (_, path, message) => {
    const result = await run(['jobs', 'list', '--home', path], cwd);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
  });
});

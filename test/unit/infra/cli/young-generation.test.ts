import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// In a child process of its own: V8's flags are process-wide, and the new space to watch must
// start at V8's initial size, not at whatever this test process's earlier work grew it to.
const CHURN = `
  const { newSpaceBytes, capYoungGeneration } = await import('#infra/cli/young-generation.ts');
  const uncap = process.argv.includes('cap') ? capYoungGeneration(8 * 1024 * 1024) : () => {};
  let kept = [];
  // Work in small turns, as a server's requests are (about 0.5 MB each), of short-lived objects
  // many of which survive a scavenge or two: what makes V8 grow the new space.
  for (let turn = 0; turn < 400; turn++) {
    for (let i = 0; i < 10_000; i++) kept.push({ i, text: 'x' + i });
    if (kept.length > 300_000) kept = [];
    await new Promise((resolve) => setImmediate(resolve));
  }
  uncap();
  console.log(newSpaceBytes());
`;

function newSpaceAfterChurn(mode: 'cap' | 'default'): number {
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', CHURN, mode], {
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(child.stderr);
  return Number(child.stdout.trim());
}

const MB = 1024 * 1024;

describe('capYoungGeneration', () => {
  it('lets V8 grow the new space past 8 MB without it (so the check below can fail)', () => {
    // V8's default on 64-bit: 16 MB semi-spaces, 32 MB of new space at most.
    expect(newSpaceAfterChurn('default')).toBeGreaterThan(8 * MB);
  });

  it('stops the new space growing once it reaches the cap', () => {
    expect(newSpaceAfterChurn('cap')).toBeLessThanOrEqual(8 * MB);
  });
});

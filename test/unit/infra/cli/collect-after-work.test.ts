import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// In a child process: it needs a heap whose old generation holds nothing but what it made, and
// `--expose-gc` (set and unset by the module) is process-wide.
const SCRIPT = `
  const { collectAfterWork } = await import('#infra/cli/collect-after-work.ts');
  const collector = collectAfterWork(100);
  // 40 MB of typed arrays kept alive through enough scavenges to reach the old generation, as the
  // Monte Carlo draws of an analysis do while it runs; then dropped, as when the analysis ends.
  let draws = Array.from({ length: 10 }, () => new Float64Array(500_000));
  for (let i = 0, churn = []; i < 2_000_000; i++) churn[i % 1000] = { i };
  if (draws.length !== 10) throw new Error('the draws must live until here');
  draws = null;
  const mode = process.argv.at(-1);
  const held = [];
  if (mode !== 'quiet') collector.workEnded();
  if (mode === 'busy') {
    // Other events every 30 ms for 600 ms: the analysis that followed is still running.
    for (let i = 0; i < 20; i++) {
      await new Promise((resolve) => setTimeout(resolve, 30));
      collector.workSeen();
    }
    held.push(process.memoryUsage().arrayBuffers);
  }
  // Long enough for the incremental collection and the sweep of the freed arrays on a loaded
  // machine; V8 itself would not collect an idle heap for several seconds more.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  console.log([...held, process.memoryUsage().arrayBuffers].join(' '));
`;

/** `process.memoryUsage().arrayBuffers` at the points the script prints (the last after two quiet seconds). */
function arrayBufferBytes(mode: 'ended' | 'quiet' | 'busy'): number[] {
  const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', SCRIPT, mode], {
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(child.stderr);
  return child.stdout.trim().split(' ').map(Number);
}

const MB = 1024 * 1024;

describe('collectAfterWork', () => {
  it('leaves dead typed arrays to V8 when no work ended (so the checks below can fail)', () => {
    expect(arrayBufferBytes('quiet')[0]).toBeGreaterThan(30 * MB);
  });

  it('frees the dead typed arrays once the work has been quiet for the delay', () => {
    expect(arrayBufferBytes('ended')[0]).toBeLessThan(5 * MB);
  });

  it('waits while other events keep coming, then collects once they stop', () => {
    const [whileBusy, afterwards] = arrayBufferBytes('busy');
    expect(whileBusy).toBeGreaterThan(30 * MB);
    expect(afterwards).toBeLessThan(5 * MB);
  });
});

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireHomeLock, HomeInUseError, LOCK_FILE, readHomeOwner } from '#infra/local/home-lock.ts';

const freshHome = () => mkdtempSync(join(tmpdir(), 'alex-lock-'));

/** The PID of a process that has already exited: a real dead owner. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(child.stdout.toString());
}

describe('home lock', () => {
  it('records the owner and lets a second writer in only after release', async () => {
    const home = freshHome();
    const lock = await acquireHomeLock(home, 'analyze');
    expect(readHomeOwner(home)).toMatchObject({ pid: process.pid, command: 'analyze', mode: 'write' });
    await expect(acquireHomeLock(home, 'replay')).rejects.toThrow(HomeInUseError);
    await expect(acquireHomeLock(home, 'replay')).rejects.toThrow(/in use by PID \d+ \(alex analyze/);
    lock.release();
    expect(existsSync(join(home, LOCK_FILE))).toBe(false);
    const again = await acquireHomeLock(home, 'replay');
    expect(again.tookOverFrom).toBeUndefined();
    again.release();
  });

  it('takes over a lock whose process is dead and says whose it was', async () => {
    const home = freshHome();
    const pid = deadPid();
    const stale = { pid, command: 'analyze', mode: 'write', startedAt: '2026-01-01T00:00:00.000Z', host: hostnameOf() };
    writeFileSync(join(home, LOCK_FILE), JSON.stringify(stale));
    expect(readHomeOwner(home)).toBeUndefined();
    const lock = await acquireHomeLock(home, 'jobs list');
    expect(lock.tookOverFrom).toMatchObject({ pid, command: 'analyze' });
    expect(JSON.parse(readFileSync(join(home, LOCK_FILE), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });

  it('treats an old unreadable lock file (owner killed while writing it) as stale', async () => {
    const home = freshHome();
    writeFileSync(join(home, LOCK_FILE), '{"pid": 12');
    const { utimesSync } = await import('node:fs');
    utimesSync(join(home, LOCK_FILE), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    const lock = await acquireHomeLock(home, 'analyze');
    expect(lock.owner.pid).toBe(process.pid);
    lock.release();
  });

  it('does not take a live owner for dead when its PID was reused by another process', async () => {
    const home = freshHome();
    // This process's PID, but a different start time: the recorded owner is gone.
    const reused = {
      pid: process.pid,
      command: 'analyze',
      mode: 'write',
      startedAt: '2026-01-01T00:00:00.000Z',
      host: hostnameOf(),
      processStart: '1',
    };
    writeFileSync(join(home, LOCK_FILE), JSON.stringify(reused));
    const lock = await acquireHomeLock(home, 'analyze');
    expect(lock.tookOverFrom?.processStart).toBe('1');
    lock.release();
  });

  it('lets exactly one of many processes racing for a stale lock win', () => {
    const home = freshHome();
    writeFileSync(
      join(home, LOCK_FILE),
      JSON.stringify({ pid: deadPid(), command: 'x', mode: 'write', startedAt: 'then', host: hostnameOf() }),
    );
    const script = `
      const { acquireHomeLock } = await import(${JSON.stringify(new URL('../../../../infra/local/home-lock.ts', import.meta.url).href)});
      try { await acquireHomeLock(process.argv[1], 'race'); await new Promise((r) => setTimeout(r, 1500)); console.log('won'); }
      catch (e) { console.log(e.name); }`;
    const runs = Array.from({ length: 4 }, () =>
      import('node:child_process').then(({ spawn }) => {
        const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, home]);
        let out = '';
        child.stdout.on('data', (chunk) => (out += chunk));
        return new Promise<string>((resolve) => child.on('close', () => resolve(out.trim())));
      }),
    );
    return Promise.all(runs).then((results) => {
      expect(results.filter((r) => r === 'won')).toHaveLength(1);
      expect(results.filter((r) => r === 'HomeInUseError')).toHaveLength(3);
    });
  }, 30_000);
});

function hostnameOf(): string {
  return hostname();
}

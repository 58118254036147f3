/**
 * `alex watch` in a real terminal: the command runs under `script` (a pseudo-terminal, so its
 * stdout is a TTY) beside a runtime that owns the same home, and redraws the job's view in place
 * until the job ends; into a pipe it prints one plain line per change. The planner is held at its
 * first message until both views show the job planning, so that step is seen, not raced.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { LocalRuntime } from '#infra/local/runtime.ts';
import { type RegisteredService, SERVICE_REGISTRY } from '#services/index.ts';
import { isJobEnd, jobRequest, startWithExample } from '../../support.ts';

const ROOT = new URL('../../../../', import.meta.url).pathname;
const CLEAR = '\u001b[H\u001b[2J';

let dir: string | undefined;
let runtime: LocalRuntime | undefined;
const children: ChildProcess[] = [];
afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill();
  await runtime?.close();
  vi.unstubAllEnvs();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function collect(child: ChildProcess): { text: () => string; exited: Promise<number | null> } {
  let text = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    text += chunk.toString('utf8');
  });
  return { text: () => text, exited: new Promise((resolve) => child.on('exit', (code) => resolve(code))) };
}

async function until(check: () => boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The registry with a planner that waits for `release` before it handles anything. */
function withHeldPlanner(): { services: RegisteredService[]; release: () => void } {
  let release!: () => void;
  const released = new Promise<void>((resolve) => {
    release = resolve;
  });
  const services = SERVICE_REGISTRY.map((entry): RegisteredService => {
    if (entry.service.name !== 'planner') return entry;
    return {
      ...entry,
      createHandler: (ctx, hooks) => {
        const handler = entry.createHandler(ctx, hooks);
        return async (event, context) => {
          await released;
          return handler(event, context);
        };
      },
    };
  });
  return { services, release };
}

describe('alex watch', () => {
  it('redraws the live view in a terminal and in a pipe prints each change, until the job ends', async () => {
    dir = mkdtempSync(join(tmpdir(), 'alex-watch-'));
    const home = join(dir, 'state');
    vi.stubEnv('ALEX_TRACE', '1');
    const planner = withHeldPlanner();
    const started = await startWithExample({ home, services: planner.services });
    runtime = started.runtime;
    const env = { ...process.env, TERM: 'xterm', ALEX_HOME: home };
    const alex = `node ${join(ROOT, 'bin/alex.mjs')} watch --timeout 90`;
    // script -q (no banner) -f (flush) -e (its exit code) -c CMD: CMD's stdout is the pseudo-terminal.
    const terminal = spawn('script', ['-qfec', alex, '/dev/null'], { cwd: dir, env, stdio: ['pipe', 'pipe', 'pipe'] });
    const piped = spawn('node', [join(ROOT, 'bin/alex.mjs'), 'watch', '--timeout', '90'], { cwd: dir, env });
    children.push(terminal, piped);
    const screen = collect(terminal);
    const lines = collect(piped);
    // Both are waiting for a job before one is sent: the view follows the newest job, live.
    await until(
      () => screen.text().includes('waiting for a job') && lines.text().includes('waiting for a job'),
      60_000,
    );
    const request = jobRequest(started.portfolio.user.id);
    const done = runtime.waitForEvent(isJobEnd(request.jobId), 60_000);
    runtime.sendJob(JSON.stringify(request));
    // Before the planner announces anything, both views already follow the job it holds.
    await until(
      () =>
        screen.text().includes(`alex watch  job ${request.jobId}  planning`) &&
        /^ +\+\d+ ms {2}job planning$/m.test(lines.text()),
      60_000,
    );
    expect(lines.text()).toMatch(/^ +\+\d+ ms {2}planner +in flight$/m);
    planner.release();
    await done;
    expect(await screen.exited).toBe(0);
    expect(await lines.exited).toBe(0);

    const frames = screen.text().split(CLEAR);
    expect(frames.length).toBeGreaterThan(1);
    const last = frames.at(-1)!.replaceAll('\r', '');
    expect(last).toContain(`alex watch  job ${request.jobId}  completed`);
    expect(last).toMatch(/^trace [0-9a-f]{32}$/m);
    for (const service of ['planner', 'tagger', 'reporter', 'charter', 'retirement', 'aggregator']) {
      expect(last).toMatch(new RegExp(`^ {2}${service} +done$`, 'm'));
    }
    expect(last).toMatch(/^ {2}reporter +write-report +offline +0 in \/ 0 out {2}\d+ ms$/m);

    const plain = lines.text();
    expect(plain).not.toContain('\u001b');
    // Seen while it ran, not only at the end: some lane was in flight before it was done.
    expect(plain).toMatch(/^ +\+\d+ ms {2}\w+ +in flight$/m);
    // The first line names the job; its trace id follows on that line or, when the request carried
    // none (this one is a bare detail), once the planner's span has started the trace.
    expect(plain).toMatch(new RegExp(`^ +\\+\\d+ ms {2}job ${request.jobId}( {2}trace [0-9a-f]{32})?$`, 'm'));
    expect(plain).toMatch(/^ +\+\d+ ms {2}(job \S+ {2})?trace [0-9a-f]{32}$/m);
    expect(plain).toMatch(/^ +\+\d+ ms {2}aggregator +done$/m);
    // The job's course in order: planning (seen while held), then running once planned, then its end.
    const course = [...plain.matchAll(/^ +\+\d+ ms {2}job (queued|planning|running|completed)$/gm)].map((m) => m[1]);
    expect(course.filter((step) => step !== 'queued')).toEqual(['planning', 'running', 'completed']);
    expect(plain.trim().split('\n').at(-1)).toMatch(/^ +\+\d+ ms {2}job completed$/);
  });
});

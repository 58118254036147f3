/**
 * `alex serve` as a user runs it, in its own process: submit over HTTP, stop it with SIGTERM while
 * jobs are in flight (exit 0 within 10 s), start it again on the same home, and every job
 * finishes exactly once: one stored analysis and one final event each.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadOrCreateSigningKey, signLocalToken } from '#infra/api/local-issuer.ts';
import { LocalRuntime } from '#infra/local/runtime.ts';
import { countAnalyses } from '#services/aggregator/analysis-store.ts';
import { EXAMPLE_PATH } from '../../support.ts';

const ROOT = new URL('../../../../', import.meta.url).pathname;
const homes: string[] = [];
afterAll(() => {
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

interface Server {
  child: ChildProcess;
  url: string;
  stderr: () => string;
}

function serve(home: string): Promise<Server> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/alex.mjs'), 'serve', '--port', '0', '--home', home], {
      env: { ...process.env, ALEX_HOME: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stderr!.on('data', (chunk) => {
      err += String(chunk);
    });
    child.stdout!.on('data', (chunk) => {
      out += String(chunk);
      const match = /serving (http:\/\/\S+)/.exec(out);
      if (match) resolve({ child, url: match[1]!, stderr: () => err });
    });
    child.once('exit', (code) => reject(new Error(`alex serve exited with ${code}: ${err}`)));
  });
}

function stop(server: Server, signal: NodeJS.Signals): Promise<{ code: number | null; ms: number }> {
  const started = Date.now();
  return new Promise((resolve) => {
    server.child.removeAllListeners('exit');
    server.child.once('exit', (code) => resolve({ code, ms: Date.now() - started }));
    server.child.kill(signal);
  });
}

async function waitFinished(url: string, token: string, jobIds: string[], timeoutMs = 60_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const statuses = await Promise.all(
      jobIds.map(async (id) => {
        const response = await fetch(`${url}/v1/analyses/${id}`, { headers: { Authorization: `Bearer ${token}` } });
        return ((await response.json()) as { status: string }).status;
      }),
    );
    if (statuses.every((s) => ['completed', 'partial', 'failed'].includes(s)) || Date.now() > deadline) return statuses;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('alex serve', () => {
  it('drains on SIGTERM with jobs in flight, exits 0 within 10 s, and the next start finishes each job exactly once', async () => {
    const home = mkdtempSync(join(tmpdir(), 'alex-serve-'));
    homes.push(home);
    const token = await signLocalToken(await loadOrCreateSigningKey(home), { userId: 'drain' });
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };

    const first = await serve(home);
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const put = await fetch(`${first.url}/v1/portfolio`, {
      method: 'PUT',
      headers,
      body: readFileSync(EXAMPLE_PATH, 'utf8'),
    });
    expect(put.status).toBe(200);
    const jobIds: string[] = [];
    for (let i = 0; i < 4; i++) {
      const response = await fetch(`${first.url}/v1/analyses`, { method: 'POST', headers });
      jobIds.push(((await response.json()) as { jobId: string }).jobId);
    }
    const stopped = await stop(first, 'SIGTERM');
    expect(stopped.code).toBe(0);
    expect(stopped.ms).toBeLessThan(10_000);
    expect(first.stderr()).toMatch(/SIGTERM: draining/);

    const second = await serve(home);
    const statuses = await waitFinished(second.url, token, jobIds);
    expect(statuses).toEqual(jobIds.map(() => 'completed'));
    expect((await stop(second, 'SIGINT')).code).toBe(0);

    // Counted in the state the server left, by the runtime itself.
    const runtime = await LocalRuntime.start({ home });
    try {
      for (const jobId of jobIds) {
        expect(await countAnalyses(runtime.db, jobId)).toBe(1);
        const finals = runtime.archive
          .read()
          .filter((e) => e['detail-type'] === 'AnalysisCompleted' && (e.detail as { jobId: string }).jobId === jobId);
        expect(finals).toHaveLength(1);
      }
    } finally {
      await runtime.close();
    }
  });

  // kill -9 with jobs in flight, and one server per home: test/processes/serve.test.ts (the process tier).
});

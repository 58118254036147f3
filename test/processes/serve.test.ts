/**
 * `alex serve` across real processes on one home: SIGKILL with analyses in flight and a restart
 * that finishes each exactly once; a second `alex serve` or `alex analyze` beside a running one
 * refused with the owner's PID, while `jobs list` and `alex token` still work. (The general lock
 * cases, with `alex analyze` as the owner, are in home.test.ts.)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LocalRuntime } from '#infra/local/runtime.ts';
import { countAnalyses } from '#services/aggregator/analysis-store.ts';
import { EXAMPLE_PATH } from '#test/e2e/support.ts';
import { runAlex } from '#test/support/alex-process.ts';
import { apiClient, type ServeProcess, startServe } from '#test/support/serve-process.ts';

const homes: string[] = [];
const servers: ServeProcess[] = [];
const freshHome = () => {
  const home = mkdtempSync(join(tmpdir(), 'alex-serve-proc-'));
  homes.push(home);
  return home;
};
afterAll(() => {
  for (const server of servers) server.child.kill('SIGKILL');
  for (const home of homes) rmSync(home, { recursive: true, force: true });
});

async function started(home: string): Promise<ServeProcess> {
  const server = await startServe(home);
  servers.push(server);
  return server;
}

async function stopped(server: ServeProcess, signal: NodeJS.Signals) {
  server.child.kill(signal);
  return server.done;
}

async function jobsList(home: string) {
  const result = await runAlex(['jobs', 'list', '--json', '--home', home]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Array<{ jobId: string; status: string; interrupted: boolean }>;
}

describe('alex serve after kill -9', () => {
  it('resumes every accepted job on the next start and each finishes exactly once', async () => {
    const home = freshHome();
    const first = await started(home);
    const api = await apiClient(first.url, home, 'killed');
    await api.putExamplePortfolio();
    const jobIds = [await api.submit(), await api.submit(), await api.submit()];
    // Killed while the first job is being worked on and the last was just accepted (its 202 seen).
    const working = Date.now() + 30_000;
    while ((await api.status(jobIds[0]!)) === 'planning') {
      if (Date.now() > working) throw new Error(`job ${jobIds[0]} still planning after 30 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    jobIds.push(await api.submit(), await api.submit());
    const killed = await stopped(first, 'SIGKILL');
    expect(killed.signal).toBe('SIGKILL');

    // Every accepted job is on disk, and the kill caught work in flight (else this proves nothing).
    const left = await jobsList(home);
    expect(left.map((job) => job.jobId).sort()).toEqual([...jobIds].sort());
    expect(left.filter((job) => job.interrupted).length).toBeGreaterThan(0);

    const second = await started(home);
    expect(second.output().stderr).toMatch(/stopped without closing; finishing what it left/);
    const statuses = await (await apiClient(second.url, home, 'killed')).waitFinal(jobIds, 60_000);
    expect(statuses).toEqual(jobIds.map(() => 'completed'));
    const closed = await stopped(second, 'SIGTERM');
    expect(closed.code, closed.stderr).toBe(0);

    // Counted in the state the server left: one stored analysis and one final event per job.
    const runtime = await LocalRuntime.start({ home, readOnly: true });
    try {
      const archive = runtime.archive.read();
      for (const jobId of jobIds) {
        expect(await countAnalyses(runtime.db, jobId)).toBe(1);
        const finals = archive.filter(
          (e) =>
            /^Analysis(Completed|Failed)$/.test(e['detail-type']) && (e.detail as { jobId: string }).jobId === jobId,
        );
        expect(finals.map((e) => e['detail-type'])).toEqual(['AnalysisCompleted']);
      }
    } finally {
      await runtime.close();
    }
  });
});

describe('one alex serve per home', () => {
  it('refuses a second serve and an analyze with exit 2 naming the server, while jobs list and token work beside it', async () => {
    const home = freshHome();
    const server = await started(home);
    const api = await apiClient(server.url, home, 'owner');
    await api.putExamplePortfolio();
    const jobId = await api.submit();
    expect(await api.waitFinal([jobId], 60_000)).toEqual(['completed']);

    const [serve, analyze, list, token] = await Promise.all([
      runAlex(['serve', '--port', '0', '--home', home], { timeoutMs: 60_000 }),
      runAlex(['analyze', EXAMPLE_PATH, '--home', home, '--out', join(home, 'out')], { timeoutMs: 60_000 }),
      runAlex(['jobs', 'list', '--json', '--home', home]),
      runAlex(['token', '--user', 'owner', '--home', home]),
    ]);
    const pid = server.child.pid;
    for (const refused of [serve, analyze]) {
      expect(refused.code, refused.stderr).toBe(2);
      expect(refused.stderr.trim()).toMatch(
        new RegExp(
          `^alex: .* is in use by PID ${pid} \\(alex serve, since .*\\); it serves ${server.url}: ` +
            `send work to its API, or stop it \\(kill -TERM ${pid}\\), or give another --home$`,
        ),
      );
    }
    expect(list.code, list.stderr).toBe(0);
    expect(list.stderr).toMatch(new RegExp(`in use by PID ${pid} \\(alex serve\\); showing what its files say`));
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ jobId, status: 'completed' })]);

    // A token printed beside it is one the server takes.
    expect(token.code, token.stderr).toBe(0);
    const fromCli = await fetch(`${server.url}/v1/analyses/${jobId}`, {
      headers: { Authorization: `Bearer ${token.stdout.trim()}` },
    });
    expect(fromCli.status).toBe(200);

    // The server was not disturbed: it still answers, and stops cleanly.
    expect(await api.status(jobId)).toBe('completed');
    const closed = await stopped(server, 'SIGTERM');
    expect(closed.code, closed.stderr).toBe(0);
  });
});

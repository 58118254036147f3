/**
 * The local runtime across real processes on one home: kill -9 at a stage of a job, a second
 * writer while one runs, readers beside a writer, and state files damaged between commands.
 * Each case spawns bin/alex.mjs as a user would; the checks read the home afterwards.
 */
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { acquireHomeLock } from '#infra/local/home-lock.ts';
import { EXAMPLE_PATH } from '#test/e2e/support.ts';
import { runAlex, spawnAlex } from '#test/support/alex-process.ts';

const freshHome = () => mkdtempSync(join(tmpdir(), 'alex-proc-'));

function finalEventsOf(home: string, jobId: string): string[] {
  return readFileSync(join(home, 'archive.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .filter((e) => e.detail?.jobId === jobId && /^Analysis(Completed|Failed)$/.test(e['detail-type']))
    .map((e) => e['detail-type']);
}

async function jobsList(home: string) {
  const result = await runAlex(['jobs', 'list', '--json', '--home', home]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Array<{ jobId: string; status: string; interrupted: boolean }>;
}

describe('kill -9 and recovery', () => {
  it('finishes a job killed after planning exactly once, in the next command that runs the runtime', async () => {
    const home = freshHome();
    const analyze = spawnAlex(['analyze', EXAMPLE_PATH, '--home', home, '--out', join(home, 'out')]);
    await analyze.waitFor(/planned\s+tasks/);
    analyze.child.kill('SIGKILL');
    await analyze.done;
    const jobId = /job ([0-9a-f-]{36})/.exec((await analyze.done).stderr)![1]!;

    // A reader does not run the job; it says it was interrupted, not running.
    const [seen] = (await jobsList(home)).filter((job) => job.jobId === jobId);
    expect(seen).toMatchObject({ jobId, interrupted: true });
    expect(['planned', 'classifying', 'planning']).toContain(seen!.status);

    // The next runtime command finishes it before its own work: the specialists' messages were on disk.
    const redrive = await runAlex(['dlq', 'redrive', '--home', home]);
    expect(redrive.code, redrive.stderr).toBe(0);
    expect(redrive.stderr).toMatch(/stopped without closing; finishing what it left/);
    expect(redrive.stderr).toMatch(new RegExp(`recovered \\d+ queued message\\(s\\).*${jobId} completed`));
    const [after] = (await jobsList(home)).filter((job) => job.jobId === jobId);
    expect(after).toMatchObject({ status: 'completed', interrupted: false });
    expect(finalEventsOf(home, jobId)).toEqual(['AnalysisCompleted']);
  });
});

describe('one owner per home', () => {
  it('refuses a second writer with exit 2 naming the owner, while readers read the archive', async () => {
    const home = freshHome();
    const first = await runAlex(['analyze', EXAMPLE_PATH, '--home', home, '--out', join(home, 'out1')]);
    expect(first.code, first.stderr).toBe(0);
    // A live owner for as long as the test needs one: this test process, as `alex analyze` would hold it.
    const lock = await acquireHomeLock(home, 'analyze');
    try {
      const [second, reader] = await Promise.all([
        runAlex(['analyze', EXAMPLE_PATH, '--home', home, '--out', join(home, 'out2')]),
        runAlex(['jobs', 'list', '--json', '--home', home]),
      ]);
      expect(second.code).toBe(2);
      expect(second.stderr.trim()).toMatch(
        new RegExp(
          `^alex: .* is in use by PID ${process.pid} \\(alex analyze, since .*\\); wait for it to finish, or give another --home$`,
        ),
      );
      expect(reader.code, reader.stderr).toBe(0);
      expect(reader.stderr).toMatch(/in use by PID \d+ \(alex analyze\); showing what its files say so far/);
      expect(JSON.parse(reader.stdout)).toEqual([expect.objectContaining({ status: 'completed' })]);
    } finally {
      lock.release();
    }
  });
});

describe('damaged state files', () => {
  it('names an emptied queues.json and exits 1 at once instead of hanging', async () => {
    const home = freshHome();
    writeFileSync(join(home, 'queues.json'), '');
    const result = await runAlex(['dlq', 'list', '--home', home], { timeoutMs: 60_000 });
    expect(result.signal).toBeNull();
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(/^alex: .*queues\.json: is empty, .*; run `alex doctor --repair`/);
    expect(result.stderr).not.toMatch(/Unexpected end of JSON input|unexpected error/);
  });

  it('cuts a torn archive tail, says so, and keeps jobs show and later appends working', async () => {
    const home = freshHome();
    const first = await runAlex(['analyze', EXAMPLE_PATH, '--home', home, '--out', join(home, 'out')]);
    expect(first.code, first.stderr).toBe(0);
    const jobId = /job ([0-9a-f-]{36})/.exec(first.stderr)![1]!;
    appendFileSync(join(home, 'archive.jsonl'), '{"version":"0","id":"torn","detail-type":"Analys');
    const show = await runAlex(['jobs', 'show', jobId, '--home', home]);
    expect(show.code, show.stderr).toBe(0);
    const redrive = await runAlex(['dlq', 'redrive', '--home', home]);
    expect(redrive.stderr).toMatch(/archive\.jsonl: cut a torn last event \(\d+ bytes\)/);
    const lines = readFileSync(join(home, 'archive.jsonl'), 'utf8').trimEnd().split('\n');
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow();
  });

  it('reports a deleted database instead of recreating it empty', async () => {
    const home = freshHome();
    writeFileSync(join(home, 'archive.jsonl'), `${JSON.stringify({ 'detail-type': 'AnalysisPlanned', detail: {} })}\n`);
    const result = await runAlex(['jobs', 'list', '--home', home]);
    expect(result.code).toBe(1);
    expect(result.stderr.trim()).toMatch(/postgres: is missing, but .*archive\.jsonl holds the events of earlier jobs/);
    rmSync(home, { recursive: true, force: true });
  });
});

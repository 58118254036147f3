/**
 * The aggregator's announcement across kill -9, in real processes: `alex analyze` is killed by
 * the fault switch (ALEX_FAULT_KILL_AT) right after the analysis committed, or right after its
 * AnalysisCompleted was published but before the outbox row was marked sent. The next runtime
 * command sends what was left, and the archive holds one event for the job: one id, one detail.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { eventIdOf } from '#events/event-id.ts';
import { EXAMPLE_PATH } from '#test/e2e/support.ts';
import { runAlex, spawnAlex } from '#test/support/alex-process.ts';

const freshHome = () => mkdtempSync(join(tmpdir(), 'alex-outbox-'));

/** The job's final announcements in the archive, as [event id, detail JSON], in order. */
function finalEvents(home: string, jobId: string): Array<[string, string]> {
  return readFileSync(join(home, 'archive.jsonl'), 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line))
    .filter((e) => e.detail?.jobId === jobId && /^Analysis(Completed|Failed)$/.test(e['detail-type']))
    .map((e) => [e.id, JSON.stringify(e.detail)]);
}

async function killedAnalysis(home: string, stage: 'committed' | 'published') {
  const analyze = spawnAlex(['analyze', EXAMPLE_PATH, '--home', home, '--out', join(home, 'out')], {
    env: { ALEX_FAULT_KILL_AT: stage },
  });
  const result = await analyze.done;
  expect(result.signal, result.stderr).toBe('SIGKILL');
  return /job ([0-9a-f-]{36})/.exec(result.stderr)![1]!;
}

async function statusOf(home: string, jobId: string) {
  const list = await runAlex(['jobs', 'list', '--json', '--home', home]);
  expect(list.code, list.stderr).toBe(0);
  return (JSON.parse(list.stdout) as Array<{ jobId: string; status: string }>).find((job) => job.jobId === jobId)
    ?.status;
}

describe('kill -9 while the aggregator announces a job', () => {
  it('sends the announcement of an analysis committed but never published, once, in the next command', async () => {
    const home = freshHome();
    const jobId = await killedAnalysis(home, 'committed');
    // Stored and final in the database, announced nowhere yet.
    expect(finalEvents(home, jobId)).toEqual([]);
    expect(await statusOf(home, jobId)).toBe('completed');

    const next = await runAlex(['dlq', 'redrive', '--home', home]);
    expect(next.code, next.stderr).toBe(0);
    expect(next.stderr).toMatch(/sent 1 announcement\(s\) an earlier command had stored but not sent/);
    const finals = finalEvents(home, jobId);
    expect(finals.map(([id]) => id)).toEqual([eventIdOf('AnalysisCompleted', jobId)]);

    // Nothing is left to send: another command sends nothing more.
    const again = await runAlex(['dlq', 'redrive', '--home', home]);
    expect(again.code, again.stderr).toBe(0);
    expect(finalEvents(home, jobId)).toEqual(finals);
  });

  it('sends a published but unmarked announcement again as the same event: one id, one detail', async () => {
    const home = freshHome();
    const jobId = await killedAnalysis(home, 'published');
    const before = finalEvents(home, jobId);
    expect(before.map(([id]) => id)).toEqual([eventIdOf('AnalysisCompleted', jobId)]);

    const next = await runAlex(['dlq', 'redrive', '--home', home]);
    expect(next.code, next.stderr).toBe(0);
    const finals = finalEvents(home, jobId);
    // At least once, as EventBridge delivers: the second delivery is the same event.
    expect(finals).toHaveLength(2);
    expect(new Set(finals.map((entry) => entry.join(' '))).size).toBe(1);
    expect(await statusOf(home, jobId)).toBe('completed');
    const shown = await runAlex(['jobs', 'show', jobId, '--home', home]);
    expect(shown.code, shown.stderr).toBe(0);
  });
});

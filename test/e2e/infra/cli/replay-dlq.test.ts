/**
 * `alex replay` and `alex dlq` as a user runs them, on one state folder: a completed analysis
 * replayed changes nothing and calls no model; a malformed event is listed with its reason; a
 * redrive sends a job dead-lettered by a fault back, and it completes once the fault is gone,
 * while a malformed message returns to its DLQ with the same reason.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '#infra/cli/main.ts';
import { LocalRuntime } from '#infra/local/runtime.ts';
import { EXAMPLE_PATH, jobRequest } from '../../support.ts';

async function run(args: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t), cwd, env: {} });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

/**
 * Opens the state folder directly, as a test harness, and closes it again (which persists the
 * queues for the next command). Retries come back fast: 910 s of jobs-queue visibility is 45 ms.
 */
async function withRuntime<T>(home: string, work: (runtime: LocalRuntime) => Promise<T>): Promise<T> {
  const runtime = await LocalRuntime.start({ home, msPerQueueSecond: 0.05 });
  try {
    return await work(runtime);
  } finally {
    await runtime.close();
  }
}

/** What a replay must not change: the stored rows, exactly as PostgreSQL holds them. */
async function storedState(home: string) {
  return withRuntime(home, async (runtime) => ({
    analyses: await runtime.db.query<{ job_id: string; result: string; created_at: string }>(
      'SELECT job_id, result::text AS result, created_at FROM analyses ORDER BY job_id',
    ),
    jobs: await runtime.db.query('SELECT id, status, finished_at FROM jobs ORDER BY id'),
    modelCalls: (await runtime.db.query<{ n: number }>('SELECT count(*)::int AS n FROM model_calls'))[0]!.n,
    archived: runtime.archive.read().length,
    deadLetters: runtime.deadLetters().map(({ queue, message }) => `${queue}: ${message.attributes.reason}`),
  }));
}

let dir: string;
let home: string;
let jobId: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alex-replay-'));
  home = join(dir, 'state');
  const analyzed = await run(['analyze', EXAMPLE_PATH, '--home', home, '--out', 'out', '--json'], dir);
  expect(analyzed.code).toBe(0);
  jobId = JSON.parse(analyzed.out).jobId;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('alex replay', () => {
  it('replays the whole archive of a completed job: nothing new, nothing rewritten, no model call', async () => {
    const before = await storedState(home);
    expect(before.analyses).toHaveLength(1);
    expect(before.modelCalls).toBeGreaterThan(0);

    const replay = await run(['replay', '--home', home, '--json'], dir);
    expect(replay.code).toBe(0);
    const summary = JSON.parse(replay.out);
    expect(summary.replayName).toMatch(/^alex-replay-\d{8}T\d{6}Z$/);
    expect(summary.rules).toBeNull();
    expect(summary.replayed).toBe(before.archived);
    expect(summary.byDetailType).toMatchObject({
      ClassificationRequested: 1,
      InstrumentsClassified: 1,
      AnalysisPlanned: 1,
      SpecialistCompleted: 3,
      AnalysisCompleted: 1,
    });
    // Every specialist and the aggregator saw the history again (the aggregator follows the plan,
    // the three results and, for its timeline, the classification request and answer)...
    expect(summary.deliveries).toMatchObject({
      'alex-reporter-analysis-planned': 1,
      'alex-charter-analysis-planned': 1,
      'alex-retirement-analysis-planned': 1,
      'alex-aggregator-progress': 6,
    });
    // ...and did nothing with it.
    expect(summary).toMatchObject({ newEvents: 0, consolidatedWrites: 0, modelCalls: 0, newDeadLetters: [] });

    const after = await storedState(home);
    expect(after).toEqual(before);
  });

  it("aims a replay at one service's rules, and the window selects by event time", async () => {
    const charter = await run(['replay', '--service', 'charter', '--home', home], dir);
    expect(charter.code).toBe(0);
    expect(charter.out).toMatch(
      /^Replay alex-replay-\S+: \d+ archived events from the start to \S+, to alex-charter-analysis-planned\n/,
    );
    expect(charter.out).toMatch(
      /Deliveries\n\s+1  alex-charter-analysis-planned\nThen\n\s+new events\s+0\n\s+consolidated writes\s+0\n\s+model calls\s+0\n\s+new dead letters\s+0$/,
    );

    const empty = JSON.parse(
      (await run(['replay', '--since', '2000-01-01', '--until', '2000-01-02T00:00:00Z', '--home', home, '--json'], dir))
        .out,
    );
    expect(empty).toMatchObject({
      replayed: 0,
      byDetailType: {},
      window: { since: '2000-01-01T00:00:00.000Z', until: '2000-01-02T00:00:00.000Z' },
    });
  });

  it('refuses a bad window, service or action with exit 2 and says what is wrong', async () => {
    const badTime = await run(['replay', '--since', 'yesterday', '--home', home], dir);
    expect(badTime.code).toBe(2);
    expect(badTime.err).toMatch(/--since: must be an ISO 8601 date or date-time.*got "yesterday"/);
    const backwards = await run(['replay', '--since', '2026-11-21', '--until', '2026-11-20', '--home', home], dir);
    expect(backwards.code).toBe(2);
    expect(backwards.err).toMatch(/--since \(2026-11-21\) must be before --until \(2026-11-20\)/);
    const badService = await run(['dlq', 'list', '--service', 'scheduler', '--home', home], dir);
    expect(badService.code).toBe(2);
    expect(badService.err).toMatch(/--service: unknown service "scheduler"; services are planner, tagger/);
    expect((await run(['dlq', 'purge', '--home', home], dir)).code).toBe(2);
    expect((await run(['replay', '--help'], dir)).out).toMatch(/^Usage: alex replay/);
    expect((await run(['dlq', '--help'], dir)).out).toMatch(/^Usage: alex dlq list/);
    expect((await run(['--help'], dir)).out).toMatch(/replay +replay the event archive[\s\S]*dlq +list dead letters/);
  });
});

describe('alex dlq', () => {
  it('lists dead letters with queue, reason, receive count and what they are; redrive completes the job a fault had dead-lettered', async () => {
    const request = jobRequest('rivera-household');
    await withRuntime(home, async (runtime) => {
      // Another system's malformed event: refused on first read, with the reason.
      runtime.putRaw({
        detailType: 'AnalysisRequested',
        source: 'partner.crm',
        detail: { version: 1, userId: 'rivera-household' },
      });
      // A good job that meets a fault: the portfolio table is gone while it is retried.
      await runtime.db.query('ALTER TABLE positions RENAME TO positions_away');
      runtime.sendJob(JSON.stringify(request));
      await runtime.idle();
      await runtime.db.query('ALTER TABLE positions_away RENAME TO positions');
    });

    const list = await run(['dlq', 'list', '--home', home, '--json'], dir);
    expect(list.code).toBe(0);
    const letters = JSON.parse(list.out);
    expect(letters).toHaveLength(2);
    const malformed = letters.find((l: { detailType?: string }) => l.detailType === 'AnalysisRequested');
    expect(malformed).toMatchObject({
      queue: 'alex-jobs-dlq',
      sourceQueue: 'alex-jobs',
      summary: 'AnalysisRequested from partner.crm, no jobId',
    });
    expect(malformed.reason).toMatch(/AnalysisRequested detail\.jobId/);
    const faulted = letters.find((l: { jobId?: string }) => l.jobId === request.jobId);
    expect(faulted).toMatchObject({
      queue: 'alex-jobs-dlq',
      summary: `job message, job ${request.jobId}`,
      receiveCount: 3,
    });
    expect(faulted.reason).toMatch(/positions/);

    const redrive = await run(['dlq', 'redrive', '--service', 'planner', '--home', home, '--json'], dir);
    expect(redrive.code).toBe(0);
    const outcome = JSON.parse(redrive.out);
    expect(outcome.redriven).toHaveLength(2);
    expect(outcome.jobsFinished).toEqual([{ jobId: request.jobId, outcome: 'AnalysisCompleted' }]);
    expect(outcome.returned).toHaveLength(1);
    expect(outcome.returned[0]).toMatchObject({
      queue: 'alex-jobs-dlq',
      summary: 'AnalysisRequested from partner.crm, no jobId',
    });
    expect(outcome.returned[0].reason).toMatch(/AnalysisRequested detail\.jobId/);
    expect(outcome.otherNewDeadLetters).toEqual([]);

    const state = await storedState(home);
    expect(state.analyses.map((a) => a.job_id).sort()).toEqual([jobId, request.jobId].sort());
    expect(state.deadLetters).toEqual([`alex-jobs-dlq: ${malformed.reason}`]);
  });
});

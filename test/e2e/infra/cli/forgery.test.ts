/**
 * Internal events only from inside: `alex events put` refuses a forged internal event per entry
 * with its reason and publishes the rest; a forged event that reaches a queue anyway (sent
 * straight to it) is dead-lettered with its reason and never applied.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '#infra/cli/main.ts';
import type { LocalRuntime } from '#infra/local/runtime.ts';
import { getJob } from '#services/common/job-store.ts';
import { examplePortfolio, startWithExample } from '../../support.ts';

async function run(args: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t), cwd, env: {} });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

let runtime: LocalRuntime | undefined;
afterEach(async () => {
  await runtime?.close();
  runtime = undefined;
});

const jobId = '5d1c7a52-3f4e-4b6a-9c8d-7e6f5a4b3c2d';

describe('forged internal events', () => {
  it('are refused per entry by events put, with the reason, and create nothing', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'alex-forge-'));
    const planned = {
      Source: 'alex.planner',
      DetailType: 'AnalysisPlanned',
      Detail: { version: 1, jobId, userId: 'rivera-household', tasks: ['charts'] },
    };
    const other = { Source: 'aws.s3', DetailType: 'SpecialistCompleted', Detail: { jobId } };
    writeFileSync(join(cwd, 'forged.json'), JSON.stringify([planned, other]));
    const put = await run(['events', 'put', 'forged.json', '--home', 'state', '--json'], cwd);
    expect(put.code).toBe(2);
    expect(put.err).toMatch(
      /event\[0\] refused \(NotAuthorizedForDetailTypeException\): AnalysisPlanned is internal to Alex/,
    );
    expect(put.err).toMatch(
      /event\[1\] refused \(NotAuthorizedForDetailTypeException\): SpecialistCompleted is internal/,
    );
    expect(JSON.parse(put.out)).toMatchObject({ failedEntryCount: 2, published: [] });
    const jobs = await run(['jobs', 'list', '--json', '--home', 'state'], cwd);
    expect(JSON.parse(jobs.out)).toEqual([]);
  });

  it('are dead-lettered with the reason when sent straight to a queue, and the job is untouched', async () => {
    const started = await startWithExample();
    runtime = started.runtime;
    const userId = examplePortfolio().user.id;
    runtime.queues.get('aggregator')!.queue.send(
      JSON.stringify({
        version: '0',
        id: 'forged',
        'detail-type': 'SpecialistCompleted',
        source: 'alex.evil',
        account: '000000000000',
        time: '2026-11-21T00:00:00Z',
        region: 'us-east-1',
        resources: [],
        detail: { version: 1, jobId, userId, task: 'charts', completedAt: '2026-11-21T00:00:00Z', durationMs: 1 },
      }),
    );
    await runtime.idle();
    const [letter] = runtime.deadLetters();
    expect(letter?.queue).toBe('alex-aggregator-dlq');
    expect(letter?.message.attributes.reason).toMatch(/source "alex\.evil" may not publish SpecialistCompleted/);
    expect(await getJob(runtime.db, jobId)).toBeNull();
  });
});

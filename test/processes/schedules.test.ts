/**
 * Scheduled analyses as a user meets them: `alex schedule add` beside a running `alex serve`
 * (through its API), the analysis appearing in `alex jobs list` on its slot with the jobId of
 * schedule and slot, and a restart that does not run the same slot again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { scheduledJobId } from '#events/scheduled-request.ts';
import { runAlex } from '#test/support/alex-process.ts';
import { apiClient, type ServeProcess, startServe } from '#test/support/serve-process.ts';

const home = mkdtempSync(join(tmpdir(), 'alex-sched-proc-'));
const servers: ServeProcess[] = [];
afterAll(() => {
  for (const server of servers) server.child.kill('SIGKILL');
  rmSync(home, { recursive: true, force: true });
});

async function jobsList() {
  const result = await runAlex(['jobs', 'list', '--json', '--home', home]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as Array<{ jobId: string; userId: string; status: string }>;
}

describe('alex serve fires schedules', () => {
  it('runs a schedule added beside it on its slot, once, across a restart', async () => {
    const first = await startServe(home);
    servers.push(first);
    await (await apiClient(first.url, home, 'sam')).putExamplePortfolio();
    // rate(…) fires its first slot at once: the time it was added.
    const added = await runAlex([
      'schedule',
      'add',
      '--user',
      'sam',
      '--cron',
      'rate(1 day)',
      '--json',
      '--home',
      home,
    ]);
    expect(added.code, added.stderr).toBe(0);
    const schedule = JSON.parse(added.stdout) as { id: string; createdAt: string };
    const jobId = scheduledJobId(schedule.id, schedule.createdAt);

    const statuses = await (await apiClient(first.url, home, 'sam')).waitFinal([jobId], 90_000);
    expect(statuses).toEqual(['completed']);
    first.child.kill('SIGTERM');
    await first.done;

    const second = await startServe(home);
    servers.push(second);
    // Two ticks' time: the recorded slot is not fired again.
    await new Promise((resolve) => setTimeout(resolve, 20_000));
    const listed = await runAlex(['schedule', 'list', '--user', 'sam', '--json', '--home', home]);
    expect(JSON.parse(listed.stdout)[0]).toMatchObject({ id: schedule.id, lastJobId: jobId });
    second.child.kill('SIGTERM');
    await second.done;
    expect((await jobsList()).filter((job) => job.userId === 'sam').map((job) => job.jobId)).toEqual([jobId]);
  }, 240_000);
});

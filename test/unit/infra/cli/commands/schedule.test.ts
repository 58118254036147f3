/**
 * `alex schedule` on a home no server owns (it opens the home's database itself): add with a
 * bare six-field cron, list, remove; another user's schedule is not theirs to remove; a bad
 * expression is one line naming the field, exit 2, nothing stored.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from '#infra/cli/main.ts';

const home = mkdtempSync(join(tmpdir(), 'alex-schedule-'));

async function run(...args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['schedule', ...args, '--home', home], {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    cwd: process.cwd(),
    env: {},
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('alex schedule', () => {
  it('adds, lists and removes a schedule for a user, reading a bare cron as cron(…)', async () => {
    const added = await run('add', '--user', 'sam', '--cron', '0 6 ? * MON *', '--timezone', 'Europe/Paris', '--json');
    expect(added.code).toBe(0);
    const view = JSON.parse(added.out);
    expect(view).toMatchObject({ expression: 'cron(0 6 ? * MON *)', timezone: 'Europe/Paris', tasks: null });
    // 06:00 in Paris is 05:00 UTC in winter, 04:00 UTC in summer: always on the hour, a Monday.
    expect(new Date(view.nextFireAt).getUTCDay()).toBe(1);
    expect([4, 5]).toContain(new Date(view.nextFireAt).getUTCHours());

    const listed = await run('list', '--user', 'sam');
    expect(listed.out).toContain(`${view.id}  cron(0 6 ? * MON *) Europe/Paris  next ${view.nextFireAt}`);
    expect((await run('list', '--user', 'kim')).out).toBe('no schedules for kim');

    const foreign = await run('remove', '--user', 'kim', view.id);
    expect(foreign).toMatchObject({ code: 2, err: `alex: kim has no schedule ${view.id}` });
    expect((await run('remove', '--user', 'sam', view.id)).out).toBe(`removed ${view.id}`);
    expect((await run('list', '--user', 'sam')).out).toBe('no schedules for sam');
  }, 60_000);

  it('refuses a bad expression in one line naming the field, storing nothing', async () => {
    const refused = await run('add', '--user', 'sam', '--cron', 'cron(0 6 * * MON *)');
    expect(refused.code).toBe(2);
    expect(refused.err).toMatch(
      /expression: "cron\(0 6 \* \* MON \*\)" exactly one of day-of-month and day-of-week must be \?/,
    );
    expect(refused.err).not.toMatch(/\n\s+at /);
    expect((await run('list', '--user', 'sam')).out).toBe('no schedules for sam');
  }, 60_000);
});

/**
 * `alex serve`'s scheduler on a fake clock and a migrated PGlite: due, missed (fires once on
 * start), overlapping ticks and slots, daylight-saving changes in Europe/London, and a restart
 * between sending a slot and recording it (the same jobId again, so the planner runs it once).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { scheduledJobId } from '#events/scheduled-request.ts';
import { LocalScheduler } from '#infra/schedules/local-firing.ts';
import { ScheduleService } from '#infra/schedules/schedules.ts';
import { migrate, migratedTemplate } from '#infra/storage/migrate.ts';
import { openPglite } from '#infra/storage/pglite.ts';
import { DATABASE_ROLES } from '#infra/topology.ts';
import { createJob } from '#services/common/job-store.ts';
import type { SqlDatabase } from '#services/common/sql-database.ts';
import { parsePlannerMessage } from '#services/planner/domain.ts';

let db: SqlDatabase;
let clock: number;
let sent: string[];
const set = (iso: string) => {
  clock = Date.parse(iso);
};
const scheduler = (send?: (body: string) => void) =>
  new LocalScheduler({ db, now: () => clock, send: send ?? ((body) => void sent.push(body)) });
const slotsOf = (bodies: string[]) => bodies.map((b) => JSON.parse(b).scheduledTime);

beforeEach(async () => {
  db = await openPglite(undefined, await migratedTemplate(DATABASE_ROLES));
  await migrate(db, undefined, DATABASE_ROLES);
  sent = [];
}, 60_000);
afterEach(async () => {
  await db.close();
});

async function add(expression: string, timezone = 'UTC', userId = 'household-42') {
  return new ScheduleService(db).add(userId, { expression, timezone }, new Date(clock));
}

/** Ticks every `stepMinutes` from the current clock to `until`. */
async function run(s: LocalScheduler, until: string, stepMinutes = 15) {
  while (clock < Date.parse(until)) {
    clock += stepMinutes * 60_000;
    await s.tick();
  }
}

describe('alex serve fires schedules', () => {
  it('fires a slot once when it is due, with the jobId of schedule and slot, in a message the planner accepts', async () => {
    set('2027-01-01T08:00:00Z');
    const { id } = await add('cron(0 9 * * ? *)');
    const s = scheduler();
    set('2027-01-01T08:59:59Z');
    expect(await s.tick()).toEqual([]);
    set('2027-01-01T09:00:10Z');
    const [fired] = await s.tick();
    expect(fired).toEqual({
      scheduleId: id,
      userId: 'household-42',
      slot: '2027-01-01T09:00:00Z',
      jobId: scheduledJobId(id, '2027-01-01T09:00:00Z'),
    });
    set('2027-01-01T09:00:25Z');
    expect(await s.tick()).toEqual([]);
    const message = parsePlannerMessage(sent[0]!);
    expect(message).toMatchObject({ kind: 'request', request: { jobId: fired!.jobId, userId: 'household-42' } });
    expect(sent).toHaveLength(1);
  });

  it('fires a schedule missed while the server was down once on start, for the latest slot', async () => {
    set('2027-01-01T08:00:00Z');
    await add('cron(0 9 * * ? *)');
    set('2027-01-01T09:00:05Z');
    await scheduler().tick();
    // Down from day 1 until day 5, 12:00: four slots missed.
    set('2027-01-05T12:00:00Z');
    const restarted = scheduler();
    expect((await restarted.tick()).map((f) => f.slot)).toEqual(['2027-01-05T09:00:00Z']);
    expect(await restarted.tick()).toEqual([]);
    expect(slotsOf(sent)).toEqual(['2027-01-01T09:00:00Z', '2027-01-05T09:00:00Z']);
  });

  it('shares one pass between overlapping ticks, and fires each schedule of the same slot as its own job', async () => {
    set('2027-01-01T08:00:00Z');
    const a = await add('cron(0 9 * * ? *)');
    const b = await add('cron(0 9 * * ? *)');
    const s = scheduler();
    set('2027-01-01T09:00:01Z');
    const [first, second] = await Promise.all([s.tick(), s.tick()]);
    expect(second).toBe(first);
    expect(first!.map((f) => f.jobId).sort()).toEqual(
      [scheduledJobId(a.id, '2027-01-01T09:00:00Z'), scheduledJobId(b.id, '2027-01-01T09:00:00Z')].sort(),
    );
    expect(sent).toHaveLength(2);
  });

  it('skips 01:30 on the day London springs forward and fires it once on the day it falls back', async () => {
    set('2027-03-26T12:00:00Z');
    await add('cron(30 1 * * ? *)', 'Europe/London');
    const s = scheduler();
    await run(s, '2027-03-29T12:00:00Z');
    set('2027-10-30T12:00:00Z');
    await run(s, '2027-11-01T12:00:00Z');
    expect(slotsOf(sent)).toEqual([
      '2027-03-27T01:30:00Z',
      '2027-03-29T00:30:00Z',
      '2027-10-30T00:30:00Z', // the catch-up of the missed summer: one fire, the latest slot
      '2027-10-31T00:30:00Z', // 01:30 BST; 01:30 GMT an hour later does not fire
      '2027-11-01T01:30:00Z',
    ]);
  });

  it('sends the same jobId again after a restart between send and record, and the planner makes one job', async () => {
    set('2027-01-01T08:00:00Z');
    await add('rate(1 hour)');
    set('2027-01-01T08:00:30Z');
    const crashing = scheduler((body) => {
      sent.push(body);
      throw new Error('the process died here');
    });
    await expect(crashing.tick()).rejects.toThrow('the process died here');
    await scheduler().tick();
    expect(sent).toHaveLength(2);
    const [one, two] = sent.map((body) => parsePlannerMessage(body));
    if (one?.kind !== 'request' || two?.kind !== 'request') throw new Error('expected job requests');
    expect(two.request.jobId).toBe(one.request.jobId);
    const job = { id: one.request.jobId, userId: 'household-42', tasks: [], deadline: '2027-01-01T09:00:00Z' };
    const created = [];
    for (const request of [one.request, two.request])
      created.push((await createJob(db, { ...job, requestedAt: request.requestedAt })).created);
    expect(created).toEqual([true, false]);
  });
});

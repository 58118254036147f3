/**
 * /v1/schedules over real parts (PGlite, JWTs from the local issuer, a Node server on loopback
 * whose every response is checked against the OpenAPI document): a user adds, lists and removes
 * schedules; another user never sees or removes them; bad expressions name the field and the fix.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiFixture, apiFixture, type Client, FakeClock, localAuth, nodeClient } from '#test/support/api.ts';

const clock = new FakeClock(Date.parse('2027-01-04T08:00:00Z')); // a Monday
let fixture: ApiFixture;
let client: Client;
let tokenOf: (user: string) => Promise<string>;

beforeAll(async () => {
  const { auth, tokenOf: signer } = await localAuth(clock);
  tokenOf = signer;
  fixture = await apiFixture(auth, { clock, rateLimit: { ratePerSecond: 1000, burst: 1000 } });
  client = await nodeClient(fixture.app);
}, 60_000);
afterAll(async () => {
  await client.close();
  await fixture.close();
});

async function call(user: string, method: string, path: string, body?: unknown) {
  const response = await client.send(path, {
    method,
    headers: { Authorization: `Bearer ${await tokenOf(user)}`, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
}

describe('/v1/schedules', () => {
  it('adds a schedule for the token user and lists it with its next slot in its time zone', async () => {
    const added = await call('ana', 'POST', '/v1/schedules', {
      expression: 'cron(0 9 ? * MON *)',
      timezone: 'America/New_York',
      tasks: ['report'],
    });
    expect(added.status).toBe(201);
    expect(added.headers.get('location')).toBe(`/v1/schedules/${added.body.id}`);
    // Monday 4 January 2027, 09:00 EST = 14:00 UTC, is after the clock's 08:00 UTC.
    expect(added.body).toMatchObject({
      expression: 'cron(0 9 ? * MON *)',
      timezone: 'America/New_York',
      tasks: ['report'],
      nextFireAt: '2027-01-04T14:00:00.000Z',
      lastFiredAt: null,
    });
    const listed = await call('ana', 'GET', '/v1/schedules');
    expect(listed.body.items.map((s: { id: string }) => s.id)).toContain(added.body.id);
  });

  it("never shows or removes another user's schedule", async () => {
    const added = await call('ana', 'POST', '/v1/schedules', { expression: 'rate(7 days)' });
    expect((await call('ben', 'GET', '/v1/schedules')).body.items).toEqual([]);
    const removal = await call('ben', 'DELETE', `/v1/schedules/${added.body.id}`);
    expect(removal.status).toBe(404);
    expect((await call('ana', 'GET', '/v1/schedules')).body.items.map((s: { id: string }) => s.id)).toContain(
      added.body.id,
    );
    expect((await call('ana', 'DELETE', `/v1/schedules/${added.body.id}`)).status).toBe(204);
    expect((await call('ana', 'DELETE', `/v1/schedules/${added.body.id}`)).status).toBe(404);
  });

  it.each([
    [{ expression: 'cron(0 9 * * * *)' }, 'expression', /exactly one of day-of-month and day-of-week must be \?/],
    [{ expression: 'rate(5 weeks)' }, 'expression', /needs a whole number and a unit/],
    [{ expression: 'at(2026-01-01T09:00:00)' }, 'expression', /never fires again/],
    [{ expression: 'at(2027-03-14T02:30:00)', timezone: 'America/New_York' }, 'expression', /does not exist/],
    [{ expression: 'rate(1 day)', timezone: 'Moon/Base' }, 'timezone', /is not an IANA time zone/],
    [{ expression: 'rate(1 day)', tasks: ['poetry'] }, 'schedule.tasks[0]', /./],
  ])('refuses %j, naming %s', async (body, field, why) => {
    const refused = await call('ana', 'POST', '/v1/schedules', body);
    expect(refused.status).toBe(400);
    expect(refused.body.errors[0].field).toBe(field);
    expect(refused.body.detail).toMatch(why);
  });

  it('refuses a schedule beyond the 20 a user may have, saying what to do', async () => {
    const existing = (await call('cyd', 'GET', '/v1/schedules')).body.items.length;
    for (let i = existing; i < 20; i++)
      expect((await call('cyd', 'POST', '/v1/schedules', { expression: 'rate(1 day)' })).status).toBe(201);
    const refused = await call('cyd', 'POST', '/v1/schedules', { expression: 'rate(1 day)' });
    expect(refused.status).toBe(400);
    expect(refused.body.detail).toMatch(/at most 20 schedules: remove one first/);
  });
});

/**
 * The API over real parts (PGlite, the SQL store, JWTs from the local issuer): two users never
 * see each other's data on any route, the per-user rate limit follows a fake clock, SSE resumes
 * after Last-Event-ID, and the OpenAPI document is valid OpenAPI 3.1. Every response is checked
 * against that document by the clients in test/support/api.ts.
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApiDocument } from '#infra/api/openapi.ts';
import { advanceJob } from '#services/common/job-store.ts';
import type { SqlDatabase } from '#services/common/sql-database.ts';
import { EXAMPLE_PATH } from '#test/e2e/support.ts';
import {
  type ApiFixture,
  apiFixture,
  FakeClock,
  lambdaClient,
  localAuth,
  migratedDatabase,
  nodeClient,
} from '#test/support/api.ts';

const example = () => JSON.parse(readFileSync(EXAMPLE_PATH, 'utf8'));
const clock = new FakeClock(Date.now());
let db: SqlDatabase;
let fixture: ApiFixture;
let tokenOf: (user: string) => Promise<string>;

beforeAll(async () => {
  const { auth, tokenOf: signer } = await localAuth(clock);
  tokenOf = signer;
  db = await migratedDatabase();
  fixture = await apiFixture(auth, { db, clock, rateLimit: { ratePerSecond: 1000, burst: 1000 }, heartbeatMs: 50 });
}, 60_000);
afterAll(async () => {
  await db.close();
});

const json = (token: string, method: string, body?: unknown, extra: Record<string, string> = {}): RequestInit => ({
  method,
  headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json', ...extra },
  body: body === undefined ? undefined : JSON.stringify(body),
});

describe('the OpenAPI document', () => {
  it('is valid OpenAPI 3.1 (the OAI schema for 3.1 documents)', () => {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    (addFormats as unknown as (a: Ajv2020) => void)(ajv);
    const schema = JSON.parse(
      readFileSync(new URL('../../../support/openapi-3.1-schema.json', import.meta.url), 'utf8'),
    );
    const validate = ajv.compile(schema);
    expect(validate(openApiDocument()), JSON.stringify(validate.errors)).toBe(true);
  });

  it('is what GET /openapi.json serves', async () => {
    const response = await lambdaClient(fixture.app).send('/openapi.json');
    expect(await response.json()).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });
});

describe.each(['node server', 'lambda adapter'])('two users through the %s', (name) => {
  it('each sees only their own portfolio and analyses on every route; the other user gets 404', async () => {
    const client = name === 'node server' ? await nodeClient(fixture.app) : lambdaClient(fixture.app);
    try {
      const alice = await tokenOf(`alice-${name.split(' ')[0]}`);
      const bob = await tokenOf(`bob-${name.split(' ')[0]}`);
      // A user.id in the body is not trusted: the owner is the token subject.
      const body = { ...example(), user: { ...example().user, id: 'bob-node' } };
      const put = await client.send('/v1/portfolio', json(alice, 'PUT', body));
      expect(put.status).toBe(200);
      expect(((await put.json()) as { user: { id: string } }).user.id).toBe(`alice-${name.split(' ')[0]}`);
      expect((await client.send('/v1/portfolio', json(bob, 'GET'))).status).toBe(404);

      const submit = await client.send('/v1/analyses', json(alice, 'POST', {}));
      expect(submit.status).toBe(202);
      const job = (await submit.json()) as { jobId: string };
      expect(submit.headers.get('location')).toBe(`/v1/analyses/${job.jobId}`);
      expect(fixture.submitted.find((r) => r.jobId === job.jobId)?.userId).toBe(`alice-${name.split(' ')[0]}`);
      fixture.feed.emit(job.jobId, 'AnalysisPlanned', { tasks: ['report'] });
      await advanceJob(db, job.jobId, 'failed', { error: 'test', finishedAt: new Date().toISOString() });
      fixture.feed.emit(job.jobId, 'AnalysisFailed', { reason: 'test' });

      for (const route of ['', '/report.html', '/report.md', '/events']) {
        const path = `/v1/analyses/${job.jobId}${route}`;
        const mine = await client.send(path, json(alice, 'GET'));
        expect(mine.status, path).toBe(route.startsWith('/report') ? 404 : 200);
        const theirs = await client.send(path, json(bob, 'GET'));
        expect(theirs.status, path).toBe(404);
        expect(((await theirs.json()) as { detail: string }).detail).toBe('no such analysis');
      }
      const missing = await client.send(`/v1/analyses/${crypto.randomUUID()}`, json(bob, 'GET'));
      expect(((await missing.json()) as { detail: string }).detail).toBe('no such analysis');
      const aliceList = (await (await client.send('/v1/analyses', json(alice, 'GET'))).json()) as { items: unknown[] };
      const bobList = (await (await client.send('/v1/analyses', json(bob, 'GET'))).json()) as { items: unknown[] };
      expect(aliceList.items).toHaveLength(1);
      expect(bobList.items).toHaveLength(0);
      // Bob cannot submit against Alice's portfolio either: he has none.
      expect((await client.send('/v1/analyses', json(bob, 'POST'))).status).toBe(409);
    } finally {
      await client.close();
    }
  });
});

describe('requests', () => {
  it('a retried POST with the same Idempotency-Key returns the same job and is sent once', async () => {
    const client = lambdaClient(fixture.app);
    const token = await tokenOf('idem');
    await client.send('/v1/portfolio', json(token, 'PUT', example()));
    const first = await client.send('/v1/analyses', json(token, 'POST', {}, { 'Idempotency-Key': 'k-1' }));
    const firstJob = (await first.json()) as { jobId: string };
    await advanceJob(db, firstJob.jobId, 'planned');
    const again = await client.send('/v1/analyses', json(token, 'POST', {}, { 'Idempotency-Key': 'k-1' }));
    expect(again.status).toBe(202);
    expect(((await again.json()) as { jobId: string }).jobId).toBe(firstJob.jobId);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(fixture.submitted.filter((r) => r.jobId === firstJob.jobId)).toHaveLength(1);
    const other = await client.send('/v1/analyses', json(token, 'POST', {}, { 'Idempotency-Key': 'k-2' }));
    expect(((await other.json()) as { jobId: string }).jobId).not.toBe(firstJob.jobId);
  });

  it('lists newest first a page at a time with an opaque cursor; a forged cursor is a 400 naming it', async () => {
    const client = lambdaClient(fixture.app);
    const token = await tokenOf('pages');
    await client.send('/v1/portfolio', json(token, 'PUT', example()));
    const submitted: string[] = [];
    for (let i = 0; i < 3; i++) {
      clock.advance(1000);
      const response = await client.send('/v1/analyses', json(token, 'POST'));
      submitted.push(((await response.json()) as { jobId: string }).jobId);
    }
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : '?limit=2';
      const page = (await (await client.send(`/v1/analyses${query}`, json(token, 'GET'))).json()) as {
        items: Array<{ jobId: string }>;
        nextCursor: string | null;
      };
      seen.push(...page.items.map((item) => item.jobId));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...submitted].reverse());
    const forged = await client.send('/v1/analyses?cursor=bm90LWEtY3Vyc29y', json(token, 'GET'));
    expect(forged.status).toBe(400);
    expect(((await forged.json()) as { errors: Array<{ field: string }> }).errors[0]!.field).toBe('cursor');
  });

  it('the job resource has an ETag, and If-None-Match gives 304', async () => {
    const client = await nodeClient(fixture.app);
    try {
      const token = await tokenOf('etag');
      await client.send('/v1/portfolio', json(token, 'PUT', example()));
      const { jobId } = (await (await client.send('/v1/analyses', json(token, 'POST'))).json()) as { jobId: string };
      const first = await client.send(`/v1/analyses/${jobId}`, json(token, 'GET'));
      const etag = first.headers.get('etag')!;
      expect(etag).toMatch(/^"[A-Za-z0-9_-]+"$/);
      const again = await client.send(
        `/v1/analyses/${jobId}`,
        json(token, 'GET', undefined, { 'If-None-Match': etag }),
      );
      expect(again.status).toBe(304);
      await advanceJob(db, jobId, 'planned', { plannedAt: new Date().toISOString() });
      const changed = await client.send(
        `/v1/analyses/${jobId}`,
        json(token, 'GET', undefined, { 'If-None-Match': etag }),
      );
      expect(changed.status).toBe(200);
    } finally {
      await client.close();
    }
  });

  it('a finished job answers the same body and ETag to every poll, and still 404 to another user', async () => {
    const client = await nodeClient(fixture.app);
    try {
      const token = await tokenOf('finished');
      await client.send('/v1/portfolio', json(token, 'PUT', example()));
      const { jobId } = (await (await client.send('/v1/analyses', json(token, 'POST'))).json()) as { jobId: string };
      const finishedAt = new Date(clock.now()).toISOString();
      await advanceJob(db, jobId, 'failed', { error: 'deadline passed', finishedAt });
      // The first poll reads the database, the later ones are answered from what it kept.
      const polls = [];
      for (let i = 0; i < 3; i++) polls.push(await client.send(`/v1/analyses/${jobId}`, json(token, 'GET')));
      const bodies = await Promise.all(polls.map((poll) => poll.text()));
      expect(new Set(bodies).size).toBe(1);
      expect(new Set(polls.map((poll) => poll.headers.get('etag'))).size).toBe(1);
      expect(JSON.parse(bodies[0]!)).toMatchObject({ jobId, status: 'failed', error: 'deadline passed', finishedAt });
      expect(polls[2]!.headers.get('content-length')).toBe(String(Buffer.byteLength(bodies[0]!)));
      const other = await client.send(`/v1/analyses/${jobId}`, json(await tokenOf('finished-other'), 'GET'));
      expect(other.status).toBe(404);
    } finally {
      await client.close();
    }
  });

  it('a bad portfolio is a problem naming each field; a body over 1 MiB is 413; not JSON is 415', async () => {
    const client = lambdaClient(fixture.app);
    const token = await tokenOf('bad-input');
    const bad = example();
    bad.accounts[0].cash = -5;
    const response = await client.send('/v1/portfolio', json(token, 'PUT', bad));
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    const problem = (await response.json()) as { errors: Array<{ field: string; message: string }> };
    expect(problem.errors).toContainEqual({ field: 'accounts[0].cash', message: 'must not be negative' });
    const big = await client.send('/v1/portfolio', json(token, 'PUT', { pad: 'x'.repeat(1024 * 1024) }));
    expect(big.status).toBe(413);
    const text = await client.send('/v1/portfolio', {
      ...json(token, 'PUT', example()),
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'text/plain' },
    });
    expect(text.status).toBe(415);
  });

  it('every answer carries the security headers; HSTS only over TLS', async () => {
    const lambda = await lambdaClient(fixture.app).send('/healthz');
    const node = await nodeClient(fixture.app);
    try {
      const plain = await node.send('/healthz');
      for (const response of [lambda, plain]) {
        const csp = response.headers.get('content-security-policy')!;
        expect(csp).toContain("frame-ancestors 'none'");
        expect(csp).not.toContain('unsafe-inline');
        expect(response.headers.get('x-content-type-options')).toBe('nosniff');
        expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      }
      expect(lambda.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(plain.headers.get('strict-transport-security')).toBeNull();
    } finally {
      await node.close();
    }
  });

  it('CORS answers only origins on the allow-list', async () => {
    const cors = await apiFixture(fixture.ports.auth, { db, corsOrigins: ['https://app.example'] });
    const client = lambdaClient(cors.app);
    const preflight = (origin: string) =>
      client.send('/v1/analyses', {
        method: 'OPTIONS',
        headers: { Origin: origin, 'Access-Control-Request-Method': 'POST' },
      });
    expect((await preflight('https://app.example')).headers.get('access-control-allow-origin')).toBe(
      'https://app.example',
    );
    expect((await preflight('https://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('CORS on a plain GET: an allowed origin is named, every answer varies by Origin', async () => {
    const cors = await apiFixture(fixture.ports.auth, { db, corsOrigins: ['https://app.example'] });
    const node = await nodeClient(cors.app);
    try {
      const token = await tokenOf('cors-get');
      const get = (headers: Record<string, string>) =>
        node.send('/v1/analyses', json(token, 'GET', undefined, headers));
      const allowed = await get({ Origin: 'https://app.example' });
      expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example');
      expect(allowed.headers.get('access-control-expose-headers')).toContain('ETag');
      expect(allowed.headers.get('vary')).toBe('Origin');
      const other = await get({ Origin: 'https://evil.example' });
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      expect(other.headers.get('vary')).toBe('Origin');
      const none = await get({});
      expect(none.status).toBe(200);
      expect(none.headers.get('access-control-allow-origin')).toBeNull();
      expect(none.headers.get('vary')).toBe('Origin');
      expect(none.headers.get('x-content-type-options')).toBe('nosniff');
    } finally {
      await node.close();
    }
  });
});

describe('rate limit', () => {
  it('a user past the burst gets 429 with Retry-After and RateLimit headers; another user does not; time refills', async () => {
    const fake = new FakeClock();
    const { auth, tokenOf: tokenAt } = await localAuth(fake);
    const limited = await apiFixture(auth, { db, clock: fake, rateLimit: { ratePerSecond: 2, burst: 3 } });
    const client = lambdaClient(limited.app);
    const a = await tokenAt('rl-a');
    const b = await tokenAt('rl-b');
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await client.send('/v1/analyses', json(a, 'GET'))).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const refused = await client.send('/v1/analyses', json(a, 'GET'));
    // Bucket empty, 2 tokens a second: the next token is 0.5 s away, said as 1 s.
    expect(refused.headers.get('retry-after')).toBe('1');
    expect(refused.headers.get('ratelimit-policy')).toBe('"burst";q=3;w=2');
    expect(refused.headers.get('ratelimit')).toBe('"burst";r=0;t=2');
    expect((await client.send('/v1/analyses', json(b, 'GET'))).status).toBe(200);
    fake.advance(500);
    expect((await client.send('/v1/analyses', json(a, 'GET'))).status).toBe(200);
    expect((await client.send('/v1/analyses', json(a, 'GET'))).status).toBe(429);
  });
});

describe('server-sent events', () => {
  async function readEvents(
    response: Response,
    count: number,
  ): Promise<{ ids: string[]; heartbeats: number; done: boolean }> {
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const ids = () => [...text.matchAll(/^id: (\d+)$/gm)].map((m) => m[1]!);
    let done = false;
    while (ids().length < count) {
      const chunk = await reader.read();
      if (chunk.done) {
        done = true;
        break;
      }
      text += decoder.decode(chunk.value);
    }
    if (!done) await reader.cancel();
    return { ids: ids(), heartbeats: text.split(': heartbeat').length - 1, done };
  }

  it('streams events live, resumes after Last-Event-ID with nothing lost or repeated, and ends at the final event', async () => {
    const client = await nodeClient(fixture.app);
    try {
      const token = await tokenOf('sse');
      await client.send('/v1/portfolio', json(token, 'PUT', example()));
      const { jobId } = (await (await client.send('/v1/analyses', json(token, 'POST'))).json()) as { jobId: string };
      fixture.feed.emit(jobId, 'AnalysisPlanned', { tasks: ['report', 'charts'] });
      fixture.feed.emit(jobId, 'SpecialistCompleted', { task: 'report' });
      const first = await client.send(`/v1/analyses/${jobId}/events`, json(token, 'GET'));
      expect(first.headers.get('content-type')).toMatch(/^text\/event-stream/);
      setTimeout(() => fixture.feed.emit(jobId, 'SpecialistCompleted', { task: 'charts' }), 120);
      const seen = await readEvents(first, 3);
      expect(seen.ids).toEqual(['1', '2', '3']);
      expect(seen.heartbeats).toBeGreaterThanOrEqual(1);

      fixture.feed.emit(jobId, 'AnalysisCompleted', { status: 'completed' });
      const resumed = await client.send(
        `/v1/analyses/${jobId}/events`,
        json(token, 'GET', undefined, { 'Last-Event-ID': '2' }),
      );
      const rest = await readEvents(resumed, 99);
      expect(rest.ids).toEqual(['3', '4']);
      expect(rest.done).toBe(true);
    } finally {
      await client.close();
    }
  });
});

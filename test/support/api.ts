/**
 * What the API tests share: the app over real parts (PGlite with the migrations, the SQL store),
 * an event feed a test drives, a submitter that records what reached the jobs queue, and two
 * ways in — a Node HTTP server on loopback and the Lambda adapter with API Gateway v2 events —
 * each checking every response against the served OpenAPI document.
 */
import { mkdtempSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { serve } from '@hono/node-server';
import type { Hono } from 'hono';
import { handle } from 'hono/aws-lambda';
import type { Detail } from '#events/catalog.ts';
import { type ApiOptions, createApiApp } from '#infra/api/app.ts';
import { jwtVerifier } from '#infra/api/auth.ts';
import {
  LOCAL_AUDIENCE,
  LOCAL_ISSUER,
  loadOrCreateSigningKey,
  publicJwks,
  signLocalToken,
} from '#infra/api/local-issuer.ts';
import type { ApiPorts, AuthVerifier, Clock, EventFeed, JobEvent } from '#infra/api/ports.ts';
import { sqlApiStore } from '#infra/api/sql-store.ts';
import { ScheduleService } from '#infra/schedules/schedules.ts';
import { migrate } from '#infra/storage/migrate.ts';
import { openPglite } from '#infra/storage/pglite.ts';
import type { SqlDatabase } from '#services/common/sql-database.ts';
import { checkResponse } from './openapi-check.ts';

export class FakeClock implements Clock {
  constructor(public ms = Date.parse('2026-11-29T12:00:00Z')) {}
  now(): number {
    return this.ms;
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** An event feed a test writes to, numbering each job's events as the local feed does. */
export class ScriptedFeed implements EventFeed {
  private readonly byJob = new Map<string, JobEvent[]>();
  private readonly listeners = new Map<string, Set<(event: JobEvent) => void>>();
  emit(jobId: string, detailType: string, data: Record<string, unknown> = {}): JobEvent {
    const events = this.byJob.get(jobId) ?? [];
    const event = { seq: events.length + 1, detailType, time: new Date().toISOString(), data };
    events.push(event);
    this.byJob.set(jobId, events);
    for (const listener of this.listeners.get(jobId) ?? []) listener(event);
    return event;
  }
  async history(_userId: string, jobId: string) {
    return [...(this.byJob.get(jobId) ?? [])];
  }
  subscribe(_userId: string, jobId: string, listener: (event: JobEvent) => void) {
    const set = this.listeners.get(jobId) ?? new Set();
    set.add(listener);
    this.listeners.set(jobId, set);
    return () => set.delete(listener);
  }
}

/**
 * The local issuer as `alex serve` runs it: a signing key in a fresh folder, the API's verifier for
 * it, and tokens it signs for a user, both at `clock`'s time when one is given.
 */
export async function localAuth(
  clock?: Clock,
): Promise<{ auth: AuthVerifier; tokenOf: (user: string) => Promise<string> }> {
  const key = await loadOrCreateSigningKey(mkdtempSync(join(tmpdir(), 'alex-api-')));
  return {
    auth: jwtVerifier({
      keys: publicJwks(key),
      issuer: LOCAL_ISSUER,
      audience: LOCAL_AUDIENCE,
      ...(clock ? { clock } : {}),
    }),
    tokenOf: (user) => signLocalToken(key, { userId: user, ...(clock ? { now: clock.now() } : {}) }),
  };
}

export interface ApiFixture {
  app: Hono;
  db: SqlDatabase;
  feed: ScriptedFeed;
  submitted: Array<Detail<'AnalysisRequested'>>;
  ports: ApiPorts;
  close(): Promise<void>;
}

/** `db` shares one migrated database between fixtures (PGlite takes seconds to start); it is not closed then. */
export async function apiFixture(
  auth: AuthVerifier,
  options: ApiOptions & { clock?: Clock; db?: SqlDatabase } = {},
): Promise<ApiFixture> {
  const db = options.db ?? (await migratedDatabase());
  const feed = new ScriptedFeed();
  const submitted: Array<Detail<'AnalysisRequested'>> = [];
  const ports: ApiPorts = {
    jobs: { submit: async (request) => void submitted.push(request) },
    store: sqlApiStore(db),
    events: feed,
    auth,
    clock: options.clock ?? { now: () => Date.now() },
    schedules: new ScheduleService(db),
  };
  const app = createApiApp(ports, options) as unknown as Hono;
  return {
    app,
    db,
    feed,
    submitted,
    ports,
    close: async () => {
      if (!options.db) await db.close();
    },
  };
}

export async function migratedDatabase(): Promise<SqlDatabase> {
  const db = await openPglite();
  await migrate(db);
  return db;
}

export type Send = (path: string, init?: RequestInit) => Promise<Response>;

export interface Client {
  name: string;
  send: Send;
  close(): Promise<void>;
}

/** Through a real Node HTTP server on loopback, as `alex serve` runs the app. */
export async function nodeClient(app: Hono): Promise<Client> {
  const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
    const started = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(started));
  });
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    name: 'node server',
    send: checked((path, init) => fetch(base + path, init)),
    close: () =>
      new Promise<void>((resolve) => {
        (server as import('node:http').Server).closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Through hono/aws-lambda with the API Gateway HTTP API (payload 2.0) event the JWT route receives. */
export function lambdaClient(app: Hono): Client {
  const handler = handle(app);
  return {
    name: 'lambda adapter',
    send: checked(async (path, init = {}) => {
      const url = new URL(path, 'https://api.example.com');
      const headers: Record<string, string> = {};
      new Headers(init.headers).forEach((value, key) => {
        headers[key] = value;
      });
      const body = init.body === undefined || init.body === null ? undefined : String(init.body);
      const event = {
        version: '2.0',
        routeKey: '$default',
        rawPath: url.pathname,
        rawQueryString: url.search.slice(1),
        headers: { host: url.host, 'x-forwarded-proto': 'https', ...headers },
        requestContext: {
          accountId: '000000000000',
          apiId: 'api',
          domainName: url.host,
          domainPrefix: 'api',
          http: {
            method: init.method ?? 'GET',
            path: url.pathname,
            protocol: 'HTTP/1.1',
            sourceIp: '127.0.0.1',
            userAgent: 'test',
          },
          requestId: crypto.randomUUID(),
          routeKey: '$default',
          stage: '$default',
          time: new Date().toUTCString(),
          timeEpoch: Date.now(),
        },
        body,
        isBase64Encoded: false,
      };
      const result = (await handler(event as never, {} as never)) as {
        statusCode: number;
        headers?: Record<string, string>;
        multiValueHeaders?: Record<string, string[]>;
        body: string;
        isBase64Encoded: boolean;
      };
      const responseHeaders = new Headers(result.headers ?? {});
      for (const [key, values] of Object.entries(result.multiValueHeaders ?? {}))
        for (const value of values) responseHeaders.append(key, value);
      const text = result.isBase64Encoded ? Buffer.from(result.body, 'base64').toString('utf8') : result.body;
      const nullBody = result.statusCode === 304 || result.statusCode === 204;
      return new Response(nullBody ? null : text, { status: result.statusCode, headers: responseHeaders });
    }),
    close: async () => undefined,
  };
}

/** Wraps a sender so every response is checked against the OpenAPI document before the test sees it. */
function checked(send: Send): Send {
  return async (path, init) => {
    const response = await send(path, init);
    if (response.headers.get('content-type')?.startsWith('text/event-stream')) {
      checkResponse(init?.method ?? 'GET', path, response.status, response.headers, undefined);
      return response;
    }
    const text = await response.text();
    checkResponse(init?.method ?? 'GET', path, response.status, response.headers, text);
    const empty = response.status === 204 || response.status === 304;
    return new Response(empty ? null : text, { status: response.status, headers: response.headers });
  };
}

export function bearer(token: string, extra: Record<string, string> = {}): RequestInit {
  return { headers: { Authorization: `Bearer ${token}`, ...extra } };
}

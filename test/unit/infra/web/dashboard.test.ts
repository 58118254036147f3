/**
 * The dashboard as `alex serve` serves it, through the API app: index.html with the one CSP and
 * no-cache, fingerprinted assets cached for a year, config.json; and local sign-in, which mints a
 * token only for a same-origin JSON POST from a loopback Host carrying the printed code.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiApp } from '#infra/api/app.ts';
import {
  LOCAL_AUDIENCE,
  LOCAL_ISSUER,
  loadOrCreateSigningKey,
  publicJwks,
  signLocalToken,
} from '#infra/api/local-issuer.ts';
import type { ApiPorts } from '#infra/api/ports.ts';
import { buildWeb, type WebBuildState } from '#infra/web/build.ts';
import { dashboardCsp } from '#infra/web/csp.ts';
import { dashboardApp } from '#infra/web/dashboard.ts';
import type { LocalSignIn } from '#infra/web/local-signin.ts';

const CODE = 'the-code-alex-serve-printed';
let out: string;
let build: WebBuildState;
let key: Awaited<ReturnType<typeof loadOrCreateSigningKey>>;

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'alex-web-build-'));
  const manifest = await buildWeb(undefined, join(out, 'web'));
  build = { kind: 'ready', dir: join(out, 'web'), manifest, rebuilt: true };
  key = await loadOrCreateSigningKey(out);
}, 60_000);
afterAll(() => rmSync(out, { recursive: true, force: true }));

/** Only the dashboard's routes run here; the API's ports are never reached. */
function app(options: { local?: boolean; state?: WebBuildState } = {}) {
  const localSignIn: LocalSignIn | undefined =
    options.local === false
      ? undefined
      : {
          code: CODE,
          sign: (userId, ttlSeconds) => signLocalToken(key, { userId, ttlSeconds }),
          users: async () => [{ id: 'sam', name: 'Sam Rivera' }],
        };
  const dashboard = dashboardApp({ build: options.state ?? build, localSignIn, issuer: 'https://issuer.example' });
  return createApiApp({} as ApiPorts, { mounts: [{ path: '/', app: dashboard }] });
}

const HOST = '127.0.0.1:8080';
function signIn(body: unknown, headers: Record<string, string> = {}) {
  return app().request(`http://${HOST}/local/session`, {
    method: 'POST',
    headers: {
      Host: HOST,
      Origin: `http://${HOST}`,
      'Content-Type': 'application/json',
      'X-Alex-Dashboard': '1',
      ...headers,
    },
    body: JSON.stringify(body),
  });
}

describe('serving the dashboard', () => {
  it('sends index.html with the CSP of csp.ts and no-cache, naming the fingerprinted assets', async () => {
    const response = await app().request('http://127.0.0.1/');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(dashboardCsp());
    expect(response.headers.get('cache-control')).toBe('no-cache');
    const html = await response.text();
    expect(html).toContain(`src="${build.kind === 'ready' ? build.manifest.script : ''}"`);
    expect(html).not.toMatch(/<script>|<style>| style=/);
  });

  it('caches a fingerprinted asset for a year, and knows no other name', async () => {
    if (build.kind !== 'ready') throw new Error('no build');
    const asset = await app().request(`http://127.0.0.1/${build.manifest.script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    expect(asset.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await app().request('http://127.0.0.1/assets/..%2Fbuild.json')).status).toBe(404);
    expect((await app().request('http://127.0.0.1/assets/app-ZZZZZZZZ.js')).status).toBe(404);
  });

  it('tells the page how people sign in: locally, or with the configured issuer', async () => {
    expect(await (await app().request('http://127.0.0.1/config.json')).json()).toEqual({ auth: { kind: 'local' } });
    expect(await (await app({ local: false }).request('http://127.0.0.1/config.json')).json()).toEqual({
      auth: { kind: 'token', issuer: 'https://issuer.example' },
    });
    expect((await app({ local: false }).request('http://127.0.0.1/local/session', { method: 'POST' })).status).toBe(
      404,
    );
  });

  it('says how to build the dashboard when there is no build', async () => {
    const response = await app({
      state: { kind: 'missing', reason: 'no dashboard build; run `npm run build`' },
    }).request('http://127.0.0.1/');
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('no dashboard build; run `npm run build`');
  });
});

describe('local sign-in', () => {
  it('mints a token of the local issuer for the user picked, valid eight hours', async () => {
    const response = await signIn({ code: CODE, userId: 'sam' });
    expect(response.status).toBe(200);
    expect(response.headers.get('cache-control')).toBe('no-store');
    const { token, userId } = (await response.json()) as { token: string; userId: string };
    expect(userId).toBe('sam');
    const { payload } = await jwtVerify(
      token,
      async () => (await import('jose')).importJWK(publicJwks(key).keys[0]!, 'ES256'),
      {
        issuer: LOCAL_ISSUER,
        audience: LOCAL_AUDIENCE,
      },
    );
    expect(payload.sub).toBe('sam');
    expect(payload.exp! - payload.iat!).toBe(8 * 3600);
  });

  it.each([
    ['a wrong code', { code: 'not-the-code', userId: 'sam' }, {}, 401],
    ['another origin', { code: CODE, userId: 'sam' }, { Origin: 'http://evil.example' }, 403],
    ['no Origin', { code: CODE, userId: 'sam' }, { Origin: '' }, 403],
    [
      'a rebinding host name',
      { code: CODE, userId: 'sam' },
      { Host: 'evil.example:8080', Origin: 'http://evil.example:8080' },
      403,
    ],
    ['no X-Alex-Dashboard header', { code: CODE, userId: 'sam' }, { 'X-Alex-Dashboard': '' }, 400],
    ['a form post', { code: CODE, userId: 'sam' }, { 'Content-Type': 'application/x-www-form-urlencoded' }, 400],
  ])('refuses %s', async (_case, body, headers, status) => {
    const response = await signIn(body, headers as Record<string, string>);
    expect(response.status).toBe(status);
    expect(JSON.stringify(await response.json())).not.toContain('eyJ');
  });

  it('names the field when the user id is not one the API accepts', async () => {
    const response = await signIn({ code: CODE, userId: 'no spaces' });
    expect(response.status).toBe(400);
    const problem = (await response.json()) as { errors: Array<{ field: string }> };
    expect(problem.errors.map((e) => e.field)).toEqual(['userId']);
  });

  it('lists the users with a portfolio only to a caller with the code', async () => {
    const ask = (code: string) =>
      app().request(`http://${HOST}/local/users`, {
        method: 'POST',
        headers: { Host: HOST, Origin: `http://${HOST}`, 'Content-Type': 'application/json', 'X-Alex-Dashboard': '1' },
        body: JSON.stringify({ code }),
      });
    expect(await (await ask(CODE)).json()).toEqual({ users: [{ id: 'sam', name: 'Sam Rivera' }] });
    expect((await ask('wrong')).status).toBe(401);
  });
});

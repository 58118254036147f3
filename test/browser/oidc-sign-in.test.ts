/**
 * The dashboard's OIDC sign-in in Debian's chromium: the built page served as the AlexWeb stack
 * serves it (static files, its CSP, a config.json saying oidc) beside a loopback OIDC provider
 * that also stands in for the API. Code flow with PKCE through the real redirects, the state
 * check, the token kept in sessionStorage only, and sign-out.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureWebBuild } from '#infra/web/build.ts';
import { dashboardCsp } from '#infra/web/csp.ts';
import { DESKTOP, launchChromium, type PageProblems, watch } from '#test/support/browser.ts';
import { listen, shutDown } from '#test/support/loopback.ts';
import { type OidcProvider, startOidcProvider } from '#test/support/oidc-provider.ts';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css' };

let provider: OidcProvider;
let site: Server;
let siteUrl: string;
let browser: Browser;

/** The built dashboard and a config.json naming the provider, with the stack's CSP. */
async function startSite(dir: string, issuer: string): Promise<void> {
  const config = {
    apiUrl: issuer,
    auth: { kind: 'oidc', issuer, clientId: 'dash', audience: 'alex-api', scopes: ['openid', 'profile'] },
  };
  const csp = dashboardCsp({ connect: [issuer] });
  site = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/config.json')
      return void res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(config));
    const file = normalize(path === '/' ? '/index.html' : path);
    try {
      const body = readFileSync(join(dir, file));
      res.writeHead(200, {
        'Content-Type': TYPES[extname(file)] ?? 'application/octet-stream',
        'Content-Security-Policy': csp,
      });
      res.end(body);
    } catch {
      res.writeHead(404).end();
    }
  });
  siteUrl = await listen(site);
}

beforeAll(async () => {
  const build = await ensureWebBuild();
  if (build.kind !== 'ready') throw new Error('no dashboard build');
  provider = await startOidcProvider({ clientId: 'dash', audience: 'alex-api', user: 'alice' });
  await startSite(build.dir, provider.issuer);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  if (site) await shutDown(site);
  await provider?.close();
});

async function open(): Promise<{ page: Page; problems: PageProblems }> {
  const page = await (await browser.newContext({ viewport: DESKTOP })).newPage();
  return { page, problems: await watch(page) };
}

// Expressions, not functions: this file is typed for Node, where the browser's storages do not exist.
const stored = (page: Page, key: string) =>
  page.evaluate<string | null>(`sessionStorage.getItem(${JSON.stringify(key)})`);

describe('OIDC sign-in from the dashboard', () => {
  it('signs in by code with PKCE, keeps the access token in sessionStorage and calls the API with it', async () => {
    const { page, problems } = await open();
    await page.goto(`${siteUrl}/`);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText('Signed in as alice').waitFor();

    const authorize = provider.authorizeRequests.at(-1)!;
    expect(authorize.get('redirect_uri')).toBe(`${siteUrl}/`);
    expect(authorize.get('scope')).toBe('openid profile');
    expect(authorize.get('audience')).toBe('alex-api');
    expect(authorize.get('state')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(provider.tokenRequests.map((request) => request.verdict)).toEqual(['ok']);

    // code and state are gone from the address bar; the token is in this tab's sessionStorage only.
    expect(new URL(page.url()).search).toBe('');
    const session = JSON.parse((await stored(page, 'alex.session')) ?? '{}') as { token?: string; userId?: string };
    expect(session).toMatchObject({ userId: 'alice', token: provider.lastAccessToken });
    expect(await stored(page, 'alex.oidc.pending')).toBeNull();
    expect(await page.evaluate<number>('localStorage.length')).toBe(0);
    await expect.poll(() => provider.apiAuthorizations).toContain(`Bearer ${provider.lastAccessToken}`);
    expect(problems.cspViolations).toEqual([]);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('button', { name: 'Sign in', exact: true }).waitFor();
    expect(await stored(page, 'alex.session')).toBeNull();
    await page.context().close();
  });

  it('refuses an answer whose state this tab did not send, without spending the code', async () => {
    const { page } = await open();
    const before = provider.tokenRequests.length;
    await page.goto(`${siteUrl}/?code=stolen&state=forged`);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toContain('does not match a sign-in started in this tab');
    expect(new URL(page.url()).search).toBe('');
    expect(provider.tokenRequests.length).toBe(before);
    expect(await stored(page, 'alex.session')).toBeNull();
    await page.context().close();
  });
});

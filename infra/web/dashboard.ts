/**
 * The dashboard as served by `alex serve`: index.html (no-cache) and the fingerprinted assets
 * (cached for a year) from dist/web, every page with the one CSP of csp.ts, config.json for the
 * page, and, with the local issuer only, local sign-in. Sign-in mints a token for the user the
 * person picks, so it takes a sign-in code printed by `alex serve` and only a same-origin POST
 * from a loopback Host (see local-signin.ts); the token stays in the page's sessionStorage.
 */
import { readFileSync } from 'node:fs';
import { extname, join } from 'node:path';
import { Hono } from 'hono';
import type { WebBuildState } from './build.ts';
import { dashboardCsp } from './csp.ts';
import { type LocalSignIn, localSignInRoutes } from './local-signin.ts';

export interface DashboardOptions {
  build: WebBuildState;
  /** Present when the home's issuer signs tokens; absent when an OIDC issuer is configured. */
  localSignIn?: LocalSignIn;
  /** The configured issuer, for config.json when sign-in is not local. */
  issuer?: string;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
};
const ASSET_NAME = /^[A-Za-z0-9_-]+-[A-Z0-9]{8}\.(js|css|svg|png)$/;
const IMMUTABLE = 'public, max-age=31536000, immutable';

export function dashboardApp(options: DashboardOptions): Hono {
  const app = new Hono();
  // Set per response: a sub-app's middleware mounted at '/' would also run for the API's routes.
  const csp = { 'Content-Security-Policy': dashboardCsp() };
  const { build } = options;

  const index = build.kind === 'missing' ? notBuiltPage(build.reason) : readFileSync(join(build.dir, 'index.html'));
  const page = (c: import('hono').Context) =>
    c.body(index, 200, { ...csp, 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache' });
  app.get('/', page);
  app.get('/index.html', page);

  // The API is on this origin, so no apiUrl; the AlexWeb stack writes the AWS form (page-config.ts).
  const config = JSON.stringify({
    auth: options.localSignIn ? { kind: 'local' } : { kind: 'token', issuer: options.issuer ?? '' },
  });
  app.get('/config.json', (c) =>
    c.body(config, 200, { ...csp, 'Content-Type': 'application/json', 'Cache-Control': 'no-cache' }),
  );

  if (build.kind !== 'missing') {
    // Read once: the names carry their content's hash, so a file never changes under its name.
    const assets = new Map<string, Buffer>();
    app.get('/assets/:name', (c) => {
      const name = c.req.param('name');
      if (!ASSET_NAME.test(name)) return c.notFound();
      let body = assets.get(name);
      if (!body) {
        try {
          body = readFileSync(join(build.dir, 'assets', name));
        } catch {
          return c.notFound();
        }
        assets.set(name, body);
      }
      return c.body(new Uint8Array(body), 200, {
        ...csp,
        'Content-Type': TYPES[extname(name)]!,
        'Cache-Control': IMMUTABLE,
      });
    });
  }
  if (options.localSignIn) app.route('/local', localSignInRoutes(options.localSignIn));
  return app;
}

/** Said in the page itself, without script or style, when there is no build to serve. */
function notBuiltPage(reason: string): string {
  const escaped = reason.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Alex dashboard</title></head><body><main><h1>The dashboard is not built</h1><p>${escaped}</p><p>The API is running: see <a href="/openapi.json">/openapi.json</a>.</p></main></body></html>`;
}

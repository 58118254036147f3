/**
 * The API on the local runtime as a Node HTTP server: auth from the environment (a configured
 * issuer's JWKS) or the home's local issuer, CORS and limits from the environment. Shutdown order
 * matters: stop accepting requests and end streams, stop taking queue messages and let running
 * ones finish, then close the runtime, which persists whatever is still queued or in flight.
 */
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { InvalidInputError } from '#events/errors.ts';
import type { LocalRuntime } from '../local/runtime.ts';
import type { WebBuildState } from '../web/build.ts';
import { dashboardApp } from '../web/dashboard.ts';
import { type LocalSignIn, newSignInCode } from '../web/local-signin.ts';
import { type ApiOptions, createApiApp } from './app.ts';
import { jwtVerifier } from './auth.ts';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, loadOrCreateSigningKey, publicJwks, signLocalToken } from './local-issuer.ts';
import { localPorts } from './local-ports.ts';
import type { AuthVerifier, Clock } from './ports.ts';
import { DEFAULT_RATE_LIMIT } from './rate-limit.ts';

export interface ApiServerOptions {
  runtime: LocalRuntime;
  home: string;
  port?: number;
  host?: string;
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  app?: Omit<ApiOptions, 'jwks'>;
  /** Serve the dashboard at `/` from this build (`alex serve` does; infra/web/build.ts). */
  dashboard?: WebBuildState;
}

export interface ApiServer {
  url: string;
  /** `local` when the home's issuer signs tokens (`alex token`), else the configured issuer. */
  issuer: string;
  /** The dashboard's sign-in code, when the dashboard is served with the local issuer. */
  signInCode?: string;
  close(): Promise<void>;
}

export async function startApiServer(options: ApiServerOptions): Promise<ApiServer> {
  const env = options.env ?? process.env;
  const { auth, jwks, issuer, key } = await authFromEnvironment(options.home, env, options.clock);
  const ports = localPorts(options.runtime, auth, options.clock);
  const localSignIn: LocalSignIn | undefined =
    options.dashboard && key
      ? {
          code: newSignInCode(),
          sign: (userId, ttlSeconds) => signLocalToken(key, { userId, ttlSeconds }),
          users: () => options.runtime.db.query<{ id: string; name: string }>('SELECT id, name FROM users ORDER BY id'),
        }
      : undefined;
  const mounts = options.dashboard
    ? [{ path: '/', app: dashboardApp({ build: options.dashboard, localSignIn, issuer }) }]
    : [];
  const app = createApiApp(ports, {
    rateLimit: rateLimitFromEnvironment(env),
    corsOrigins: (env.ALEX_CORS_ORIGINS ?? '')
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
    ...options.app,
    mounts: [...mounts, ...(options.app?.mounts ?? [])],
    jwks,
  });
  const host = options.host ?? '127.0.0.1';
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, port: options.port ?? 8080, hostname: host }, () => resolve(started));
    started.once('error', (error: NodeJS.ErrnoException) =>
      reject(
        error.code === 'EADDRINUSE'
          ? new InvalidInputError(
              `--port ${options.port ?? 8080} on ${host} is in use (another alex serve?); stop it or choose another --port`,
            )
          : error,
      ),
    );
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    issuer,
    ...(localSignIn ? { signInCode: localSignIn.code } : {}),
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Open event streams and kept-alive sockets would hold close() forever.
        (server as import('node:http').Server).closeAllConnections?.();
      });
      ports.close();
    },
  };
}

async function authFromEnvironment(home: string, env: NodeJS.ProcessEnv, clock?: Clock) {
  const url = env.ALEX_AUTH_JWKS_URL?.trim();
  if (url) {
    const issuer = env.ALEX_AUTH_ISSUER?.trim();
    const audience = env.ALEX_AUTH_AUDIENCE?.trim();
    if (!issuer || !audience)
      throw new InvalidInputError(
        'ALEX_AUTH_JWKS_URL is set, so ALEX_AUTH_ISSUER and ALEX_AUTH_AUDIENCE must be set too (the token iss and aud)',
      );
    let keys: URL;
    try {
      keys = new URL(url);
    } catch {
      throw new InvalidInputError(`ALEX_AUTH_JWKS_URL: "${url}" is not a URL`);
    }
    return { auth: jwtVerifier({ keys, issuer, audience, clock }) as AuthVerifier, jwks: undefined, issuer, key: null };
  }
  const key = await loadOrCreateSigningKey(home);
  const jwks = publicJwks(key);
  return {
    auth: jwtVerifier({ keys: jwks, issuer: LOCAL_ISSUER, audience: LOCAL_AUDIENCE, clock }),
    jwks,
    issuer: 'local',
    key,
  };
}

function rateLimitFromEnvironment(env: NodeJS.ProcessEnv) {
  const number = (name: string, fallback: number) => {
    const raw = env[name]?.trim();
    if (!raw) return fallback;
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0)
      throw new InvalidInputError(`${name}: must be a positive number, got "${raw}"`);
    return value;
  };
  return {
    ratePerSecond: number('ALEX_API_RATE', DEFAULT_RATE_LIMIT.ratePerSecond),
    burst: number('ALEX_API_BURST', DEFAULT_RATE_LIMIT.burst),
  };
}

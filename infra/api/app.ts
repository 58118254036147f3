/**
 * The Alex HTTP API as one Hono app, built from ports (ApiPorts: job submitter, store, event feed,
 * auth verifier, clock) so the same app is served by @hono/node-server (`alex serve`) and by
 * hono/aws-lambda (buffered for /v1, streaming for SSE). Mount point for other front doors:
 *   createApiApp(ports, { mounts: [{ path: '/dashboard', app: dashboardApp }],
 *                         awsProtocol: (request) => endpointsFetch(request) })
 * `mounts` are Hono sub-apps routed before /v1 (own auth; they get the security headers and body
 * limit); `awsProtocol` receives every request carrying `X-Amz-Target`, an SQS query-protocol
 * `Action`, or a queue URL path `/<12-digit account>/<queue>`, before any other route.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { InvalidInputError } from '#events/errors.ts';
import { problem, securityHeaders } from './http.ts';
import { openApiDocument } from './openapi.ts';
import { type ApiPorts, AuthError } from './ports.ts';
import { DEFAULT_RATE_LIMIT, RateLimiter, type RateLimitSettings, rateLimitHeader } from './rate-limit.ts';
import { analysesRoutes } from './routes/analyses.ts';
import { eventsRoutes } from './routes/events.ts';
import { portfolioRoutes } from './routes/portfolio.ts';
import { schedulesRoutes } from './routes/schedules.ts';
import { viewRoutes } from './routes/views.ts';
import { traceRequests } from './trace.ts';

export const MAX_BODY_BYTES = 1024 * 1024;

export interface ApiOptions {
  rateLimit?: RateLimitSettings;
  /** Origins allowed by CORS (ALEX_CORS_ORIGINS); none by default. */
  corsOrigins?: readonly string[];
  /** SSE heartbeat period; 15 s by default. */
  heartbeatMs?: number;
  /** The local issuer's public keys, served at /.well-known/jwks.json. */
  jwks?: object;
  mounts?: ReadonlyArray<{ path: string; app: Hono }>;
  awsProtocol?: (request: Request) => Response | Promise<Response>;
}

export type ApiEnv = { Variables: { userId: string } };

const AWS_QUEUE_PATH = /^\/\d{12}\/[A-Za-z0-9_-]{1,80}(\.fifo)?\/?$/;

export function createApiApp(ports: ApiPorts, options: ApiOptions = {}): Hono<ApiEnv> {
  const app = new Hono<ApiEnv>();
  const limiter = new RateLimiter(options.rateLimit ?? DEFAULT_RATE_LIMIT, ports.clock);
  const allowed = new Set(options.corsOrigins ?? []);

  app.use(securityHeaders);
  const limitBody = bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: (c) => problem(c, 413, 'Payload too large', `the body may be at most ${MAX_BODY_BYTES} bytes (1 MiB)`),
  });
  // GET and HEAD carry no body; asking for one would make @hono/node-server build a whole
  // fetch Request (streams, header copies) per request, a tenth of a GET's CPU.
  app.use((c, next) => (c.req.method === 'GET' || c.req.method === 'HEAD' ? next() : limitBody(c, next)));
  if (options.awsProtocol) {
    const forward = options.awsProtocol;
    app.use(async (c, next) => {
      const isAws =
        c.req.header('x-amz-target') !== undefined ||
        AWS_QUEUE_PATH.test(c.req.path) ||
        (c.req.path === '/' && c.req.method === 'POST');
      return isAws ? forward(c.req.raw) : next();
    });
  }
  for (const mount of options.mounts ?? []) app.route(mount.path, mount.app);

  app.get('/healthz', (c) => c.json({ status: 'ok' as const }));
  app.get('/openapi.json', (c) => c.json(openApiDocument()));
  if (options.jwks) {
    const jwks = options.jwks;
    app.get('/.well-known/jwks.json', (c) => c.json(jwks, 200, { 'Cache-Control': 'public, max-age=300' }));
  }

  app.use('/v1/*', traceRequests);
  const corsHeaders = cors({
    origin: (origin) => (allowed.has(origin) ? origin : null),
    allowMethods: ['GET', 'PUT', 'POST', 'DELETE', 'OPTIONS'],
    allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'Last-Event-ID', 'If-None-Match'],
    exposeHeaders: ['Location', 'ETag', 'Retry-After', 'RateLimit', 'RateLimit-Policy'],
    maxAge: 600,
  });
  // Without an Origin it is no CORS request: only Vary is owed, set before the response exists.
  // Hono's cors appends it after the handler, which rebuilds the response around its body stream.
  app.use('/v1/*', (c, next) => {
    if (c.req.method === 'OPTIONS' || c.req.header('origin') !== undefined) return corsHeaders(c, next);
    c.header('Vary', 'Origin');
    return next();
  });
  app.use('/v1/*', async (c, next) => {
    let userId: string;
    try {
      ({ userId } = await ports.auth.verify(
        bearerOf(c.req.path, c.req.header('authorization'), c.req.query('access_token')),
      ));
    } catch (error) {
      if (!(error instanceof AuthError)) throw error;
      return unauthenticated(c, error.kind);
    }
    const decision = limiter.take(userId);
    c.header('RateLimit-Policy', limiter.policy);
    c.header('RateLimit', rateLimitHeader(decision));
    if (!decision.allowed) {
      c.header('Retry-After', String(decision.retryAfterSeconds));
      return problem(c, 429, 'Too many requests', `slow down: retry after ${decision.retryAfterSeconds} s`);
    }
    c.set('userId', userId);
    await next();
  });
  app.route('/v1', portfolioRoutes(ports));
  app.route('/v1', analysesRoutes(ports));
  app.route('/v1', eventsRoutes(ports, { heartbeatMs: options.heartbeatMs ?? 15_000 }));
  app.route('/v1', viewRoutes(ports));
  app.route('/v1', schedulesRoutes(ports));

  app.notFound((c) => problem(c, 404, 'Not found', `no resource at ${c.req.path}`));
  app.onError((error, c) => {
    if (error instanceof InvalidInputError)
      return problem(c, 400, 'Invalid request', error.message, error.issues.map(toFieldProblem));
    console.error(`alex api: ${c.req.method} ${c.req.path} failed:`, error);
    return problem(c, 500, 'Internal error', 'the request failed on our side; retry later');
  });
  return app;
}

function unauthenticated(c: Parameters<typeof problem>[0], kind: AuthError['kind']): Response {
  if (kind === 'unavailable') {
    c.header('Retry-After', '5');
    return problem(c, 503, 'Service unavailable', 'the token cannot be checked right now; retry later');
  }
  if (kind === 'missing') {
    c.header('WWW-Authenticate', 'Bearer realm="alex"');
    return problem(c, 401, 'Unauthorized', 'send an Authorization: Bearer <token> header');
  }
  c.header('WWW-Authenticate', 'Bearer realm="alex", error="invalid_token"');
  return problem(c, 401, 'Unauthorized', 'the bearer token is not valid; get a new token');
}

/**
 * The token: the Authorization header, except on the events route when `access_token` is in the
 * query (RFC 6750 §2.3). A browser's EventSource cannot set headers, and behind CloudFront's
 * origin access control the Authorization header carries CloudFront's own signature instead.
 */
function bearerOf(path: string, header: string | undefined, query: string | undefined): string | undefined {
  return path.endsWith('/events') && query ? `Bearer ${query}` : header;
}

/** "portfolio.accounts[0].cash: must not be negative" → field and message. */
export function toFieldProblem(issue: string): { field: string; message: string } {
  const at = issue.indexOf(': ');
  return at < 0 ? { field: '', message: issue } : { field: issue.slice(0, at), message: issue.slice(at + 2) };
}

/**
 * Local sign-in for the dashboard, with the local issuer only: POST /local/session mints a token
 * for the user the person picks, POST /local/users lists the users with a stored portfolio. Both
 * mint or reveal what only the home's owner should, so every request must pass all of:
 *   - the sign-in code `alex serve` printed (in the URL fragment, never sent in a URL), compared
 *     in constant time: another local account cannot read the terminal;
 *   - a loopback Host (127.0.0.1, localhost, [::1]): a DNS-rebinding page names its own host;
 *   - Origin equal to http://<Host>: another origin's page cannot post here;
 *   - the X-Alex-Dashboard header and a JSON body: neither a form nor a simple cross-origin
 *     request can carry them without a CORS preflight, which this route never answers.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { Hono } from 'hono';
import * as z from 'zod';
import { UserId } from '#events/values.ts';
import { problem } from '../api/http.ts';

export interface LocalSignIn {
  /** The code printed by `alex serve`; the page reads it from the URL fragment. */
  code: string;
  /** Signs a token for the user, valid for `ttlSeconds`. */
  sign(userId: string, ttlSeconds: number): Promise<string>;
  /** Users with a stored portfolio, for the picker. */
  users(): Promise<Array<{ id: string; name: string }>>;
}

/** Eight hours: a working day in the dashboard without signing in again. */
export const DASHBOARD_TOKEN_TTL_SECONDS = 8 * 3600;
const LOOPBACK = /^(127\.0\.0\.1|localhost|\[::1\])(:\d{1,5})?$/i;

export function newSignInCode(): string {
  return randomBytes(18).toString('base64url');
}

const SessionRequest = z.object({ code: z.string().max(200), userId: UserId }).strict();
const UsersRequest = z.object({ code: z.string().max(200) }).strict();

export function localSignInRoutes(signIn: LocalSignIn): Hono {
  const routes = new Hono();
  const expected = Buffer.from(signIn.code);

  const admit = async (c: import('hono').Context): Promise<unknown | Response> => {
    const host = c.req.header('host') ?? '';
    if (!LOOPBACK.test(host))
      return problem(c, 403, 'Forbidden', 'local sign-in answers only on a loopback address (127.0.0.1 or localhost)');
    if (c.req.header('origin') !== `http://${host}`)
      return problem(c, 403, 'Forbidden', 'local sign-in takes requests from the dashboard page only (Origin)');
    if (c.req.header('x-alex-dashboard') !== '1' || !/^application\/json\b/i.test(c.req.header('content-type') ?? ''))
      return problem(c, 400, 'Invalid request', 'send JSON with the X-Alex-Dashboard: 1 header, as the dashboard does');
    try {
      return await c.req.json();
    } catch {
      return problem(c, 400, 'Invalid JSON', 'the body is not valid JSON');
    }
  };
  const codeMatches = (code: string) => {
    const given = Buffer.from(code);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  const wrongCode = (c: import('hono').Context) =>
    problem(c, 401, 'Unauthorized', 'the sign-in code is not this server’s; open the URL `alex serve` printed', [
      { field: 'code', message: 'open the dashboard from the URL `alex serve` printed (it carries the code)' },
    ]);

  routes.post('/session', async (c) => {
    const body = await admit(c);
    if (body instanceof Response) return body;
    const parsed = SessionRequest.safeParse(body);
    if (!parsed.success) {
      const errors = parsed.error.issues.map((issue) => ({
        field: issue.path.join('.') || '(body)',
        message: issue.message,
      }));
      return problem(c, 400, 'Invalid request', `${errors[0]!.field}: ${errors[0]!.message}`, errors);
    }
    if (!codeMatches(parsed.data.code)) return wrongCode(c);
    const token = await signIn.sign(parsed.data.userId, DASHBOARD_TOKEN_TTL_SECONDS);
    const expiresAt = new Date(Date.now() + DASHBOARD_TOKEN_TTL_SECONDS * 1000).toISOString();
    return c.json({ userId: parsed.data.userId, token, expiresAt }, 200, { 'Cache-Control': 'no-store' });
  });

  routes.post('/users', async (c) => {
    const body = await admit(c);
    if (body instanceof Response) return body;
    const parsed = UsersRequest.safeParse(body);
    if (!parsed.success || !codeMatches(parsed.data.code)) return wrongCode(c);
    return c.json({ users: await signIn.users() }, 200, { 'Cache-Control': 'no-store' });
  });
  return routes;
}

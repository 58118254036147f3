/**
 * What every response shares: RFC 9457 problem bodies that name the field, and the security
 * headers (CSP without 'unsafe-inline', nosniff, frame-ancestors 'none', Referrer-Policy, HSTS
 * over TLS). A route that serves HTML sets its own, stricter-where-it-can CSP first.
 */
import type { Context, MiddlewareHandler } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export const API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

export interface FieldProblem {
  field: string;
  message: string;
}

export function problem(
  c: Context,
  status: ContentfulStatusCode,
  title: string,
  detail: string,
  errors?: FieldProblem[],
): Response {
  const body = { type: 'about:blank', title, status, detail, instance: new URL(c.req.url).pathname, errors };
  return c.body(JSON.stringify(body), status, { 'Content-Type': 'application/problem+json' });
}

/** Over TLS as the client sees it: the URL (Lambda) or the proxy's X-Forwarded-Proto (CloudFront). */
function overTls(c: Context): boolean {
  return c.req.url.startsWith('https:') || c.req.header('x-forwarded-proto') === 'https';
}

export const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  const headers = c.res.headers;
  if (!headers.has('Content-Security-Policy')) headers.set('Content-Security-Policy', API_CSP);
  headers.set('X-Content-Type-Options', 'nosniff');
  headers.set('Referrer-Policy', 'no-referrer');
  headers.set('X-Frame-Options', 'DENY');
  if (!headers.has('Cache-Control')) headers.set('Cache-Control', 'no-store');
  if (overTls(c)) headers.set('Strict-Transport-Security', 'max-age=31536000; includeSubDomains');
};

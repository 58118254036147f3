/**
 * The API request's span (SERVER, service `api`): a job's trace starts here, and the
 * AnalysisRequested the request sends carries it on. A client's own W3C `traceparent` header is
 * continued, so a caller that traces sees Alex's work inside its trace. Nothing when tracing is off.
 */
import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { MiddlewareHandler } from 'hono';
import { tracerOf, tracingEnabled } from '#services/common/tracing.ts';

export const traceRequests: MiddlewareHandler = async (c, next) => {
  if (!tracingEnabled()) return next();
  const carrier = { traceparent: c.req.header('traceparent'), tracestate: c.req.header('tracestate') };
  const parent = carrier.traceparent ? propagation.extract(ROOT_CONTEXT, carrier) : ROOT_CONTEXT;
  const span = tracerOf('api').startSpan(
    `${c.req.method} ${c.req.path}`,
    {
      kind: SpanKind.SERVER,
      attributes: { 'http.request.method': c.req.method, 'url.path': c.req.path },
    },
    parent,
  );
  try {
    await context.with(trace.setSpan(parent, span), next);
    // The route's template, not the path, names the span: one name for every job's GET.
    span.updateName(`${c.req.method} ${c.req.routePath}`);
    span.setAttribute('http.route', c.req.routePath);
    span.setAttribute('http.response.status_code', c.res.status);
    if (c.res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  } finally {
    span.end();
  }
};

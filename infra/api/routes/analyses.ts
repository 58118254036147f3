/**
 * POST/GET /v1/analyses and one analysis with its reports. A submit records the job for the
 * caller and then sends AnalysisRequested to the jobs queue (the planner takes the recorded row
 * as its own), so a GET right after the 202 finds it. With an Idempotency-Key the job id is
 * derived from (user, key): a retried POST lands on the same job and is not sent again once planned.
 */
import { createHash, randomUUID } from 'node:crypto';
import { Hono } from 'hono';
import { DETAIL_VERSION } from '#events/catalog.ts';
import { TASKS, UUID_PATTERN } from '#events/values.ts';
import { renderReportHtml, STYLE } from '#infra/cli/render/report-html.ts';
import { renderReportMarkdown } from '#infra/cli/render/report-markdown.ts';
import type { ConsolidatedAnalysis } from '#services/aggregator/consolidate.ts';
import { FINISHED_STATUSES } from '#services/common/job-store.ts';
import { traceFields } from '#services/common/tracing.ts';
import type { ApiEnv } from '../app.ts';
import { problem } from '../http.ts';
import type { ApiPorts, JobRecord } from '../ports.ts';
import { ListQuery, SubmitAnalysis } from '../schemas.ts';
import { AnswerCache } from './answer-cache.ts';
import { readJsonBody } from './body.ts';

const DEFAULT_DEADLINE_SECONDS = 300;
const UTF8 = new TextEncoder();
const HTML_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; img-src data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`;

export function analysesRoutes(ports: ApiPorts): Hono<ApiEnv> {
  const routes = new Hono<ApiEnv>();
  // A finished job never changes: its answer is kept (bounded) so pollers cost no database reads.
  // The body is kept encoded: 50 KB of UTF-8 per poll is the GET's largest cost after the socket.
  const finished = new AnswerCache();

  routes.post('/analyses', async (c) => {
    const userId = c.get('userId');
    const body = await readJsonBody(c);
    if (body instanceof Response) return body;
    const parsed = SubmitAnalysis.safeParse(body ?? {});
    if (!parsed.success) return invalid(c, parsed.error.issues);
    const key = c.req.header('idempotency-key');
    if (key !== undefined && (key.length === 0 || key.length > 200))
      return problem(c, 400, 'Invalid request', 'Idempotency-Key: must be 1–200 characters', [
        { field: 'Idempotency-Key', message: 'must be 1–200 characters' },
      ]);
    if (!(await ports.store.loadPortfolio(userId)))
      return problem(c, 409, 'No portfolio', 'no portfolio stored yet; PUT /v1/portfolio first, then submit');
    const jobId = key === undefined ? randomUUID() : uuidFromKey(userId, key);
    const now = ports.clock.now();
    const deadlineSeconds = parsed.data.deadlineSeconds ?? DEFAULT_DEADLINE_SECONDS;
    const tasks = parsed.data.tasks ? [...new Set(parsed.data.tasks)] : [...TASKS];
    const requestedAt = new Date(now).toISOString();
    const recorded = await ports.store.createJob(userId, {
      jobId,
      tasks,
      requestedAt,
      deadline: new Date(now + deadlineSeconds * 1000).toISOString(),
    });
    if (!recorded) return problem(c, 409, 'Conflict', 'this Idempotency-Key cannot be used; send another');
    // Sent again while still unplanned: a crash between record and send must not strand the job,
    // and the planner is idempotent on the jobId.
    if (recorded.created || recorded.job.status === 'planning') {
      await ports.jobs.submit({
        version: DETAIL_VERSION,
        jobId,
        userId,
        requestedAt: recorded.job.requestedAt,
        tasks: recorded.job.tasks,
        deadlineSeconds,
        ...traceFields(),
      });
    }
    const view = jobView(recorded.job);
    c.header('Location', view.links.self);
    if (!recorded.created) c.header('Idempotent-Replayed', 'true');
    return c.json(view, 202);
  });

  routes.get('/analyses', async (c) => {
    const query = ListQuery.safeParse({ limit: c.req.query('limit'), cursor: c.req.query('cursor') });
    if (!query.success) return invalid(c, query.error.issues);
    const page = await ports.store.listJobs(c.get('userId'), query.data);
    return c.json({ items: page.items.map(jobView), nextCursor: page.nextCursor });
  });

  routes.get('/analyses/:jobId', async (c) => {
    const userId = c.get('userId');
    const jobId = c.req.param('jobId');
    let answer = finished.get(jobId);
    if (!answer || answer.userId !== userId) {
      const job = UUID_PATTERN.test(jobId) ? await ports.store.getJob(userId, jobId) : null;
      if (!job) return missing(c);
      const done = FINISHED_STATUSES.includes(job.status);
      const result = done ? await ports.store.getAnalysis(userId, jobId) : null;
      const body = UTF8.encode(JSON.stringify({ ...jobView(job), result }));
      answer = { userId, body, etag: `"${createHash('sha1').update(body).digest('base64url')}"` };
      if (done) finished.set(jobId, answer);
    }
    const headers = { ETag: answer.etag, 'Cache-Control': 'private, no-cache' };
    if (matches(c.req.header('if-none-match'), answer.etag)) return c.body(null, 304, headers);
    return c.body(answer.body, 200, { ...headers, 'Content-Type': 'application/json' });
  });

  const report = (render: (analysis: ConsolidatedAnalysis) => string, type: string, csp?: string) =>
    routes.get(`/analyses/:jobId/report.${type === 'text/html' ? 'html' : 'md'}`, async (c) => {
      const userId = c.get('userId');
      const jobId = c.req.param('jobId');
      const job = UUID_PATTERN.test(jobId) ? await ports.store.getJob(userId, jobId) : null;
      if (!job) return missing(c);
      const analysis = await ports.store.getAnalysis(userId, jobId);
      if (!analysis) return problem(c, 404, 'Not found', `job ${jobId} has no analysis yet (status ${job.status})`);
      return c.body(render(analysis), 200, {
        'Content-Type': `${type}; charset=utf-8`,
        'Cache-Control': 'private, no-cache',
        ...(csp ? { 'Content-Security-Policy': csp } : {}),
      });
    });
  report((analysis) => renderReportHtml(analysis), 'text/html', HTML_CSP);
  report(renderReportMarkdown, 'text/markdown');
  return routes;
}

export function jobView(job: JobRecord) {
  const self = `/v1/analyses/${job.jobId}`;
  return {
    jobId: job.jobId,
    status: job.status,
    tasks: job.tasks,
    requestedAt: job.requestedAt,
    plannedAt: job.plannedAt,
    deadline: job.deadline,
    finishedAt: job.finishedAt,
    tookMs: job.finishedAt ? Date.parse(job.finishedAt) - Date.parse(job.requestedAt) : null,
    error: job.error,
    links: { self, events: `${self}/events`, reportHtml: `${self}/report.html`, reportMarkdown: `${self}/report.md` },
  };
}

/** A UUID (v8 layout) from the user and their key: the same retry maps to the same job, users never collide. */
export function uuidFromKey(userId: string, key: string): string {
  const hex = createHash('sha256').update(`${userId}\u0000${key}`).digest('hex');
  const variant = ((Number.parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-8${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  return ifNoneMatch.split(',').some((tag) => {
    const t = tag.trim().replace(/^W\//, '');
    return t === '*' || t === etag;
  });
}

function missing(c: Parameters<typeof problem>[0]): Response {
  return problem(c, 404, 'Not found', 'no such analysis');
}

function invalid(c: Parameters<typeof problem>[0], issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>) {
  const errors = issues.map((issue) => ({
    field:
      issue.path
        .map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`))
        .join('')
        .replace(/^\./, '') || '(body)',
    message: issue.message,
  }));
  return problem(c, 400, 'Invalid request', `${errors[0]!.field}: ${errors[0]!.message}`, errors);
}

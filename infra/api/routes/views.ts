/**
 * What the dashboard reads besides the JSON resources: one analysis as the server-rendered HTML
 * fragment of its page (the report's own charts, each with a data table; infra/web/analysis-view.ts),
 * and the comparison of two analyses. Both are scoped to the caller like every other route.
 */
import { Hono } from 'hono';
import { UUID_PATTERN } from '#events/values.ts';
import { renderAnalysisView } from '../../web/analysis-view.ts';
import { compareAnalyses } from '../../web/compare.ts';
import type { ApiEnv } from '../app.ts';
import { problem } from '../http.ts';
import type { ApiPorts } from '../ports.ts';
import { CompareQuery } from '../schemas.ts';

export function viewRoutes(ports: ApiPorts): Hono<ApiEnv> {
  const routes = new Hono<ApiEnv>();
  // A finished analysis never changes: its page is rendered once (bounded), keyed by owner too.
  const rendered = new Map<string, { userId: string; html: string }>();
  const headers = { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'private, no-cache' };

  routes.get('/analyses/:jobId/view.html', async (c) => {
    const userId = c.get('userId');
    const jobId = c.req.param('jobId');
    const cached = rendered.get(jobId);
    if (cached && cached.userId === userId) return c.body(cached.html, 200, headers);
    const job = UUID_PATTERN.test(jobId) ? await ports.store.getJob(userId, jobId) : null;
    if (!job) return problem(c, 404, 'Not found', 'no such analysis');
    const analysis = await ports.store.getAnalysis(userId, jobId);
    if (!analysis) return problem(c, 404, 'Not found', `job ${jobId} has no analysis yet (status ${job.status})`);
    const html = renderAnalysisView(analysis, await ports.store.modelCalls(userId, jobId));
    if (rendered.size >= 200) rendered.delete(rendered.keys().next().value!);
    rendered.set(jobId, { userId, html });
    return c.body(html, 200, headers);
  });

  routes.get('/compare', async (c) => {
    const query = CompareQuery.safeParse({ a: c.req.query('a'), b: c.req.query('b') });
    if (!query.success) {
      const errors = query.error.issues.map((issue) => ({ field: issue.path.join('.'), message: issue.message }));
      return problem(c, 400, 'Invalid request', `${errors[0]!.field}: ${errors[0]!.message}`, errors);
    }
    const userId = c.get('userId');
    const [a, b] = await Promise.all([
      ports.store.getAnalysis(userId, query.data.a),
      ports.store.getAnalysis(userId, query.data.b),
    ]);
    const absent = [a ? null : 'a', b ? null : 'b'].filter((field): field is string => field !== null);
    if (absent.length > 0)
      return problem(
        c,
        404,
        'Not found',
        `${absent.join(' and ')}: no finished analysis with that jobId; pick two from GET /v1/analyses`,
        absent.map((field) => ({ field, message: 'no finished analysis with that jobId' })),
      );
    return c.json(compareAnalyses(a!, b!));
  });
  return routes;
}

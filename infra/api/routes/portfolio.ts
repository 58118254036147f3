/**
 * PUT and GET /v1/portfolio: the caller's portfolio, in the portfolio-file schema. The owner is
 * the token subject: a `user.id` in the body is replaced by it, never trusted.
 */
import { Hono } from 'hono';
import { formatPath, NUL_CHARACTER_PROBLEM, pathToNulCharacter } from '#events/errors.ts';
import { PortfolioFile } from '#services/common/portfolio-file.ts';
import type { ApiEnv } from '../app.ts';
import { problem } from '../http.ts';
import type { ApiPorts } from '../ports.ts';
import { readJsonBody } from './body.ts';

export function portfolioRoutes(ports: ApiPorts): Hono<ApiEnv> {
  const routes = new Hono<ApiEnv>();

  routes.put('/portfolio', async (c) => {
    const userId = c.get('userId');
    const body = await readJsonBody(c);
    if (body instanceof Response) return body;
    const nul = pathToNulCharacter(body);
    if (nul) {
      const field = formatPath(nul).replace(/^\./, '');
      return problem(c, 400, 'Invalid portfolio', `${field}: ${NUL_CHARACTER_PROBLEM}`, [
        { field, message: NUL_CHARACTER_PROBLEM },
      ]);
    }
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
      const user = (body as { user?: unknown }).user;
      if (typeof user === 'object' && user !== null) (user as { id?: string }).id = userId;
    }
    const parsed = PortfolioFile.safeParse(body);
    if (!parsed.success) {
      const errors = parsed.error.issues.map((issue) => ({
        field: formatPath(issue.path).replace(/^\./, '') || '(body)',
        message: issue.message,
      }));
      const [first] = errors;
      const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
      return problem(c, 400, 'Invalid portfolio', `${first!.field}: ${first!.message}${more}`, errors);
    }
    await ports.store.savePortfolio(userId, parsed.data);
    return c.json((await ports.store.loadPortfolio(userId))!);
  });

  routes.get('/portfolio', async (c) => {
    const portfolio = await ports.store.loadPortfolio(c.get('userId'));
    if (!portfolio) return problem(c, 404, 'Not found', 'no portfolio stored yet; PUT /v1/portfolio first');
    return c.json(portfolio);
  });
  return routes;
}

/**
 * /v1/schedules: the caller's scheduled analyses (EventBridge Scheduler expressions in a time
 * zone). Every call is scoped to the token subject: another user's schedule is a 404, exactly as
 * a missing one. Bad expressions are refused with the field and the fix.
 */
import { Hono } from 'hono';
import { InvalidInputError } from '#events/errors.ts';
import { UUID_PATTERN } from '#events/values.ts';
import type { ApiEnv } from '../app.ts';
import { toFieldProblem } from '../app.ts';
import { problem } from '../http.ts';
import type { ApiPorts } from '../ports.ts';
import { readJsonBody } from './body.ts';

export function schedulesRoutes(ports: ApiPorts): Hono<ApiEnv> {
  const routes = new Hono<ApiEnv>();
  const available: Parameters<typeof routes.use>[1] = async (c, next) =>
    ports.schedules ? next() : problem(c, 501, 'Not implemented', 'this server keeps no schedules');
  routes.use('/schedules', available);
  routes.use('/schedules/*', available);

  routes.post('/schedules', async (c) => {
    const body = await readJsonBody(c);
    if (body instanceof Response) return body;
    try {
      const view = await ports.schedules!.add(c.get('userId'), body ?? {}, new Date(ports.clock.now()));
      c.header('Location', `/v1/schedules/${view.id}`);
      return c.json(view, 201);
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      return problem(c, 400, 'Invalid schedule', error.message, error.issues.map(toFieldProblem));
    }
  });

  routes.get('/schedules', async (c) =>
    c.json({ items: await ports.schedules!.list(c.get('userId'), new Date(ports.clock.now())) }),
  );

  routes.delete('/schedules/:id', async (c) => {
    const id = c.req.param('id');
    const removed = UUID_PATTERN.test(id) && (await ports.schedules!.remove(c.get('userId'), id));
    if (!removed) return problem(c, 404, 'Not found', `no schedule ${id} for this user`);
    return c.body(null, 204);
  });
  return routes;
}

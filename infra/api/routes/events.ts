/**
 * GET /v1/analyses/{jobId}/events: the job's progress as Server-Sent Events. The order that
 * matters: subscribe first, then read the history, so no event falls between the two; each
 * event's `id` is its place in the job (1, 2, …), so a client resuming with Last-Event-ID gets
 * exactly the events after it. A comment line every heartbeat keeps proxies from closing the
 * stream; the stream ends after AnalysisCompleted/AnalysisFailed, or once the job is finished.
 */
import { Hono } from 'hono';
import { streamSSE } from 'hono/streaming';
import { FINISHED_STATUSES } from '#services/common/job-store.ts';
import type { ApiEnv } from '../app.ts';
import { problem } from '../http.ts';
import type { ApiPorts, JobEvent } from '../ports.ts';

const FINAL_EVENTS = new Set(['AnalysisCompleted', 'AnalysisFailed']);
/** How often the job row is checked while waiting, for a job that ends without a final event. */
const STATUS_CHECK_MS = 2000;

export function eventsRoutes(ports: ApiPorts, options: { heartbeatMs: number }): Hono<ApiEnv> {
  const routes = new Hono<ApiEnv>();

  routes.get('/analyses/:jobId/events', async (c) => {
    const userId = c.get('userId');
    const jobId = c.req.param('jobId');
    const job = /^[0-9a-f-]{36}$/i.test(jobId) ? await ports.store.getJob(userId, jobId) : null;
    if (!job) return problem(c, 404, 'Not found', 'no such analysis');
    const lastEventId = Number.parseInt(c.req.header('last-event-id') ?? '0', 10);
    let last = Number.isFinite(lastEventId) && lastEventId > 0 ? lastEventId : 0;

    return streamSSE(c, async (stream) => {
      const pending: JobEvent[] = [];
      let wake: (() => void) | undefined;
      const unsubscribe = ports.events.subscribe(userId, jobId, (event) => {
        pending.push(event);
        wake?.();
      });
      const heartbeat = setInterval(
        () => void stream.write(': heartbeat\n\n').catch(() => undefined),
        options.heartbeatMs,
      );
      let ended = false;
      stream.onAbort(() => {
        ended = true;
        wake?.();
      });
      const send = async (event: JobEvent) => {
        if (event.seq <= last) return;
        last = event.seq;
        await stream.writeSSE({
          id: String(event.seq),
          event: event.detailType,
          data: JSON.stringify({ detailType: event.detailType, time: event.time, ...event.data }),
        });
        if (FINAL_EVENTS.has(event.detailType)) ended = true;
      };
      try {
        for (const event of await ports.events.history(userId, jobId)) await send(event);
        let checkedAt = 0;
        while (!ended) {
          while (pending.length > 0 && !ended) await send(pending.shift()!);
          if (ended) break;
          if (Date.now() - checkedAt >= STATUS_CHECK_MS) {
            checkedAt = Date.now();
            const now = await ports.store.getJob(userId, jobId);
            if (!now || FINISHED_STATUSES.includes(now.status)) {
              // The row can finish just before its final event is published: send what the feed has, then end.
              for (const event of await ports.events.history(userId, jobId)) await send(event);
              break;
            }
          }
          await new Promise<void>((resolve) => {
            wake = resolve;
            setTimeout(resolve, STATUS_CHECK_MS).unref?.();
          });
          wake = undefined;
        }
      } finally {
        clearInterval(heartbeat);
        unsubscribe();
      }
    });
  });
  return routes;
}

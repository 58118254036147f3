/**
 * The API's ports on the embedded local runtime: jobs go to the local jobs queue, the store is
 * PGlite, and the event feed indexes the bus by job (the archive at start, then live events),
 * numbering each job's events in the order the bus saw them.
 */
import type { EventEnvelope } from '#events/envelope.ts';
import type { LocalRuntime } from '../local/runtime.ts';
import { ScheduleService } from '../schedules/schedules.ts';
import type { ApiPorts, AuthVerifier, Clock, EventFeed, JobEvent } from './ports.ts';
import { sqlApiStore } from './sql-store.ts';

export function localPorts(runtime: LocalRuntime, auth: AuthVerifier, clock?: Clock): ApiPorts & { close(): void } {
  const feed = localEventFeed(runtime);
  return {
    jobs: {
      async submit(request) {
        runtime.sendJob(JSON.stringify(request));
      },
    },
    store: sqlApiStore(runtime.db),
    events: feed,
    auth,
    clock: clock ?? { now: () => Date.now() },
    // alex serve's LocalScheduler fires what is stored here.
    schedules: new ScheduleService(runtime.db),
    close: feed.close,
  };
}

/** What a client sees of an event: small facts, never the snapshot or a specialist's whole result. */
export function progressData(envelope: EventEnvelope): Record<string, unknown> {
  const d = envelope.detail as Record<string, unknown>;
  switch (envelope['detail-type']) {
    case 'AnalysisPlanned':
      return { tasks: d.tasks, deadline: d.deadline };
    case 'ClassificationRequested':
    case 'InstrumentsClassified':
      return { symbols: ((d.instruments as Array<{ symbol: string }>) ?? []).map((i) => i.symbol) };
    case 'SpecialistCompleted':
      return { task: d.task, durationMs: d.durationMs };
    case 'SpecialistFailed':
      return { task: d.task, error: (d.error as { message?: string })?.message };
    case 'AnalysisCompleted':
      return { status: d.status };
    case 'AnalysisFailed':
      return { reason: d.reason };
    default:
      return {};
  }
}

function localEventFeed(runtime: LocalRuntime): EventFeed & { close(): void } {
  const byJob = new Map<string, JobEvent[]>();
  const listeners = new Map<string, Set<(event: JobEvent) => void>>();
  const add = (envelope: EventEnvelope) => {
    const jobId = (envelope.detail as { jobId?: unknown })?.jobId;
    // Replayed events are copies of archived ones: numbering them again would repeat them.
    if (typeof jobId !== 'string' || envelope['replay-name']) return;
    const events = byJob.get(jobId) ?? [];
    const event: JobEvent = {
      seq: events.length + 1,
      detailType: envelope['detail-type'],
      time: envelope.time,
      data: progressData(envelope),
    };
    events.push(event);
    byJob.set(jobId, events);
    for (const listener of listeners.get(jobId) ?? []) listener(event);
  };
  // Subscribed before the archive is read; both run in this turn, so nothing lands in between.
  const unsubscribe = runtime.bus.subscribe(add);
  for (const envelope of runtime.archive.read()) add(envelope);
  return {
    async history(_userId, jobId) {
      return [...(byJob.get(jobId) ?? [])];
    },
    subscribe(_userId, jobId, listener) {
      const set = listeners.get(jobId) ?? new Set();
      set.add(listener);
      listeners.set(jobId, set);
      return () => set.delete(listener);
    },
    close: unsubscribe,
  };
}

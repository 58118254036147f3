/**
 * A scheduled analysis as it reaches the jobs queue, from EventBridge Scheduler or `alex serve`:
 * the schedule and the slot time, from which the planner derives the jobId (UUID v5), so every
 * retry and every sender of one slot names the same job. Scheduler cannot compute a UUID in its
 * input template, and its execution id (e.g. d32c5kddcf5bb8c3) is no UUID: it is kept for tracing.
 */
import * as z from 'zod';
import { DETAIL_VERSION, type Detail } from './catalog.ts';
import { uuidV5 } from './event-id.ts';
import { IsoTime, TASKS, Task, UserId } from './values.ts';

/** Fixed for ever: changing it would give every slot a new jobId and fire it again. */
export const SCHEDULE_NAMESPACE = '7b0f6c8e-3c55-4f0a-9d0e-5a1e2c4b9f10';

export const ScheduledAnalysis = z
  .object({
    version: z.literal(DETAIL_VERSION),
    scheduleId: z.uuid('must be the schedule id (a UUID)'),
    userId: UserId,
    scheduledTime: IsoTime,
    executionId: z.string().max(200).optional(),
    tasks: z.array(Task).min(1).max(TASKS.length).optional(),
  })
  .strict();

export type ScheduledAnalysis = z.infer<typeof ScheduledAnalysis>;

/** The slot time as Scheduler writes it (`2027-03-22T18:59:00Z`): whole seconds, UTC. */
export function canonicalSlotTime(time: string | Date): string {
  return new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The job of one slot of one schedule: a name-based UUID (RFC 9562 version 5). */
export function scheduledJobId(scheduleId: string, scheduledTime: string | Date): string {
  return uuidV5(SCHEDULE_NAMESPACE, `${scheduleId}/${canonicalSlotTime(scheduledTime)}`);
}

/** The AnalysisRequested the planner runs for a scheduled message. */
export function requestOfScheduled(message: ScheduledAnalysis): Detail<'AnalysisRequested'> {
  return {
    version: DETAIL_VERSION,
    jobId: scheduledJobId(message.scheduleId, message.scheduledTime),
    userId: message.userId,
    requestedAt: canonicalSlotTime(message.scheduledTime),
    ...(message.tasks ? { tasks: message.tasks } : {}),
  };
}

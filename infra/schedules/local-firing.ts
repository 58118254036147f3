/**
 * `alex serve`'s scheduler: every tick, each schedule's latest due slot (one, however many were
 * missed while the server was down) is sent to the jobs queue as a scheduled message, then
 * recorded. Send first, record second: a crash in between sends the same slot again on the next
 * start, and the planner, keyed on the jobId derived from schedule and slot, runs it once.
 */
import { DETAIL_VERSION } from '#events/catalog.ts';
import { canonicalSlotTime, type ScheduledAnalysis, scheduledJobId } from '#events/scheduled-request.ts';
import type { SqlDatabase } from '#services/common/sql-database.ts';
import { latestDueSlot } from './expression.ts';
import { scheduleOf } from './schedules.ts';
import { listAllSchedules, recordFired } from './store.ts';

export interface Fired {
  scheduleId: string;
  userId: string;
  slot: string;
  jobId: string;
}

export interface LocalSchedulerOptions {
  db: SqlDatabase;
  /** Sends one jobs-queue message body (the local runtime's sendJob). */
  send(body: string): void | Promise<void>;
  now?: () => number;
  onError?: (error: unknown) => void;
}

/** Scheduler's precision is a minute; a tick every 15 s fires within it. */
export const TICK_MS = 15_000;

export class LocalScheduler {
  private running: Promise<Fired[]> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly now: () => number;

  constructor(private readonly options: LocalSchedulerOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Fires what is due. Overlapping calls share one pass, so a slow tick never doubles a fire. */
  tick(): Promise<Fired[]> {
    this.running ??= this.fireDue().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Ticks at once (what was missed fires now), then every `intervalMs`. */
  start(intervalMs = TICK_MS): void {
    const tick = () =>
      this.tick().catch((error: unknown) =>
        (this.options.onError ?? ((e) => console.error('alex schedules:', e)))(error),
      );
    void tick();
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref();
  }

  /** Stops ticking and waits for a pass under way. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  private async fireDue(): Promise<Fired[]> {
    const now = new Date(this.now());
    const fired: Fired[] = [];
    for (const stored of await listAllSchedules(this.options.db)) {
      let slot: Date | null;
      try {
        slot = latestDueSlot(scheduleOf(stored), stored.lastSlot ? new Date(stored.lastSlot) : null, now);
      } catch (error) {
        // One unreadable row (edited by hand) must not stop every other schedule.
        this.options.onError?.(error);
        continue;
      }
      if (!slot) continue;
      const scheduledTime = canonicalSlotTime(slot);
      const message: ScheduledAnalysis = {
        version: DETAIL_VERSION,
        scheduleId: stored.id,
        userId: stored.userId,
        scheduledTime,
        executionId: `local-${scheduledTime}`,
        ...(stored.tasks ? { tasks: stored.tasks } : {}),
      };
      const jobId = scheduledJobId(stored.id, scheduledTime);
      await this.options.send(JSON.stringify(message));
      await recordFired(this.options.db, stored.id, slot, jobId);
      fired.push({ scheduleId: stored.id, userId: stored.userId, slot: scheduledTime, jobId });
    }
    return fired;
  }
}

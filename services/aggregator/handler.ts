/**
 * The aggregator's handler: AnalysisPlanned, SpecialistCompleted and SpecialistFailed in any
 * order and any number of times; exactly one consolidated analysis per job out.
 */
import { catalog, type Detail } from '#events/catalog.ts';
import { isEnvelope, parseEnvelope, parseJson } from '#events/envelope.ts';
import { eventIdOf } from '#events/event-id.ts';
import type { OutgoingEvent } from '#events/publisher.ts';
import type { Task } from '#events/values.ts';
import { createBatchHandler, type SqsBatchHandler } from '../common/batch-handler.ts';
import { completedResult, plannedSnapshot } from '../common/claim-check.ts';
import type { ServiceContext, ServiceHooks } from '../common/context.ts';
import { eventFor } from '../common/emit.ts';
import { idempotent } from '../common/idempotency.ts';
import { advanceJob, getJob } from '../common/job-store.ts';
import { isOutboxSweep, type OutboxEvent, OutboxRelay, SWEEP_OLDER_THAN_MS, storeInOutbox } from '../common/outbox.ts';
import type { SqlDatabase } from '../common/sql-database.ts';
import { getAnalysis, storeAnalysis } from './analysis-store.ts';
import { CompletionTracker, isComplete, type JobState } from './completion-tracker.ts';
import { type ConsolidatedAnalysis, consolidate, finalStatusOf, type Outcome } from './consolidate.ts';

const STEP_TYPES = ['ClassificationRequested', 'InstrumentsClassified'] as const;

type Progress =
  | { jobId: string; kind: 'AnalysisPlanned'; task: 'plan'; detail: Detail<'AnalysisPlanned'> }
  | { jobId: string; kind: 'SpecialistCompleted'; task: Task; detail: Detail<'SpecialistCompleted'> }
  | { jobId: string; kind: 'SpecialistFailed'; task: Task; detail: Detail<'SpecialistFailed'> }
  | { jobId: string; kind: 'AnalysisDeadlineReached'; task: 'deadline'; detail: Detail<'AnalysisDeadlineReached'> };

export type AggregatorHooks = ServiceHooks;

export function createAggregatorHandler(ctx: ServiceContext, hooks: AggregatorHooks = {}): SqsBatchHandler {
  const tracker = new CompletionTracker(ctx.dynamo, ctx.tables.completion, ctx.now);
  let relay: OutboxRelay | undefined;
  const outbox = (db: SqlDatabase) => (relay ??= new OutboxRelay(db, ctx.publisher, { onStage: hooks.onOutboxStage }));

  /** The job's one final announcement, under its deterministic id. */
  function announcementOf(analysis: ConsolidatedAnalysis, planned: Detail<'AnalysisPlanned'>): OutboxEvent {
    if (analysis.status === 'failed')
      return withId(
        eventFor(ctx.service, 'AnalysisFailed', {
          jobId: planned.jobId,
          userId: planned.userId,
          reason: 'Every specialist failed; see failedTasks.',
          failedTasks: analysis.missing,
          failedAt: analysis.completedAt,
        }),
      );
    return withId(
      eventFor(ctx.service, 'AnalysisCompleted', {
        jobId: planned.jobId,
        userId: planned.userId,
        status: analysis.status,
        missing: analysis.missing,
        completedAt: analysis.completedAt,
        totalValue: analysis.portfolio.totalValue,
        successProbability: analysis.retirement?.successProbability ?? null,
      }),
    );
  }

  async function record(progress: Exclude<Progress, { kind: 'AnalysisDeadlineReached' }>): Promise<void> {
    if (progress.kind === 'AnalysisPlanned') {
      const { detail } = progress;
      await tracker.recordPlan({
        jobId: detail.jobId,
        userId: detail.userId,
        tasks: detail.tasks,
        planned: JSON.stringify(detail),
        deadline: detail.deadline,
      });
    } else {
      const { detail } = progress;
      await tracker.recordOutcome({
        jobId: detail.jobId,
        task: detail.task,
        outcome: progress.kind === 'SpecialistCompleted' ? 'completed' : 'failed',
        detail: JSON.stringify(detail),
        // Stryker disable next-line all: equivalent, the record's `at` is for people reading the table
        at: progress.kind === 'SpecialistCompleted' ? progress.detail.completedAt : progress.detail.failedAt,
      });
    }
  }

  async function finish(
    state: JobState & { plan: NonNullable<JobState['plan']> },
    claimant: string,
    // Stryker disable next-line BooleanLiteral: equivalent, a finish before the deadline has every outcome
    atDeadline = false,
  ): Promise<string> {
    const planned = catalog.AnalysisPlanned.detail.parse(JSON.parse(state.plan.planned));
    const outcomes = new Map<Task, Outcome>();
    for (const [task, outcome] of state.outcomes) {
      // A result that travelled by reference is fetched and checked against its hash here.
      outcomes.set(
        task,
        outcome.outcome === 'completed'
          ? {
              kind: 'completed',
              detail: await completedResult(
                ctx.payloads,
                catalog.SpecialistCompleted.detail.parse(JSON.parse(outcome.detail)),
              ),
            }
          : { kind: 'failed', detail: catalog.SpecialistFailed.detail.parse(JSON.parse(outcome.detail)) },
      );
    }
    const status = finalStatusOf(planned.tasks, outcomes);
    // Stryker disable next-line StringLiteral: the idempotency record's outcome, read by no code
    if (!(await tracker.claim(planned.jobId, claimant, status))) return 'finished-by-another-delivery';

    const db = await ctx.db();
    const job = await getJob(db, planned.jobId);
    if (job?.status === 'failed' && !(await getAnalysis(db, planned.jobId))) {
      // The job already failed before it was planned (its deadline passed first): a plan that
      // arrives late must not finish it a second time. The claim above blocks every later try.
      await tracker.markPublished(planned.jobId);
      // Stryker disable next-line StringLiteral: the idempotency record's outcome, read by no code
      return 'already-failed-before-planning';
    }
    const analysis = consolidate(
      { ...planned, snapshot: await plannedSnapshot(ctx.payloads, planned) },
      outcomes,
      ctx.now(),
      atDeadline ? `no result by the deadline ${planned.deadline}` : undefined,
      state.steps,
    );
    const modelCalls = [...outcomes.values()].flatMap((outcome) => outcome.detail.modelCalls ?? []);
    const announcement = announcementOf(analysis, planned);
    const inserted = await storeAnalysis(db, analysis, modelCalls, announcement);
    hooks.onConsolidatedWrite?.(planned.jobId, inserted);
    // Whether this delivery stored it or an earlier one did and then died, the stored row is
    // sent. An earlier one may have decided another status (more outcomes have arrived since):
    // its announcement, stored with its analysis, is the one that leaves.
    // Stryker disable next-line OptionalChaining: equivalent, a store that inserted nothing found the analysis there
    const stored = inserted ? analysis.status : ((await getAnalysis(db, planned.jobId))?.status ?? analysis.status);
    await outbox(db).relay(eventIdOf(stored === 'failed' ? 'AnalysisFailed' : 'AnalysisCompleted', planned.jobId));
    await tracker.markPublished(planned.jobId);
    return analysis.status;
  }

  /**
   * A job's deadline. Unfinished work is finished now: a planned job as partial (or failed when
   * nothing arrived), a job never planned as failed; each exactly once, whatever else races it.
   */
  async function onDeadline(detail: Detail<'AnalysisDeadlineReached'>): Promise<string> {
    const now = ctx.now();
    const state = await tracker.load(detail.jobId);
    // Stryker disable next-line StringLiteral: the idempotency record's outcome, read by no code
    if (state.plan?.published) return 'already-finished';
    if (state.plan)
      return finish(
        state as JobState & { plan: NonNullable<JobState['plan']> },
        // Stryker disable next-line StringLiteral: equivalent, it need only differ from every `kind#task`
        'AnalysisDeadlineReached#deadline',
        true,
      );

    // Never planned. The jobs row decides, with a conditional update, who announces the failure.
    const db = await ctx.db();
    const job = await getJob(db, detail.jobId);
    const reason = `Not planned by its deadline ${detail.deadline}${job ? ` (the job was still ${job.status})` : ''}; nothing was analysed.`;
    const failed = withId(
      eventFor(ctx.service, 'AnalysisFailed', {
        jobId: detail.jobId,
        userId: detail.userId,
        reason,
        failedTasks: [],
        failedAt: now.toISOString(),
      }),
    );
    // The failure and its announcement commit together; a retry after a crash only relays it.
    const advanced = await db.transaction(async (tx) => {
      const changed = await advanceJob(tx, detail.jobId, 'failed', { error: reason, finishedAt: now.toISOString() });
      if (changed) await storeInOutbox(tx, failed);
      return changed;
    });
    await outbox(db).relay(failed.id);
    // Stryker disable next-line StringLiteral: the idempotency record's outcome, read by no code
    return advanced ? 'failed-before-planning' : 'already-finished';
  }

  /**
   * SQS delays at most 15 minutes: a later deadline arrives early and is sent on again. This is
   * decided before the idempotency record, which would otherwise keep "sent on" under the job's
   * deadline key and answer the deadline with it when it comes back due. A duplicate of an early
   * deadline sends on one more; when due, the idempotency record lets only the first act.
   */
  async function sendOnIfEarly(detail: Detail<'AnalysisDeadlineReached'>): Promise<boolean> {
    const now = ctx.now();
    if (Date.parse(detail.deadline) - now.getTime() <= 1000) return false;
    await ctx.deadlines.schedule(detail, now);
    return true;
  }

  const track = idempotent(
    async (progress: Progress) => {
      if (progress.kind === 'AnalysisDeadlineReached') return { outcome: await onDeadline(progress.detail) };
      await record(progress);
      const state = await tracker.load(progress.jobId);
      // Stryker disable next-line ObjectLiteral,StringLiteral: the idempotency record's outcome, read by no code
      if (!isComplete(state)) return { outcome: state.plan ? 'waiting-for-specialists' : 'waiting-for-plan' };
      // Stryker disable next-line ObjectLiteral,StringLiteral: the idempotency record's outcome, read by no code
      if (state.plan.published) return { outcome: 'already-finished' };
      return { outcome: await finish(state, `${progress.kind}#${progress.task}`) };
    },
    {
      dynamo: ctx.dynamo,
      tableName: ctx.tables.idempotency,
      // Stryker disable next-line StringLiteral: equivalent, no other function shares the table here
      keyPrefix: 'alex-aggregator',
      // Stryker disable next-line StringLiteral: equivalent, every write behind it is conditional
      keyPath: '[jobId, kind, task]',
    },
  );

  /**
   * A classification step, kept for the timeline only. The planner and the tagger are its
   * consumers and dead-letter a malformed one; here it is skipped, so it lands in one DLQ, not two.
   */
  async function noteStep(raw: unknown): Promise<void> {
    let envelope: ReturnType<typeof parseEnvelope<'ClassificationRequested' | 'InstrumentsClassified'>>;
    try {
      envelope = parseEnvelope(raw, STEP_TYPES);
    } catch (error) {
      // Stryker disable next-line all: a log line (its wording and fields), read by no program
      ctx.logger.warn('Skipped a malformed classification step', { reason: (error as Error).message });
      return;
    }
    const { jobId, instruments } = envelope.detail;
    await tracker.recordStep({
      jobId,
      detailType: envelope['detail-type'],
      at: envelope.time,
      note: `${instruments.length} instrument${instruments.length === 1 ? '' : 's'}`,
    });
  }

  return createBatchHandler(ctx, async (record, context) => {
    track.registerLambdaContext(context);
    const raw = parseJson(record.body, 'message');
    if (isOutboxSweep(raw)) {
      const sent = await outbox(await ctx.db()).sweep({ olderThanMs: SWEEP_OLDER_THAN_MS });
      // Stryker disable next-line all: a log line (its wording and fields), read by no program
      if (sent > 0) ctx.logger.warn('Sent announcements a crashed delivery had left in the outbox', { sent });
      return;
    }
    if (isEnvelope(raw) && (STEP_TYPES as readonly unknown[]).includes(raw['detail-type'])) return noteStep(raw);
    const envelope = parseEnvelope(raw, [
      'AnalysisPlanned',
      'SpecialistCompleted',
      'SpecialistFailed',
      'AnalysisDeadlineReached',
    ]);
    const progress = toProgress(envelope['detail-type'], envelope.detail);
    if (progress.kind === 'AnalysisDeadlineReached' && (await sendOnIfEarly(progress.detail))) return;
    await track(progress);
  });
}

/** A job's final announcement gets the id every publisher of it would give it. */
function withId(event: OutgoingEvent<'AnalysisCompleted' | 'AnalysisFailed'>): OutboxEvent {
  return { ...event, id: eventIdOf(event.detailType, event.detail.jobId) };
}

function toProgress(kind: Progress['kind'], detail: unknown): Progress {
  if (kind === 'AnalysisDeadlineReached') {
    const deadline = detail as Detail<'AnalysisDeadlineReached'>;
    // Stryker disable next-line StringLiteral: equivalent, one fixed name per job completes the idempotency key
    return { jobId: deadline.jobId, kind, task: 'deadline', detail: deadline };
  }
  if (kind === 'AnalysisPlanned') {
    const planned = detail as Detail<'AnalysisPlanned'>;
    // Stryker disable next-line StringLiteral: equivalent, one fixed name per job completes the idempotency key
    return { jobId: planned.jobId, kind, task: 'plan', detail: planned };
  }
  const outcome = detail as Detail<'SpecialistCompleted'>;
  return { jobId: outcome.jobId, kind, task: outcome.task, detail } as Progress;
}

/**
 * The planner's Lambda handler. It consumes two queues: the jobs queue (AnalysisRequested, as an
 * envelope from the bus rule or a bare detail from SendMessage) and its own queue
 * (InstrumentsClassified, to resume a job that waited for the tagger).
 *
 * Order of effects matters for safety under retries: the job row moves to `classifying`
 * before ClassificationRequested is published (so the tagger's answer can never find the job
 * in an earlier state), and AnalysisPlanned is published before the row moves to `planned`
 * (so a crash in between is retried, not lost; duplicates downstream are harmless).
 *
 * A portfolio with more unknown instruments than one ClassificationRequested holds is classified
 * in several requests; each InstrumentsClassified checks whether every held instrument is now
 * stored, and only then is the plan published, once per job.
 */
import type { SQSRecord } from 'aws-lambda';
import { catalog } from '#events/catalog.ts';
import { entrySize, MAX_REQUEST_BYTES } from '#events/eventbridge-publisher.ts';
import type { Classification, Task } from '#events/values.ts';
import { createBatchHandler, type SqsBatchHandler } from '../common/batch-handler.ts';
import { checkIn, isLarge, requireStore } from '../common/claim-check.ts';
import type { ServiceContext } from '../common/context.ts';
import { idempotent } from '../common/idempotency.ts';
import { advanceJob, createJob, getJob, reopenJob } from '../common/job-store.ts';
import { loadClassifications, loadPortfolio, type StoredPortfolio } from '../common/portfolio-store.ts';
import type { SqlDatabase } from '../common/sql-database.ts';
import {
  type AnalysisRequest,
  buildSnapshot,
  classificationBatches,
  deadlineOf,
  heldSymbols,
  parsePlannerMessage,
  tasksOf,
  unclassifiedInstruments,
} from './domain.ts';
import { refreshPrices } from './prices/refresh.ts';

export function createPlannerHandler(ctx: ServiceContext): SqsBatchHandler {
  const { logger } = ctx;

  interface PlannedJob {
    jobId: string;
    userId: string;
    requestedAt: string;
    deadline: string;
    tasks: Task[];
  }

  /**
   * `known`: the classifications the caller has just read and found complete (a plan that
   * needed no tagger), so the same rows are not read twice; a resumed job reads them here.
   */
  async function publishPlanned(
    db: SqlDatabase,
    job: PlannedJob,
    portfolio: StoredPortfolio,
    known?: readonly Classification[],
  ) {
    const classifications = known ?? (await loadClassifications(db, heldSymbols(portfolio)));
    const plannedAt = ctx.now();
    const prices = await refreshPrices(portfolio, ctx.prices, plannedAt);
    // Stryker disable all: a log line (its wording and fields), read by no program
    if (prices.missing.length > 0) {
      logger.warn('Some positions have no price; they are valued at 0 and marked missing', {
        jobId: job.jobId,
        source: ctx.prices?.name ?? 'local',
        missing: prices.missing,
      });
    }
    // Stryker restore all
    const snapshot = buildSnapshot(portfolio, classifications, plannedAt, prices.book);
    // A large snapshot travels by reference (claim check), stored before the plan is published.
    const carried = isLarge(snapshot)
      ? { snapshotRef: await checkIn(requireStore(ctx.payloads, 'the planner'), snapshot) }
      : { snapshot };
    const detail = {
      jobId: job.jobId,
      userId: job.userId,
      tasks: job.tasks,
      ...carried,
      requestedAt: job.requestedAt,
      plannedAt: plannedAt.toISOString(),
      deadline: job.deadline,
    };
    // The bus would refuse the plan and dead-letter it on every redrive: end the job now, saying why.
    // Stryker disable all: unreachable while a snapshot over CLAIM_CHECK_THRESHOLD_BYTES (128 KiB) goes by reference
    // and the rest of the plan is a few hundred bytes: it guards a change of either limit
    const bytes = plannedEntrySize(ctx.service.source, detail);
    if (bytes > MAX_REQUEST_BYTES) {
      await fail(
        db,
        job.jobId,
        job.userId,
        `The portfolio is too large to analyse: its snapshot (${portfolio.positions.length} positions, ` +
          `${snapshot.instruments.length} instruments) is ${bytes} bytes and an event holds at most ` +
          `${MAX_REQUEST_BYTES}; split it into smaller portfolios.`,
      );
      return;
    }
    // Stryker restore all
    await ctx.emit('AnalysisPlanned', detail);
    await advanceJob(db, job.jobId, 'planned', { plannedAt: plannedAt.toISOString() });
  }

  async function fail(db: SqlDatabase, jobId: string, userId: string, reason: string) {
    await ctx.emit('AnalysisFailed', { jobId, userId, reason, failedTasks: [], failedAt: ctx.now().toISOString() });
    await advanceJob(db, jobId, 'failed', { error: reason, finishedAt: ctx.now().toISOString() });
  }

  const plan = idempotent(
    // replayName is part of the key: a replay of the request may reopen a job that failed
    // before planning, once its cause is fixed; plain duplicates stay duplicates.
    async ({ request, replayName }: { request: AnalysisRequest; replayName: string | null }) => {
      const db = await ctx.db();
      const tasks = tasksOf(request);
      const now = ctx.now();
      const deadline = deadlineOf(request, now);
      let { row, created } = await createJob(db, {
        id: request.jobId,
        userId: request.userId,
        tasks,
        requestedAt: request.requestedAt,
        deadline,
      });
      if (!created && row.status === 'failed' && replayName && row.user_id === request.userId) {
        const reopened = await reopenJob(db, request.jobId, deadline);
        if (reopened) {
          // Stryker disable all: a log line (its wording and fields), read by no program
          logger.info('Replayed request reopens a job that failed before planning', {
            jobId: request.jobId,
            replayName,
          });
          // Stryker restore all
          row = reopened;
        }
      }
      if (!created && row.status !== 'planning' && row.status !== 'classifying') {
        // Stryker disable all: a log line (its wording and fields), read by no program
        logger.info('Job already planned or finished; nothing to do', { jobId: request.jobId, status: row.status });
        // Stryker restore all
        // Stryker disable next-line ObjectLiteral: the outcome is kept in the idempotency record and read by no code
        return { outcome: 'already-planned' as const };
      }
      if (row.user_id !== request.userId) {
        await fail(
          db,
          request.jobId,
          request.userId,
          `jobId ${request.jobId} is already used by another user's job; send a new jobId.`,
        );
        // Stryker disable next-line ObjectLiteral: the outcome is kept in the idempotency record and read by no code
        return { outcome: 'failed' as const };
      }
      const job: PlannedJob = {
        jobId: row.id,
        userId: row.user_id,
        requestedAt: row.requested_at,
        deadline: row.deadline ?? deadline,
        tasks: row.tasks,
      };
      // Scheduled on every pass that gets here, so a crash right after creating the job cannot
      // leave it without a deadline; the aggregator treats repeated deadlines as one.
      await ctx.deadlines.schedule({ jobId: job.jobId, userId: job.userId, deadline: job.deadline }, now);
      const portfolio = await loadPortfolio(db, request.userId);
      if (!portfolio) {
        await fail(
          db,
          request.jobId,
          request.userId,
          `No portfolio is stored for user "${request.userId}"; load one (alex analyze <portfolio.json>) before requesting an analysis.`,
        );
        // Stryker disable next-line ObjectLiteral: the outcome is kept in the idempotency record and read by no code
        return { outcome: 'failed' as const };
      }
      const classifications = await loadClassifications(db, heldSymbols(portfolio));
      const missing = unclassifiedInstruments(portfolio, classifications);
      if (missing.length > 0) {
        await advanceJob(db, request.jobId, 'classifying');
        const batches = classificationBatches(missing);
        for (const instruments of batches) {
          await ctx.emit('ClassificationRequested', { jobId: request.jobId, instruments });
        }
        // Stryker disable next-line ObjectLiteral: the outcome is kept in the idempotency record and read by no code
        return { outcome: 'classifying' as const, instruments: missing.length, batches: batches.length };
      }
      await publishPlanned(db, job, portfolio, classifications);
      // Stryker disable next-line ObjectLiteral: the outcome is kept in the idempotency record and read by no code
      return { outcome: 'planned' as const };
    },
    {
      dynamo: ctx.dynamo,
      tableName: ctx.tables.idempotency,
      // Stryker disable next-line StringLiteral: with no prefix Powertools keys by the function's name, and the
      // plan's key [jobId, replayName] and resume's jobId still never meet
      keyPrefix: 'alex-planner-plan',
      keyPath: '[request.jobId, replayName]',
    },
  );

  // Keyed on the job alone, and entered only once every instrument is stored: however many
  // batches answer, in whatever order and however often, the plan is published once.
  const resume = idempotent(
    async (classified: { jobId: string }) => {
      const db = await ctx.db();
      const row = await getJob(db, classified.jobId);
      // Classifications requested by other systems, or for a job already planned, need no plan.
      // Stryker disable next-line ObjectLiteral,ConditionalExpression: no code reads the outcome; onClassified made
      // the same check just before, and a racing delivery of the same job waits on the idempotency record
      if (!row || row.status !== 'classifying') return { outcome: 'ignored' as const };
      const portfolio = await loadPortfolio(db, row.user_id);
      if (!portfolio) {
        await fail(
          db,
          row.id,
          row.user_id,
          `The portfolio of user "${row.user_id}" was removed while the job was being classified.`,
        );
        // Stryker disable next-line ObjectLiteral: the outcome is kept in the idempotency record and read by no code
        return { outcome: 'failed' as const };
      }
      // Stryker disable next-line LogicalOperator: a classifying row is createJob's, which always writes a deadline
      const deadline = row.deadline ?? deadlineOf({}, ctx.now());
      await publishPlanned(
        db,
        { jobId: row.id, userId: row.user_id, requestedAt: row.requested_at, deadline, tasks: row.tasks },
        portfolio,
      );
      // Stryker disable next-line ObjectLiteral: the outcome is kept in the idempotency record and read by no code
      return { outcome: 'planned' as const };
    },
    // Stryker disable next-line StringLiteral: as the plan's prefix; and keyed on the whole { jobId } is keyed on jobId
    { dynamo: ctx.dynamo, tableName: ctx.tables.idempotency, keyPrefix: 'alex-planner-resume', keyPath: 'jobId' },
  );

  /**
   * One batch of a job's classification is stored. Read-only until the last one is: a job still
   * waiting for other batches, or not classifying at all, is left as it is, and nothing is cached
   * under the job's key that would make the last batch's answer look like a duplicate.
   */
  async function onClassified(jobId: string) {
    const db = await ctx.db();
    const row = await getJob(db, jobId);
    if (!row || row.status !== 'classifying') return;
    const portfolio = await loadPortfolio(db, row.user_id);
    if (portfolio) {
      const missing = unclassifiedInstruments(portfolio, await loadClassifications(db, heldSymbols(portfolio)));
      if (missing.length > 0) {
        // Stryker disable all: a log line (its wording and fields), read by no program
        logger.info('Classification of the job is still under way', { jobId, waitingFor: missing.length });
        // Stryker restore all
        return;
      }
    }
    await resume({ jobId });
  }

  /** The AnalysisPlanned entry's size as EventBridge counts it, the version stamped as emit does. */
  // Stryker disable all: as the check that reads it, unreachable with the limits as they are
  function plannedEntrySize(source: string, detail: object): number {
    const full = { version: catalog.AnalysisPlanned.version, ...detail };
    return entrySize({ Source: source, DetailType: 'AnalysisPlanned', Detail: JSON.stringify(full), Time: new Date() });
  }
  // Stryker restore all

  return createBatchHandler(ctx, async (record: SQSRecord, context) => {
    plan.registerLambdaContext(context);
    resume.registerLambdaContext(context);
    const message = parsePlannerMessage(record.body);
    if (message.kind === 'classified') await onClassified(message.jobId);
    else await plan({ request: message.request, replayName: message.replayName });
  });
}

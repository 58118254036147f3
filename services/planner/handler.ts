/**
 * The planner's Lambda handler. It consumes two queues: the jobs queue (AnalysisRequested, as an
 * envelope from the bus rule or a bare detail from SendMessage) and its own queue
 * (InstrumentsClassified, to resume a job that waited for the tagger).
 *
 * Order of effects matters for safety under retries: the job row moves to `classifying`
 * before ClassificationRequested is published (so the tagger's answer can never find the job
 * in an earlier state), and AnalysisPlanned is published before the row moves to `planned`
 * (so a crash in between is retried, not lost; duplicates downstream are harmless).
 */
import type { SQSRecord } from 'aws-lambda';
import { parseEnvelope, parseJson, isEnvelope } from '../../events/envelope.ts';
import type { SqlDatabase } from '../../infra/storage/port.ts';
import { SERVICES } from '../../infra/topology.ts';
import { createBatchHandler, type SqsBatchHandler } from '../common/batch-handler.ts';
import type { ServiceContext } from '../common/context.ts';
import { idempotent } from '../common/idempotency.ts';
import { advanceJob, createJob, getJob } from '../common/job-store.ts';
import { loadClassifications, loadPortfolio, type StoredPortfolio } from '../common/portfolio-store.ts';
import {
  buildSnapshot,
  deadlineOf,
  heldSymbols,
  parseJobMessage,
  tasksOf,
  unclassifiedInstruments,
  type AnalysisRequest,
} from './domain.ts';
import { refreshPrices } from './prices/refresh.ts';

const SOURCE = SERVICES.planner.source;

export function createPlannerHandler(ctx: ServiceContext): SqsBatchHandler {
  const { publisher, logger } = ctx;

  async function publishPlanned(db: SqlDatabase, request: Pick<AnalysisRequest, 'jobId' | 'userId' | 'deadlineSeconds'> & { requestedAt: string }, tasks: AnalysisRequest['tasks'] & {}, portfolio: StoredPortfolio) {
    const classifications = await loadClassifications(db, heldSymbols(portfolio));
    const plannedAt = ctx.now();
    const prices = await refreshPrices(portfolio, ctx.prices, plannedAt);
    if (prices.missing.length > 0) {
      logger.warn('Some positions have no price; they are valued at 0 and marked missing', { jobId: request.jobId, source: ctx.prices?.name ?? 'local', missing: prices.missing });
    }
    const snapshot = buildSnapshot(portfolio, classifications, plannedAt, prices.book);
    const deadline = deadlineOf({ ...request, version: 1 }, plannedAt);
    await publisher.publish([
      {
        detailType: 'AnalysisPlanned',
        source: SOURCE,
        detail: {
          version: 1,
          jobId: request.jobId,
          userId: request.userId,
          tasks,
          snapshot,
          requestedAt: request.requestedAt,
          plannedAt: plannedAt.toISOString(),
          deadline,
        },
      },
    ]);
    await advanceJob(db, request.jobId, 'planned', { plannedAt: plannedAt.toISOString(), deadline });
  }

  async function fail(db: SqlDatabase, jobId: string, userId: string, reason: string) {
    await publisher.publish([
      {
        detailType: 'AnalysisFailed',
        source: SOURCE,
        detail: { version: 1, jobId, userId, reason, failedTasks: [], failedAt: ctx.now().toISOString() },
      },
    ]);
    await advanceJob(db, jobId, 'failed', { error: reason, finishedAt: ctx.now().toISOString() });
  }

  const plan = idempotent(
    async (request: AnalysisRequest) => {
      const db = await ctx.db();
      const tasks = tasksOf(request);
      const { row, created } = await createJob(db, { id: request.jobId, userId: request.userId, tasks, requestedAt: request.requestedAt });
      if (!created && row.status !== 'planning' && row.status !== 'classifying') {
        logger.info('Job already planned; nothing to do', { jobId: request.jobId, status: row.status });
        return { outcome: 'already-planned' as const };
      }
      if (row.user_id !== request.userId) {
        await fail(db, request.jobId, request.userId, `jobId ${request.jobId} is already used by another user's job; send a new jobId.`);
        return { outcome: 'failed' as const };
      }
      const portfolio = await loadPortfolio(db, request.userId);
      if (!portfolio) {
        await fail(db, request.jobId, request.userId, `No portfolio is stored for user "${request.userId}"; load one (alex analyze <portfolio.json>) before requesting an analysis.`);
        return { outcome: 'failed' as const };
      }
      const classifications = await loadClassifications(db, heldSymbols(portfolio));
      const missing = unclassifiedInstruments(portfolio, classifications);
      if (missing.length > 0) {
        await advanceJob(db, request.jobId, 'classifying');
        await publisher.publish([
          {
            detailType: 'ClassificationRequested',
            source: SOURCE,
            detail: { version: 1, jobId: request.jobId, instruments: missing },
          },
        ]);
        return { outcome: 'classifying' as const, instruments: missing.length };
      }
      await publishPlanned(db, request, tasks, portfolio);
      return { outcome: 'planned' as const };
    },
    { dynamo: ctx.dynamo, tableName: ctx.tables.idempotency, keyPrefix: 'alex-planner-plan', keyPath: 'jobId' },
  );

  const resume = idempotent(
    async (classified: { jobId: string }) => {
      const db = await ctx.db();
      const job = await getJob(db, classified.jobId);
      // Classifications requested by other systems, or for a job already planned, need no plan.
      if (!job || job.status !== 'classifying') return { outcome: 'ignored' as const };
      const portfolio = await loadPortfolio(db, job.user_id);
      if (!portfolio) {
        await fail(db, job.id, job.user_id, `The portfolio of user "${job.user_id}" was removed while the job was being classified.`);
        return { outcome: 'failed' as const };
      }
      const deadlineSeconds = undefined;
      await publishPlanned(db, { jobId: job.id, userId: job.user_id, requestedAt: job.requested_at, deadlineSeconds }, job.tasks, portfolio);
      return { outcome: 'planned' as const };
    },
    { dynamo: ctx.dynamo, tableName: ctx.tables.idempotency, keyPrefix: 'alex-planner-resume', keyPath: 'jobId' },
  );

  return createBatchHandler(ctx, async (record: SQSRecord, context) => {
      plan.registerLambdaContext(context);
      resume.registerLambdaContext(context);
      const raw = parseJson(record.body, 'message');
      if (isEnvelope(raw) && raw['detail-type'] === 'InstrumentsClassified') {
        const { detail } = parseEnvelope(raw, ['InstrumentsClassified']);
        await resume({ jobId: detail.jobId });
        return;
      }
      await plan(parseJobMessage(record.body));
  });
}

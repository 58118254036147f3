/**
 * The handler the reporter, charter and retirement services share: take AnalysisPlanned from
 * the service's queue, do the one task on the snapshot, announce SpecialistCompleted (or
 * SpecialistFailed when the task cannot be done from this snapshot). Idempotent on jobId, so
 * a duplicate or replayed AnalysisPlanned neither recomputes nor calls a model again; and a
 * delivery after the job's deadline is skipped, since the job is finished without it.
 */
import { parseEnvelope, parseJson } from '#events/envelope.ts';
import { InvalidInputError, NonRetryableError } from '#events/errors.ts';
import type { ResultOf, Snapshot, Task } from '#events/values.ts';
import { createBatchHandler, type SqsBatchHandler } from './batch-handler.ts';
import { checkIn, isLarge, plannedSnapshot, requireStore } from './claim-check.ts';
import type { ServiceContext } from './context.ts';
import { idempotent } from './idempotency.ts';
import { withAudit } from './model/guard.ts';
import type { ModelCallRecord, ModelPort } from './model/port.ts';

export interface SpecialistOptions<T extends Task> {
  task: T;
  /** `job.model` is the service's model, guarded, with its calls recorded for the event's audit trail. */
  run: (snapshot: Snapshot, job: { jobId: string; model: ModelPort }) => Promise<ResultOf<T>>;
}

export function createSpecialistHandler<T extends Task>(
  ctx: ServiceContext,
  options: SpecialistOptions<T>,
): SqsBatchHandler {
  const { name } = ctx.service;

  const perform = idempotent(
    async (planned: { jobId: string; snapshot: Snapshot }) => {
      const started = performance.now();
      // Specialists have no database: their model-call records travel in the event they
      // publish, and the aggregator stores them with the analysis.
      const modelCalls: ModelCallRecord[] = [];
      const model = withAudit(ctx.model, (record) => {
        modelCalls.push(record);
        ctx.logger.info('model call', { modelCall: record });
      });
      const audit = () => (modelCalls.length > 0 ? { modelCalls } : {});
      try {
        const result = await options.run(planned.snapshot, { jobId: planned.jobId, model });
        // A large result goes by reference (claim check), stored before the event that names it.
        const carried = isLarge(result)
          ? { resultRef: await checkIn(requireStore(ctx.payloads, name), result) }
          : { result };
        await ctx.emit('SpecialistCompleted', {
          jobId: planned.jobId,
          task: options.task,
          ...carried,
          completedAt: ctx.now().toISOString(),
          durationMs: Math.round(performance.now() - started),
          ...audit(),
        } as never);
        return { outcome: 'completed' };
      } catch (error) {
        // A snapshot the task cannot be done from (a non-retryable error from the domain) fails
        // the task with its code; anything else fails the record, so SQS retries it.
        if (!(error instanceof NonRetryableError)) throw error;
        await ctx.emit('SpecialistFailed', {
          jobId: planned.jobId,
          task: options.task,
          failedAt: ctx.now().toISOString(),
          error: { code: error.code, message: error.message },
          ...audit(),
        });
        return { outcome: 'failed' };
      }
    },
    { dynamo: ctx.dynamo, tableName: ctx.tables.idempotency, keyPrefix: `alex-${name}`, keyPath: 'jobId' },
  );

  return createBatchHandler(ctx, async (record, context) => {
    perform.registerLambdaContext(context);
    const { detail } = parseEnvelope(parseJson(record.body, 'message'), ['AnalysisPlanned']);
    if (!detail.tasks.includes(options.task)) {
      throw new InvalidInputError(`AnalysisPlanned for job ${detail.jobId} does not ask for the ${options.task} task`);
    }
    if (Date.parse(detail.deadline) <= ctx.now().getTime()) {
      // Past its deadline the job is finished without this part (or is about to be), so the
      // work would be wasted: a late delivery or a replay of old history does nothing.
      ctx.logger.info('Skipped: the job is past its deadline', {
        jobId: detail.jobId,
        deadline: detail.deadline,
        task: options.task,
      });
      return;
    }
    // A large snapshot travels by reference: fetched and checked against its hash here.
    await perform({ jobId: detail.jobId, snapshot: await plannedSnapshot(ctx.payloads, detail) });
  });
}

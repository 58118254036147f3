/**
 * The tagger's handler: ClassificationRequested → classifications stored in PostgreSQL →
 * InstrumentsClassified. Idempotent on the job and the instruments asked for (a large portfolio's
 * come in several requests), so a duplicate request asks no model twice, and durable per
 * instrument, so a retry repeats no call that already succeeded.
 */
import { parseEnvelope, parseJson } from '#events/envelope.ts';
import type { Classification } from '#events/values.ts';
import { createBatchHandler, type SqsBatchHandler } from '../common/batch-handler.ts';
import type { ServiceContext } from '../common/context.ts';
import { idempotent } from '../common/idempotency.ts';
import { FINISHED_STATUSES, getJob } from '../common/job-store.ts';
import { insertModelCalls } from '../common/model/audit-store.ts';
import { withAudit } from '../common/model/guard.ts';
import type { ModelCallRecord } from '../common/model/port.ts';
import { loadClassifications, upsertClassification } from '../common/portfolio-store.ts';
import { classifyInstruments } from './domain.ts';

export function createTaggerHandler(ctx: ServiceContext): SqsBatchHandler {
  const classify = idempotent(
    async (request: { jobId: string; instruments: Array<{ symbol: string; name?: string }> }) => {
      const db = await ctx.db();
      const job = await getJob(db, request.jobId);
      if (job && FINISHED_STATUSES.includes(job.status)) {
        // A late or replayed request for a job that is already finished: nothing would use it.
        return { classified: 0, skipped: `job ${job.status}` };
      }
      // Progress is kept instrument by instrument: a retry after a throttle (or another job that
      // asked for the same instrument) finds what is already stored and asks no model again.
      const stored = new Map(
        (
          await loadClassifications(
            db,
            request.instruments.map((i) => i.symbol),
          )
        )
          .filter((c) => c.source !== 'unclassified')
          .map((c) => [c.symbol, c]),
      );
      const classifications: Classification[] = [];
      const seen = new Set<string>();
      for (const instrument of request.instruments) {
        if (seen.has(instrument.symbol)) continue;
        seen.add(instrument.symbol);
        const known = stored.get(instrument.symbol);
        if (known) {
          classifications.push(known);
          continue;
        }
        const modelCalls: ModelCallRecord[] = [];
        const model = withAudit(ctx.model, (record) => modelCalls.push(record));
        let classification: Classification;
        try {
          [classification] = (await classifyInstruments([instrument], model, { jobId: request.jobId })) as [
            Classification,
          ];
        } catch (error) {
          // The calls made before a throttle or outage are part of the trail too; the retry adds its own.
          if (modelCalls.length > 0) await insertModelCalls(db, modelCalls);
          throw error;
        }
        await db.transaction(async (tx) => {
          await upsertClassification(tx, classification, { overwrite: 'weaker' });
          await insertModelCalls(tx, modelCalls);
        });
        classifications.push(classification);
      }
      await ctx.emit('InstrumentsClassified', {
        jobId: request.jobId,
        instruments: classifications.map((c) => ({ symbol: c.symbol, source: c.source })),
      });
      return { classified: classifications.length };
    },
    {
      dynamo: ctx.dynamo,
      tableName: ctx.tables.idempotency,
      keyPrefix: 'alex-tagger',
      // The business key is the job and exactly what it asked for: each of a job's batches is its
      // own request, and a planner retry that batches differently is new work, not a duplicate.
      keyPath: '[jobId, instruments[].symbol]',
    },
  );

  return createBatchHandler(ctx, async (record, context) => {
    classify.registerLambdaContext(context);
    const { detail } = parseEnvelope(parseJson(record.body, 'message'), ['ClassificationRequested']);
    await classify({ jobId: detail.jobId, instruments: detail.instruments });
  });
}

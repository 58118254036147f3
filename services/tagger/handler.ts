/**
 * The tagger's handler: ClassificationRequested → classifications stored in PostgreSQL →
 * InstrumentsClassified. Idempotent on the job, so a duplicate request asks no model twice.
 */
import { parseEnvelope, parseJson } from '../../events/envelope.ts';
import { SERVICES } from '../../infra/topology.ts';
import { createBatchHandler, type SqsBatchHandler } from '../common/batch-handler.ts';
import type { ServiceContext } from '../common/context.ts';
import { idempotent } from '../common/idempotency.ts';
import { upsertClassification } from '../common/portfolio-store.ts';
import { classifyInstruments } from './domain.ts';

export function createTaggerHandler(ctx: ServiceContext): SqsBatchHandler {
  const classify = idempotent(
    async (request: { jobId: string; instruments: Array<{ symbol: string; name?: string }> }) => {
      const classifications = await classifyInstruments(request.instruments, ctx.model, { jobId: request.jobId });
      const db = await ctx.db();
      await db.transaction(async (tx) => {
        for (const classification of classifications) await upsertClassification(tx, classification, { overwrite: 'weaker' });
      });
      await ctx.publisher.publish([
        {
          detailType: 'InstrumentsClassified',
          source: SERVICES.tagger.source,
          detail: {
            version: 1,
            jobId: request.jobId,
            instruments: classifications.map((c) => ({ symbol: c.symbol, source: c.source })),
          },
        },
      ]);
      return { classified: classifications.length };
    },
    { dynamo: ctx.dynamo, tableName: ctx.tables.idempotency, keyPrefix: 'alex-tagger', keyPath: 'jobId' },
  );

  return createBatchHandler(ctx, async (record, context) => {
      classify.registerLambdaContext(context);
      const { detail } = parseEnvelope(parseJson(record.body, 'message'), ['ClassificationRequested']);
      await classify({ jobId: detail.jobId, instruments: detail.instruments });
  });
}

/**
 * The tagger's handler: ClassificationRequested → classifications stored in PostgreSQL →
 * InstrumentsClassified. Idempotent on the job, so a duplicate request asks no model twice.
 */
import { parseEnvelope, parseJson } from '../../events/envelope.ts';
import { SERVICES } from '../../infra/topology.ts';
import { createBatchHandler, type SqsBatchHandler } from '../common/batch-handler.ts';
import type { ServiceContext } from '../common/context.ts';
import { idempotent } from '../common/idempotency.ts';
import { insertModelCalls } from '../common/model/audit-store.ts';
import { withAudit } from '../common/model/guard.ts';
import type { ModelCallRecord } from '../common/model/port.ts';
import { upsertClassification } from '../common/portfolio-store.ts';
import { classifyInstruments } from './domain.ts';

export function createTaggerHandler(ctx: ServiceContext): SqsBatchHandler {
  const classify = idempotent(
    async (request: { jobId: string; instruments: Array<{ symbol: string; name?: string }> }) => {
      const modelCalls: ModelCallRecord[] = [];
      const model = withAudit(ctx.model, (record) => modelCalls.push(record));
      let classifications;
      try {
        classifications = await classifyInstruments(request.instruments, model, { jobId: request.jobId });
      } catch (error) {
        // The calls made before a throttle or outage are part of the trail too; the retry adds its own.
        if (modelCalls.length > 0) await insertModelCalls(await ctx.db(), modelCalls);
        throw error;
      }
      const db = await ctx.db();
      await db.transaction(async (tx) => {
        for (const classification of classifications) await upsertClassification(tx, classification, { overwrite: 'weaker' });
        await insertModelCalls(tx, modelCalls);
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

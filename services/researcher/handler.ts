/**
 * The researcher's handler: DocumentSubmitted → passages embedded into the vector store and kept
 * in the catalogue (ingest.ts says the order and why a retry is safe). Idempotent by content:
 * the same document again finds its hash stored and changes nothing, whatever the envelope.
 */
import * as z from 'zod';
import { parseEnvelope, parseJson } from '#events/envelope.ts';
import { createBatchHandler, type SqsBatchHandler } from '../common/batch-handler.ts';
import { checkOut } from '../common/claim-check.ts';
import type { ServiceContext } from '../common/context.ts';
import { ingestDocument, type ResearchPorts } from './ingest.ts';

export function createResearcherHandler(ctx: ServiceContext): SqsBatchHandler {
  let ports: Promise<ResearchPorts> | undefined;
  const open = async (): Promise<ResearchPorts> => {
    if (!ctx.vectors) throw new Error('the researcher has no embedder or vector store configured (ctx.vectors)');
    return { db: await ctx.db(), embedder: ctx.vectors.embedder, store: await ctx.vectors.store() };
  };
  return createBatchHandler(ctx, async (record) => {
    const { detail } = parseEnvelope(parseJson(record.body, 'message'), ['DocumentSubmitted']);
    const content =
      detail.content ??
      (await checkOut(ctx.payloads, detail.contentRef!, z.string(), 'DocumentSubmitted detail.content'));
    // Opened once per execution environment; a failed open is tried again with the next record.
    ports ??= open().catch((error: unknown) => {
      ports = undefined;
      throw error;
    });
    const outcome = await ingestDocument(await ports, {
      documentId: detail.documentId,
      source: detail.source,
      format: detail.format,
      content,
    });
    ctx.logger.info('Document indexed', { ...outcome });
  });
}

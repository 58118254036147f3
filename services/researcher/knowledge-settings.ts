/**
 * Knowledge on AWS, configured once: the CDK config's `knowledge` settings (this schema) become the
 * functions' environment (knowledgeEnvironment), which aws-knowledge.ts turns back into an embedder
 * and an S3 Vectors store. The index is named for the embedder, so changing the embedder deploys a
 * new, empty index instead of mixing two vector spaces in one. No SDK client here: the CDK app reads it.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import type { EmbedderIdentity } from './ports.ts';

/** Titan Text Embeddings V2's model id (titan-embedder.ts uses the same). */
export const TITAN_EMBED_V2_ID = 'amazon.titan-embed-text-v2:0';

export const KNOWLEDGE_ENV = {
  embedder: 'ALEX_KNOWLEDGE_EMBEDDER',
  embeddingModelId: 'ALEX_EMBEDDING_MODEL_ID',
  embeddingDimension: 'ALEX_EMBEDDING_DIMENSION',
  sagemakerEndpoint: 'ALEX_SAGEMAKER_ENDPOINT',
  sagemakerInputKey: 'ALEX_SAGEMAKER_INPUT_KEY',
  sagemakerQueryPrefix: 'ALEX_SAGEMAKER_QUERY_PREFIX',
  sagemakerPassagePrefix: 'ALEX_SAGEMAKER_PASSAGE_PREFIX',
  vectorBucket: 'ALEX_VECTOR_BUCKET',
  vectorIndex: 'ALEX_VECTOR_INDEX',
} as const;

const Titan = z
  .object({
    embedder: z.literal('bedrock'),
    modelId: z.string().min(1).default(TITAN_EMBED_V2_ID),
    dimension: z.union([z.literal(256), z.literal(512), z.literal(1024)]).default(1024),
  })
  .strict();

const SageMaker = z
  .object({
    embedder: z.literal('sagemaker'),
    endpointName: z.string().regex(/^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$/, 'must be a SageMaker endpoint name'),
    dimension: z.number().int().min(1).max(4096),
    /** The request's key for the texts (`inputs` when absent). */
    inputKey: z.string().min(1).optional(),
    queryPrefix: z.string().optional(),
    passagePrefix: z.string().optional(),
  })
  .strict();

/** `bedrock` (Titan Text Embeddings V2) or `sagemaker` (an endpoint of yours); see docs/knowledge.md. */
export const AwsKnowledgeSettings = z.discriminatedUnion('embedder', [Titan, SageMaker]);
export type AwsKnowledgeSettings = z.infer<typeof AwsKnowledgeSettings>;

export function embedderIdentity(settings: AwsKnowledgeSettings): EmbedderIdentity {
  return settings.embedder === 'bedrock'
    ? { name: settings.modelId, dimension: settings.dimension }
    : { name: `sagemaker:${settings.endpointName}`, dimension: settings.dimension };
}

/**
 * `passages-<embedder>-<dimension>` within S3 Vectors' index name rule (3 to 63 of a-z, 0-9, `-`
 * and `.`, a letter or digit at each end); a name too long keeps a hash of the whole identity.
 */
export function vectorIndexName(identity: EmbedderIdentity): string {
  const slug = identity.name
    .toLowerCase()
    .replace(/[^a-z0-9.-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^[-.]+|[-.]+$/g, '');
  const full = `passages-${slug}-${identity.dimension}`;
  if (full.length <= 63) return full;
  const hash = createHash('sha256').update(`${identity.name}\n${identity.dimension}`).digest('hex').slice(0, 10);
  const tail = `-${identity.dimension}-${hash}`;
  return `passages-${slug.slice(0, 63 - 'passages-'.length - tail.length).replace(/[-.]+$/, '')}${tail}`;
}

/** The variables the service stack sets on a function that reads or writes knowledge. */
export function knowledgeEnvironment(settings: AwsKnowledgeSettings, vectorBucket: string): Record<string, string> {
  const common = {
    [KNOWLEDGE_ENV.embedder]: settings.embedder,
    [KNOWLEDGE_ENV.embeddingDimension]: String(settings.dimension),
    [KNOWLEDGE_ENV.vectorBucket]: vectorBucket,
    [KNOWLEDGE_ENV.vectorIndex]: vectorIndexName(embedderIdentity(settings)),
  };
  if (settings.embedder === 'bedrock') return { ...common, [KNOWLEDGE_ENV.embeddingModelId]: settings.modelId };
  return {
    ...common,
    [KNOWLEDGE_ENV.sagemakerEndpoint]: settings.endpointName,
    ...(settings.inputKey ? { [KNOWLEDGE_ENV.sagemakerInputKey]: settings.inputKey } : {}),
    ...(settings.queryPrefix ? { [KNOWLEDGE_ENV.sagemakerQueryPrefix]: settings.queryPrefix } : {}),
    ...(settings.passagePrefix ? { [KNOWLEDGE_ENV.sagemakerPassagePrefix]: settings.passagePrefix } : {}),
  };
}

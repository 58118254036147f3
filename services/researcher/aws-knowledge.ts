/**
 * The embedder and S3 Vectors store of a deployed function, from the environment its service stack
 * set (knowledge-settings.ts names the variables). Undefined when no vector bucket is set: the
 * local runtime uses the offline embedder and pgvector instead.
 */
import { S3VectorsClient } from '@aws-sdk/client-s3vectors';
import { InvalidInputError } from '#events/errors.ts';
import { AwsKnowledgeSettings, embedderIdentity, KNOWLEDGE_ENV, vectorIndexName } from './knowledge-settings.ts';
import type { Embedder, VectorStore } from './ports.ts';
import { EMBED_MAX_ATTEMPTS } from './remote-embedder.ts';
import { S3VectorsStore } from './s3-vectors-store.ts';
import { SageMakerEmbedder } from './sagemaker-embedder.ts';
import { TitanEmbedder } from './titan-embedder.ts';

export interface AwsKnowledge {
  embedder: Embedder;
  store: VectorStore;
}

/** Region and endpoints come the standard SDK way (AWS_REGION, AWS_ENDPOINT_URL_S3VECTORS and the like). */
export function knowledgeFromEnv(env: NodeJS.ProcessEnv = process.env): AwsKnowledge | undefined {
  const vectorBucketName = env[KNOWLEDGE_ENV.vectorBucket]?.trim();
  if (!vectorBucketName) return undefined;
  const settings = settingsFromEnv(env);
  const identity = embedderIdentity(settings);
  const indexName = env[KNOWLEDGE_ENV.vectorIndex]?.trim() || vectorIndexName(identity);
  const embedder =
    settings.embedder === 'bedrock'
      ? new TitanEmbedder({ modelId: settings.modelId, dimension: settings.dimension })
      : new SageMakerEmbedder(settings);
  const client = new S3VectorsClient({ maxAttempts: EMBED_MAX_ATTEMPTS });
  return { embedder, store: new S3VectorsStore({ client, vectorBucketName, indexName }) };
}

function settingsFromEnv(env: NodeJS.ProcessEnv): AwsKnowledgeSettings {
  const read = (name: string) => env[name]?.trim() || undefined;
  const dimension = read(KNOWLEDGE_ENV.embeddingDimension);
  const raw = {
    embedder: read(KNOWLEDGE_ENV.embedder) ?? 'bedrock',
    ...(dimension === undefined ? {} : { dimension: Number(dimension) }),
    ...(read(KNOWLEDGE_ENV.embedder) === 'sagemaker'
      ? {
          endpointName: read(KNOWLEDGE_ENV.sagemakerEndpoint),
          inputKey: read(KNOWLEDGE_ENV.sagemakerInputKey),
          // Prefixes keep their trailing space ("query: "), so they are not trimmed.
          queryPrefix: env[KNOWLEDGE_ENV.sagemakerQueryPrefix] || undefined,
          passagePrefix: env[KNOWLEDGE_ENV.sagemakerPassagePrefix] || undefined,
        }
      : { modelId: read(KNOWLEDGE_ENV.embeddingModelId) }),
  };
  const parsed = AwsKnowledgeSettings.safeParse(
    Object.fromEntries(Object.entries(raw).filter(([, value]) => value !== undefined)),
  );
  if (parsed.success) return parsed.data;
  const names: Record<string, string> = {
    embedder: KNOWLEDGE_ENV.embedder,
    dimension: KNOWLEDGE_ENV.embeddingDimension,
    endpointName: KNOWLEDGE_ENV.sagemakerEndpoint,
    modelId: KNOWLEDGE_ENV.embeddingModelId,
  };
  const issues = parsed.error.issues.map((issue) => {
    const field = String(issue.path[0] ?? 'embedder');
    return `${names[field] ?? field}: ${issue.message}`;
  });
  throw new InvalidInputError(`knowledge settings: ${issues.join('; ')}`, issues);
}

/**
 * The researcher's embedder and vector store on AWS, from the environment its stack sets
 * (`needs.knowledge` in service.ts: the bucket, index and embedder; knowledge-settings.ts names
 * them): Bedrock Titan Text Embeddings V2 or a SageMaker endpoint, and S3 Vectors. Without that
 * environment a deployed researcher refuses documents with a clear error rather than index them wrongly.
 */
import type { VectorPorts } from '../common/context.ts';
import { knowledgeFromEnv } from './aws-knowledge.ts';
import { KNOWLEDGE_ENV } from './knowledge-settings.ts';
import type { KnowledgePort } from './ports.ts';
import { VectorSearch } from './vector-search.ts';

export function awsVectorPorts(env: NodeJS.ProcessEnv): VectorPorts {
  const knowledge = knowledgeFromEnv(env);
  if (knowledge) return { embedder: knowledge.embedder, store: async () => knowledge.store };
  const missing = () =>
    new Error(
      `${KNOWLEDGE_ENV.vectorBucket} is not set: the researcher's stack sets it when its service.ts declares ` +
        "needs.knowledge 'write'; redeploy the stack",
    );
  return {
    embedder: { name: 'unconfigured', dimension: 1, embed: () => Promise.reject(missing()) },
    store: () => Promise.reject(missing()),
  };
}

/**
 * Knowledge search for a reader on AWS (the reporter): vector-only, from S3 Vectors with the index's
 * embedder, so it needs no grant on the researcher's catalogue. Undefined without the environment.
 */
export function awsKnowledgePort(env: NodeJS.ProcessEnv): KnowledgePort | undefined {
  const knowledge = knowledgeFromEnv(env);
  return knowledge && new VectorSearch(knowledge.embedder, knowledge.store);
}

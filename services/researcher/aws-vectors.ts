/**
 * The knowledge base's ports on AWS, from the environment the service stacks set
 * (aws-knowledge.ts): the researcher's embedder and S3 Vectors store, and the reporter's
 * vector-only search. Without a vector bucket configured the researcher refuses documents with a
 * clear error, and the reporter cites nothing.
 */
import type { VectorPorts } from '../common/context.ts';
import { knowledgeFromEnv } from './aws-knowledge.ts';
import { KNOWLEDGE_ENV } from './knowledge-settings.ts';
import type { KnowledgePort } from './ports.ts';
import { VectorSearch } from './vector-search.ts';

export function awsVectorPorts(env: NodeJS.ProcessEnv): VectorPorts {
  const knowledge = knowledgeFromEnv(env);
  if (knowledge) return { embedder: knowledge.embedder, store: async () => knowledge.store };
  const missing = () => new Error(`the researcher needs a vector bucket: ${KNOWLEDGE_ENV.vectorBucket} is not set`);
  return {
    embedder: { name: 'unconfigured', dimension: 1, embed: () => Promise.reject(missing()) },
    store: () => Promise.reject(missing()),
  };
}

export function awsKnowledgePort(env: NodeJS.ProcessEnv): KnowledgePort | undefined {
  const knowledge = knowledgeFromEnv(env);
  return knowledge && new VectorSearch(knowledge.embedder, knowledge.store);
}

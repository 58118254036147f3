/**
 * The factory for the knowledge base's ports on AWS: the researcher's embedder and vector store
 * (lambda.ts). Wired to k2's adapters (aws-knowledge.ts `knowledgeFromEnv`, and VectorSearch for
 * the reporter) they are ready, but the S3 Vectors, Bedrock and SageMaker clients take the
 * researcher's bundle to 1.21 MB and the reporter's to 1.34 MB, over the 1 MB every Lambda asset
 * is held to (test/unit/infra/cdk/stacks.test.ts). Until that is settled a deployed researcher
 * refuses documents with this error rather than index them wrongly, and the reporter cites nothing.
 */
import type { VectorPorts } from '../common/context.ts';

export function awsVectorPorts(_env: NodeJS.ProcessEnv): VectorPorts {
  const missing = () =>
    new Error(
      'the researcher on AWS needs the S3 Vectors store and a Bedrock embedder (services/researcher/aws-vectors.ts)',
    );
  return {
    embedder: { name: 'unconfigured', dimension: 1, embed: () => Promise.reject(missing()) },
    store: () => Promise.reject(missing()),
  };
}

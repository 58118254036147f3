/**
 * The researcher's embedder and vector store on AWS, from the environment its stack sets: the
 * factory the S3 Vectors store and the Bedrock / SageMaker embedders plug into. Until they are
 * wired, a deployed researcher refuses documents with this error rather than index them wrongly.
 */
import type { VectorPorts } from '../common/context.ts';

export function awsVectorPorts(_env: NodeJS.ProcessEnv): VectorPorts {
  const missing = () =>
    new Error(
      'the researcher on AWS needs the S3 Vectors store and a Bedrock embedder (services/researcher/aws-vectors.ts)',
    );
  return {
    embedder: {
      name: 'unconfigured',
      dimension: 1,
      embed: () => Promise.reject(missing()),
    },
    store: () => Promise.reject(missing()),
  };
}

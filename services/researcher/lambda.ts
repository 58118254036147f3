/**
 * Lambda entry point of the researcher: the shared handler, wired to AWS. Its embedder and
 * vector store (Bedrock Titan Text Embeddings V2 or SageMaker, and S3 Vectors) come from
 * awsVectorPorts (aws-vectors.ts).
 */
import { awsServiceContext } from '../common/aws-context.ts';
import { openAuroraDatabase } from '../common/aws-database.ts';
import { awsVectorPorts } from './aws-vectors.ts';
import { createResearcherHandler } from './handler.ts';
import { researcher } from './service.ts';

export const handler = createResearcherHandler({
  ...awsServiceContext(researcher, openAuroraDatabase),
  vectors: awsVectorPorts(process.env),
});

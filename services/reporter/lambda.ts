/** Lambda entry point of the reporter: the shared handler, wired to AWS (with S3 Vectors search when set). */
import { awsServiceContext } from '../common/aws-context.ts';
import { openAuroraDatabase } from '../common/aws-database.ts';
import { awsKnowledgePort } from '../researcher/aws-vectors.ts';
import { createReporterHandler } from './handler.ts';
import { reporter } from './service.ts';

const knowledge = awsKnowledgePort(process.env);

export const handler = createReporterHandler({
  ...awsServiceContext(reporter, openAuroraDatabase),
  ...(knowledge ? { knowledge } : {}),
});

/**
 * Lambda entry point of the reporter: the shared handler, wired to AWS. Its knowledge search is
 * vector-only (S3 Vectors with the index's embedder, passage text in the vectors' metadata), so it
 * needs no grant on the researcher's catalogue; without the knowledge environment it cites nothing.
 */
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

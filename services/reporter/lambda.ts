/** Lambda entry point of the reporter: the shared handler, wired to AWS. */
import { awsServiceContext } from '../common/aws-context.ts';
import { openAuroraDatabase } from '../common/aws-database.ts';
import { createReporterHandler } from './handler.ts';
import { reporter } from './service.ts';

export const handler = createReporterHandler(awsServiceContext(reporter, openAuroraDatabase));

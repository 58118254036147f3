/** Lambda entry point of the charter: the shared handler, wired to AWS. */
import { awsServiceContext } from '../common/aws-context.ts';
import { openAuroraDatabase } from '../common/aws-database.ts';
import { createCharterHandler } from './handler.ts';
import { charter } from './service.ts';

export const handler = createCharterHandler(awsServiceContext(charter, openAuroraDatabase));

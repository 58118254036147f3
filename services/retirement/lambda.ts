/** Lambda entry point of the retirement: the shared handler, wired to AWS. */
import { awsServiceContext } from '../common/aws-context.ts';
import { openAuroraDatabase } from '../common/aws-database.ts';
import { createRetirementHandler } from './handler.ts';
import { retirement } from './service.ts';

export const handler = createRetirementHandler(awsServiceContext(retirement, openAuroraDatabase));

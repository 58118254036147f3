/** Lambda entry point of the planner: the shared handler, wired to AWS. */
import { awsServiceContext } from '../common/aws-context.ts';
import { openAuroraDatabase } from '../common/aws-database.ts';
import { createPlannerHandler } from './handler.ts';

export const handler = createPlannerHandler(awsServiceContext('planner', openAuroraDatabase));

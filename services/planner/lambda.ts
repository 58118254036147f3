/** Lambda entry point of the planner: the shared handler, wired to AWS. */
import { awsServiceContext } from '../common/aws-context.ts';
import { openAuroraDatabase } from '../common/aws-database.ts';
import { createPlannerHandler } from './handler.ts';
import { pricesFromEnvironment } from './prices/config.ts';
import { planner } from './service.ts';

export const handler = createPlannerHandler({
  ...awsServiceContext(planner, openAuroraDatabase),
  prices: pricesFromEnvironment(),
});

/** Lambda entry point of the aggregator: the shared handler, wired to AWS. */
import { awsServiceContext } from '../common/aws-context.ts';
import { openAuroraDatabase } from '../common/aws-database.ts';
import { createAggregatorHandler } from './handler.ts';
import { aggregator } from './service.ts';

export const handler = createAggregatorHandler(awsServiceContext(aggregator, openAuroraDatabase));

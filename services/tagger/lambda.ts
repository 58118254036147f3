/** Lambda entry point of the tagger: the shared handler, wired to AWS. */
import { awsServiceContext } from '../common/aws-context.ts';
import { openAuroraDatabase } from '../common/aws-database.ts';
import { createTaggerHandler } from './handler.ts';
import { tagger } from './service.ts';

export const handler = createTaggerHandler(awsServiceContext(tagger, openAuroraDatabase));

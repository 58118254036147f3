/** Aurora PostgreSQL through the RDS Data API, for the functions that use the database. */
import { RDSDataClient } from '@aws-sdk/client-rds-data';
import { DataApiDatabase } from '#infra/storage/data-api.ts';
import { ENV, requireEnv } from './environment.ts';

export function openAuroraDatabase(): DataApiDatabase {
  return new DataApiDatabase({
    client: new RDSDataClient({}),
    resourceArn: requireEnv(ENV.databaseClusterArn),
    secretArn: requireEnv(ENV.databaseSecretArn),
    database: requireEnv(ENV.databaseName),
  });
}

/**
 * Real ports for handler-level tests: dynalite with Alex's tables (idempotency, completion) and
 * a migrated in-memory PGlite, as the local runtime opens them, without its bus and queues.
 */
import { type LocalDynamo, startLocalDynamo } from '#infra/local/dynamodb.ts';
import { migrate, migratedTemplate } from '#infra/storage/migrate.ts';
import { openPglite } from '#infra/storage/pglite.ts';
import { DATABASE_ROLES, TABLES } from '#infra/topology.ts';
import type { ServicePorts } from '#services/common/context.ts';
import type { SqlDatabase } from '#services/common/sql-database.ts';

export interface TestPorts {
  dynamo: LocalDynamo;
  db: SqlDatabase;
  /** The ports a service context takes from these. */
  ports: Pick<ServicePorts, 'dynamo' | 'tables' | 'db'>;
  close(): Promise<void>;
}

export async function startTestPorts(): Promise<TestPorts> {
  const db = await openPglite(undefined, await migratedTemplate(DATABASE_ROLES));
  await migrate(db, undefined, DATABASE_ROLES);
  const dynamo = await startLocalDynamo(undefined);
  return {
    dynamo,
    db,
    ports: {
      dynamo: dynamo.client,
      tables: { idempotency: TABLES.idempotency, completion: TABLES.completion },
      db: async () => db,
    },
    close: async () => {
      await dynamo.close();
      await db.close();
    },
  };
}

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

/**
 * With ALEX_SHARED_TEST_PORTS=1 (vitest.mutation.config.ts, whose files run one after another in
 * one worker, without isolation) every file of a run gets the same ports: opening PGlite and
 * dynalite costs seconds a file, paid once per mutant instead. Their `close` then does nothing;
 * the worker ends with the run. Tests that share them key everything by a fresh jobId.
 */
let shared: Promise<TestPorts> | undefined;

export async function startTestPorts(): Promise<TestPorts> {
  if (process.env.ALEX_SHARED_TEST_PORTS !== '1') return openTestPorts();
  shared ??= openTestPorts();
  return { ...(await shared), close: async () => {} };
}

async function openTestPorts(): Promise<TestPorts> {
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

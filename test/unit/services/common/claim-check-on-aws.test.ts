/**
 * The claim check on AWS: each specialist's Lambda entry (services/<name>/lambda.ts), wired as the
 * service stack wires it (its environment; the real SDK clients reaching the Data API, EventBridge
 * and DynamoDB on loopback servers), takes an AnalysisPlanned whose snapshot went by reference and
 * publishes its full result. The Data API runs every statement as the service's own group role, so
 * the grants its folder declares are what the test exercises, not a superuser's.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Detail } from '#events/catalog.ts';
import type { Snapshot } from '#events/values.ts';
import { type LocalDynamo, startLocalDynamo } from '#infra/local/dynamodb.ts';
import { DataApiDatabase } from '#infra/storage/data-api.ts';
import { migrate } from '#infra/storage/migrate.ts';
import { DATABASE_ROLES, TABLES } from '#infra/topology.ts';
import { buildCharts } from '#services/charter/domain.ts';
import { CLAIM_CHECK_THRESHOLD_BYTES, checkIn, SqlPayloadStore } from '#services/common/claim-check.ts';
import { ENV } from '#services/common/environment.ts';
import { OfflineModel } from '#services/common/model/offline.ts';
import { writeReport } from '#services/reporter/domain.ts';
import { projectRetirement } from '#services/retirement/domain.ts';
import {
  DATABASE,
  type DataApiServer,
  RESOURCE_ARN,
  SECRET_ARN,
  startDataApiServer,
} from '#test/support/data-api-server.ts';
import { type FakeEventBridge, startFakeEventBridge } from '#test/support/eventbridge-server.ts';
import { eventRecord, lambdaContext, sqsEvent } from '#test/support/lambda.ts';
import { largeSnapshot } from '#test/support/large-portfolio.ts';

const BUS = 'alex-bus';
let dataApi: DataApiServer;
let bus: FakeEventBridge;
let dynamo: LocalDynamo;
let db: DataApiDatabase;
let snapshot: Snapshot;

/** Every statement the Data API runs from here on runs as `role` (one session behind the server). */
async function actAs(role: string): Promise<void> {
  await dataApi.pg.exec(`RESET ROLE; SET ROLE ${role}`);
}

beforeAll(async () => {
  [dataApi, bus, dynamo] = await Promise.all([startDataApiServer(), startFakeEventBridge(), startLocalDynamo()]);
  db = new DataApiDatabase({
    client: dataApi.client(),
    resourceArn: RESOURCE_ARN,
    secretArn: SECRET_ARN,
    database: DATABASE,
  });
  // As the deploy's migrator does: the migrations, then each service's role with its grants.
  await migrate(db, undefined, DATABASE_ROLES);
  const env: Record<string, string> = {
    [ENV.eventBusName]: BUS,
    [ENV.idempotencyTable]: TABLES.idempotency,
    [ENV.completionTable]: TABLES.completion,
    [ENV.deadLetterQueueUrls]: '{}',
    [ENV.databaseClusterArn]: RESOURCE_ARN,
    [ENV.databaseSecretArn]: SECRET_ARN,
    [ENV.databaseName]: DATABASE,
    ALEX_MODEL: 'offline',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'AKIDLOCALTEST',
    AWS_SECRET_ACCESS_KEY: 'local-test-secret',
    AWS_ENDPOINT_URL_RDS_DATA: dataApi.endpoint,
    AWS_ENDPOINT_URL_EVENTBRIDGE: bus.endpoint,
    AWS_ENDPOINT_URL_DYNAMODB: dynamo.endpoint,
  };
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  snapshot = largeSnapshot();
}, 120_000);

afterAll(async () => {
  vi.unstubAllEnvs();
  await Promise.all([dataApi?.close(), bus?.close(), dynamo?.close()]);
});

/** What each specialist computes from the snapshot inline: the result its event must carry. */
const SPECIALISTS = [
  {
    service: 'charter',
    task: 'charts',
    entry: () => import('#services/charter/lambda.ts'),
    expected: async (s: Snapshot) => buildCharts(s),
  },
  {
    service: 'retirement',
    task: 'retirement',
    entry: () => import('#services/retirement/lambda.ts'),
    expected: async (s: Snapshot) => projectRetirement(s),
  },
  {
    service: 'reporter',
    task: 'report',
    entry: () => import('#services/reporter/lambda.ts'),
    expected: (s: Snapshot, jobId: string) => writeReport(s, new OfflineModel(), { jobId }),
  },
] as const;

describe("a specialist's Lambda entry on AWS, given a plan whose snapshot went by reference", () => {
  it.each(SPECIALISTS)(
    '$service reads the snapshot through the Data API as its own role and publishes its full result',
    async ({ service, task, entry, expected }) => {
      // The planner stores the snapshot, as its own role, and the plan carries the reference.
      await actAs('alex_planner_role');
      const snapshotRef = await checkIn(new SqlPayloadStore(async () => db), snapshot);
      expect(snapshotRef.bytes).toBeGreaterThan(CLAIM_CHECK_THRESHOLD_BYTES);
      const jobId = crypto.randomUUID();
      const now = Date.now();
      const planned = {
        version: 1,
        jobId,
        userId: snapshot.userId,
        tasks: ['report', 'charts', 'retirement'],
        snapshotRef,
        requestedAt: new Date(now - 2000).toISOString(),
        plannedAt: new Date(now - 1000).toISOString(),
        deadline: new Date(now + 300_000).toISOString(),
      };

      await actAs(`alex_${service}_role`);
      bus.reset();
      const { handler } = await entry();
      const response = await handler(
        sqsEvent(eventRecord('AnalysisPlanned', planned)),
        lambdaContext(`alex-${service}`),
      );
      expect(response.batchItemFailures).toEqual([]);

      const completed = bus.accepted.filter((entry) => entry.DetailType === 'SpecialistCompleted');
      expect(completed.map((entry) => entry.Source)).toEqual([`alex.${service}`]);
      const detail = JSON.parse(completed[0]!.Detail!) as Detail<'SpecialistCompleted'>;
      expect(detail).toMatchObject({ jobId, task });
      expect(detail.result).toEqual(await expected(snapshot, jobId));
      // The snapshot's 2,000 positions reached the domain: the same result from a 1-position
      // snapshot would differ (the charter's top holdings, the report's facts, the projection's start).
      expect(detail.result).not.toEqual(
        await expected({ ...snapshot, positions: snapshot.positions.slice(0, 1) }, jobId),
      );
    },
    60_000,
  );
});

describe("a specialist's login on AWS", () => {
  it('stores a result too large for its event, and reads nothing but the claim-check store', async () => {
    await actAs('alex_charter_role');
    const store = new SqlPayloadStore(async () => db);
    const ref = await checkIn(store, { big: 'x'.repeat(CLAIM_CHECK_THRESHOLD_BYTES + 1) });
    expect(await store.get(ref.sha256)).toBe(JSON.stringify({ big: 'x'.repeat(CLAIM_CHECK_THRESHOLD_BYTES + 1) }));
    await expect(db.query('SELECT id FROM jobs')).rejects.toThrow(/permission denied/);
    await expect(db.query('DELETE FROM payloads')).rejects.toThrow(/permission denied/);
  });
});

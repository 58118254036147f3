/**
 * The services' group roles derived from their folders (`needs.database.grants`), synced after the
 * migrations: the same privileges schemas/migrations/0002_service_roles.sql gave before the grants
 * moved, created where missing, exactly the declared grants, all or nothing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { SERVICE_ROLES_ENV, serviceRoles } from '#infra/cdk/handlers/migrate-database.ts';
import { type DatabaseRole, syncDatabaseRoles } from '#infra/storage/database-roles.ts';
import { loadMigrations, migrate, migratedTemplate } from '#infra/storage/migrate.ts';
import { openPglite } from '#infra/storage/pglite.ts';
import { DATABASE_ROLES } from '#infra/topology.ts';
import type { SqlDatabase } from '#services/common/sql-database.ts';

const opened: SqlDatabase[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((db) => db.close()));
});

async function fresh(): Promise<SqlDatabase> {
  const db = await openPglite();
  opened.push(db);
  return db;
}

/** Every table and column privilege held by an `alex_` role, one line each, sorted. */
async function privileges(db: SqlDatabase): Promise<string[]> {
  const rows = await db.query<{ line: string }>(
    `SELECT r.rolname || ' ' || a.privilege_type || ' ON ' || c.relname AS line
       FROM pg_class c CROSS JOIN LATERAL aclexplode(c.relacl) a JOIN pg_roles r ON r.oid = a.grantee
      WHERE c.relnamespace = 'public'::regnamespace AND r.rolname LIKE 'alex\\_%'
     UNION ALL
     SELECT r.rolname || ' ' || a.privilege_type || ' (' || t.attname || ') ON ' || c.relname
       FROM pg_attribute t JOIN pg_class c ON c.oid = t.attrelid
       CROSS JOIN LATERAL aclexplode(t.attacl) a JOIN pg_roles r ON r.oid = a.grantee
      WHERE c.relnamespace = 'public'::regnamespace AND r.rolname LIKE 'alex\\_%'`,
  );
  return rows.map((row) => row.line).sort();
}

/** Declared in the services' folders after 0002, for tables later migrations added (by hand). */
const GRANTED_SINCE_0002 = [
  // 0003_outbox: the aggregator stores its announcements, reads them back and marks them sent.
  'alex_aggregator_role INSERT ON outbox',
  'alex_aggregator_role SELECT ON outbox',
  'alex_aggregator_role UPDATE ON outbox',
  // 0005_payloads: the planner stores large snapshots, the aggregator reads them.
  'alex_aggregator_role SELECT ON payloads',
  'alex_planner_role INSERT ON payloads',
  // The specialists reach the claim-check store and nothing else: a snapshot by reference, a large result.
  'alex_charter_role INSERT ON payloads',
  'alex_charter_role SELECT ON payloads',
  'alex_reporter_role INSERT ON payloads',
  'alex_reporter_role SELECT ON payloads',
  'alex_retirement_role INSERT ON payloads',
  'alex_retirement_role SELECT ON payloads',
  // 0006_knowledge: the researcher keeps its catalogue and reads documents that came by reference.
  'alex_researcher_role DELETE ON knowledge_documents',
  'alex_researcher_role DELETE ON knowledge_passages',
  'alex_researcher_role INSERT ON knowledge_documents',
  'alex_researcher_role INSERT ON knowledge_passages',
  'alex_researcher_role INSERT ON knowledge_vector_indexes',
  'alex_researcher_role SELECT ON knowledge_documents',
  'alex_researcher_role SELECT ON knowledge_passages',
  'alex_researcher_role SELECT ON knowledge_vector_indexes',
  'alex_researcher_role SELECT ON payloads',
  'alex_researcher_role UPDATE ON knowledge_documents',
  'alex_researcher_role UPDATE ON knowledge_passages',
];

describe('the roles from the services folders', () => {
  it('are the planner, tagger, aggregator and researcher roles, and the specialists for the claim-check store', () => {
    expect(DATABASE_ROLES.map((role) => role.groupRole)).toEqual([
      'alex_planner_role',
      'alex_tagger_role',
      'alex_reporter_role',
      'alex_charter_role',
      'alex_retirement_role',
      'alex_aggregator_role',
      'alex_researcher_role',
    ]);
  });

  it('give each role exactly what 0002_service_roles.sql gave it, on a database that never ran 0002', async () => {
    const historical = await fresh();
    await migrate(historical); // 0001 and 0002, no roles step
    const expected = await privileges(historical);
    // Worked from 0002 by hand: the planner's column grant and the aggregator's sole write on analyses.
    expect(expected).toContain('alex_planner_role SELECT (job_id) ON analyses');
    expect(expected.filter((line) => / INSERT ON analyses$/.test(line))).toEqual([
      'alex_aggregator_role INSERT ON analyses',
    ]);
    // planner 4 + 3 + 1 (column), tagger 1 + 3 + 1, aggregator 3 + 2 + 1
    expect(expected).toHaveLength(8 + 5 + 6);

    const fromFolders = await fresh();
    const schemaOnly = (await loadMigrations()).filter((migration) => migration.name !== '0002_service_roles.sql');
    await migrate(fromFolders, schemaOnly, DATABASE_ROLES);
    expect(await privileges(fromFolders)).toEqual([...expected, ...GRANTED_SINCE_0002].sort());
  });

  it('give a database that ran 0002 only the roles and grants declared since, and change nothing when run again', async () => {
    const db = await fresh();
    await migrate(db);
    const before = await privileges(db);
    // 0002 made the planner, tagger and aggregator roles; the specialists' came with the claim
    // check, the researcher's with the knowledge tables.
    expect(await syncDatabaseRoles(db, DATABASE_ROLES)).toEqual([
      'alex_reporter_role',
      'alex_charter_role',
      'alex_retirement_role',
      'alex_researcher_role',
    ]);
    expect(await privileges(db)).toEqual([...before, ...GRANTED_SINCE_0002].sort());
    expect(await syncDatabaseRoles(db, DATABASE_ROLES)).toEqual([]);
    expect(await privileges(db)).toEqual([...before, ...GRANTED_SINCE_0002].sort());
  });

  it("create a newly registered service's role and take back a grant its folder no longer declares", async () => {
    const db = await fresh();
    await migrate(db, undefined, DATABASE_ROLES);
    const auditor: DatabaseRole = { service: 'auditor', groupRole: 'alex_auditor_role', grants: ['SELECT ON jobs'] };
    await db.query('GRANT DELETE ON jobs TO alex_tagger_role');
    expect(await syncDatabaseRoles(db, [...DATABASE_ROLES, auditor])).toEqual(['alex_auditor_role']);
    const now = await privileges(db);
    expect(now).toContain('alex_auditor_role SELECT ON jobs');
    expect(now.filter((line) => line.startsWith('alex_auditor_role'))).toHaveLength(1);
    expect(now).not.toContain('alex_tagger_role DELETE ON jobs');
    expect(await syncDatabaseRoles(db, [auditor])).toEqual([]);
  });

  it('write nothing when one grant fails: no role created, no grant taken back', async () => {
    const db = await fresh();
    await migrate(db);
    const before = await privileges(db);
    const roles: DatabaseRole[] = [
      { service: 'auditor', groupRole: 'alex_auditor_role', grants: ['SELECT ON jobs'] },
      { service: 'tagger', groupRole: 'alex_tagger_role', grants: ['SELECT ON no_such_table'] },
    ];
    await expect(syncDatabaseRoles(db, roles)).rejects.toThrow(/no_such_table/);
    expect(await db.query(`SELECT 1 FROM pg_roles WHERE rolname = 'alex_auditor_role'`)).toEqual([]);
    expect(await privileges(db)).toEqual(before);
  });

  it('refuse a grant that is not table privileges on named tables, naming the service and the field', async () => {
    const db = await fresh();
    for (const grant of [
      'SELECT ON jobs TO public',
      'ALL ON jobs',
      'select on jobs',
      'SELECT ON jobs; DROP TABLE jobs',
    ]) {
      await expect(
        syncDatabaseRoles(db, [{ service: 'auditor', groupRole: 'alex_auditor_role', grants: [grant] }]),
      ).rejects.toThrow(`service auditor: needs.database.grants entry "${grant}" must read like`);
    }
    await expect(syncDatabaseRoles(db, [{ service: 'x', groupRole: 'Alex"; --', grants: [] }])).rejects.toThrow(
      /group role "Alex"; --" must be a lower-case PostgreSQL role name/,
    );
  });

  it('name the PGlite template, so a changed grant makes a new one', async () => {
    const changed = DATABASE_ROLES.map((role, index) =>
      index === 0 ? { ...role, grants: [...role.grants, 'SELECT ON model_calls'] } : role,
    );
    const names = await Promise.all([migratedTemplate(), migratedTemplate(DATABASE_ROLES), migratedTemplate(changed)]);
    expect(new Set(names.map((template) => template.name)).size).toBe(3);
    expect((await migratedTemplate(DATABASE_ROLES)).name).toBe(names[1]!.name);
  });
});

describe('the migrator reads the roles from its environment', () => {
  it('as the core stack writes them', () => {
    expect(serviceRoles(JSON.stringify(DATABASE_ROLES))).toEqual(DATABASE_ROLES);
  });

  it('and says what it expected when they are missing or malformed', () => {
    expect(() => serviceRoles(undefined)).toThrow(`Environment variable ${SERVICE_ROLES_ENV} is not set`);
    expect(() => serviceRoles('{"planner": []}')).toThrow(`${SERVICE_ROLES_ENV} must be a JSON array`);
    expect(() => serviceRoles('[{"service": "planner", "groupRole": "r", "grants": [1]}]')).toThrow(
      /must be a JSON array/,
    );
  });
});

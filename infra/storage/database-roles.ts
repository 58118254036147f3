/**
 * Each database service's group role, from its declaration (`needs.database.grants` in
 * services/<name>/service.ts): created when missing and given exactly its grants, after the
 * migrations, in one transaction. The deploy's migrator runs it on Aurora; `migrate` runs it
 * locally. Plain statements only, like the migrations (the Data API takes one at a time).
 */
import type { SqlDatabase } from '#services/common/sql-database.ts';

export interface DatabaseRole {
  /** The service's name, for error messages. */
  readonly service: string;
  /** The NOLOGIN group role its login is a member of (infra/cdk/names.ts `databaseLogin`). */
  readonly groupRole: string;
  /** `GRANT <grant> TO <groupRole>`; see `DatabaseNeeds` in services/common/declaration.ts. */
  readonly grants: readonly string[];
}

const IDENTIFIER = '[a-z_][a-z0-9_]*';
const PRIVILEGE = `(?:SELECT|INSERT|UPDATE|DELETE|TRUNCATE|REFERENCES|TRIGGER)(?: \\(${IDENTIFIER}(?:, ${IDENTIFIER})*\\))?`;
/** Table privileges, optionally per column, on named tables: nothing that could carry other SQL. */
const GRANT = new RegExp(`^${PRIVILEGE}(?:, ${PRIVILEGE})* ON (?:TABLE )?${IDENTIFIER}(?:, ${IDENTIFIER})*$`);
const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Refuses a role whose name or grants do not have the expected shape, naming the service. */
export function checkDatabaseRoles(roles: readonly DatabaseRole[]): void {
  for (const { service, groupRole, grants } of roles) {
    if (!ROLE_NAME.test(groupRole)) {
      throw new Error(`service ${service}: group role "${groupRole}" must be a lower-case PostgreSQL role name`);
    }
    for (const grant of grants) {
      if (!GRANT.test(grant)) {
        throw new Error(
          `service ${service}: needs.database.grants entry "${grant}" must read like "SELECT, INSERT ON jobs" or ` +
            '"SELECT (job_id) ON analyses" (upper-case table privileges, lower-case table and column names)',
        );
      }
    }
  }
}

/**
 * Creates each missing role and sets its table privileges to exactly its grants. Revoking first
 * makes the declaration the whole truth (a grant removed from a folder is removed from the role);
 * inside the one transaction no service ever sees its role without its grants. Safe to run again.
 * Returns the roles it created.
 */
export async function syncDatabaseRoles(db: SqlDatabase, roles: readonly DatabaseRole[]): Promise<string[]> {
  checkDatabaseRoles(roles);
  if (roles.length === 0) return [];
  return db.transaction(async (tx) => {
    const created: string[] = [];
    for (const { groupRole, grants } of roles) {
      const role = `"${groupRole}"`;
      const [existing] = await tx.query('SELECT 1 AS found FROM pg_roles WHERE rolname = :name', { name: groupRole });
      if (!existing) {
        await tx.query(`CREATE ROLE ${role} NOLOGIN`);
        created.push(groupRole);
      }
      // Table-level REVOKE also takes back column privileges. The services need no sequence or
      // function privileges (identity columns insert without one), so tables are all there is.
      await tx.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${role}`);
      for (const grant of grants) await tx.query(`GRANT ${grant} TO ${role}`);
    }
    return created;
  });
}

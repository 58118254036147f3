/**
 * Creates or updates the database login each service connects as (least privilege, GitHub issue
 * 4): LOGIN, the password from the service's own secret, member of its group role (created just
 * before by infra/storage/database-roles.ts). Run by the migrator with the master credentials.
 *
 * CREATE/ALTER ROLE take no bind parameters, so the password goes into the SQL text. It goes
 * there as a SCRAM-SHA-256 verifier, which PostgreSQL stores as given: the clear password never
 * appears in a statement, the Data API's CloudTrail data events or the database log.
 */
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto';
import type { SqlDatabase } from '#services/common/sql-database.ts';
import type { DatabaseLogin } from '../names.ts';

/** PostgreSQL's own default iteration count (scram_iterations). */
export const SCRAM_ITERATIONS = 4096;

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;
/** Printable ASCII: SASLprep leaves it unchanged, so the verifier needs no normalisation step. */
const PRINTABLE_ASCII = /^[\x20-\x7e]+$/;

/** Creates the login, or sets its password and membership when it exists. Safe to run again. */
export async function syncServiceLogin(
  db: SqlDatabase,
  login: DatabaseLogin,
  password: string,
): Promise<'created' | 'updated'> {
  const user = roleIdentifier(login.user, 'user');
  const groupRole = roleIdentifier(login.groupRole, 'groupRole');
  const verifier = sqlStringLiteral(scramSha256Verifier(password));
  return db.transaction(async (tx) => {
    const [existing] = await tx.query('SELECT 1 AS found FROM pg_roles WHERE rolname = :name', { name: login.user });
    if (!existing) {
      await tx.query(`CREATE ROLE ${user} LOGIN PASSWORD ${verifier} IN ROLE ${groupRole}`);
      return 'created';
    }
    await tx.query(`ALTER ROLE ${user} WITH LOGIN PASSWORD ${verifier}`);
    await tx.query(`GRANT ${groupRole} TO ${user}`);
    return 'updated';
  });
}

/**
 * The SCRAM-SHA-256 verifier PostgreSQL would store for `password` (RFC 5802/7677):
 * `SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`, base64 throughout.
 */
export function scramSha256Verifier(
  password: string,
  salt: Buffer = randomBytes(16),
  iterations: number = SCRAM_ITERATIONS,
): string {
  if (!PRINTABLE_ASCII.test(password)) {
    throw new Error(
      'password must be non-empty printable ASCII (the generated database secrets are); refusing to derive a SCRAM verifier',
    );
  }
  const saltedPassword = pbkdf2Sync(password, salt, iterations, 32, 'sha256');
  const clientKey = createHmac('sha256', saltedPassword).update('Client Key').digest();
  const storedKey = createHash('sha256').update(clientKey).digest();
  const serverKey = createHmac('sha256', saltedPassword).update('Server Key').digest();
  return `SCRAM-SHA-256$${iterations}:${salt.toString('base64')}$${storedKey.toString('base64')}:${serverKey.toString('base64')}`;
}

/**
 * An escape-string literal: quotes doubled and backslashes escaped, which reads the same whatever
 * standard_conforming_strings says. A verifier holds neither, but the statement must not depend on it.
 */
export function sqlStringLiteral(text: string): string {
  if (text.includes('\0')) throw new Error('a SQL string literal cannot hold a NUL character');
  return `E'${text.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

function roleIdentifier(name: string, field: string): string {
  if (!ROLE_NAME.test(name))
    throw new Error(`${field} "${name}" must be a lower-case PostgreSQL role name (letters, digits, underscores)`);
  return `"${name}"`;
}

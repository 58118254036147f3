/**
 * Lambda run by the core stack's deploy trigger: applies schemas/migrations to Aurora through the
 * Data API, gives each database service's group role the grants its folder declares (passed in by
 * the core stack, which reads the registry at synth), then creates or updates each service's login
 * (service-logins.ts) with the password from its own secret. It runs with the master credentials; the services never do.
 * The SQL files are copied next to the bundle at synth time (see core-stack.ts), so a new
 * migration changes the asset, which makes the trigger run again on the next deploy.
 */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { openAuroraDatabase } from '#services/common/aws-database.ts';
import type { DatabaseRole } from '../../storage/database-roles.ts';
import { loadMigrations, migrate } from '../../storage/migrate.ts';
import type { ServiceName } from '../../topology.ts';
import { databaseLogin } from '../names.ts';
import { syncServiceLogin } from './service-logins.ts';

export const BUNDLED_MIGRATIONS_DIR = 'migrations';

/** JSON object: database service name → ARN of its credentials secret. Set by the core stack. */
export const LOGIN_SECRETS_ENV = 'ALEX_DB_LOGIN_SECRET_ARNS';

/** JSON array of each database service's group role and grants (topology `DATABASE_ROLES`). Set by the core stack. */
export const SERVICE_ROLES_ENV = 'ALEX_DB_SERVICE_ROLES';

export async function handler(): Promise<{ applied: string[]; logins: Record<string, string> }> {
  const migrations = await loadMigrations(join(dirname(fileURLToPath(import.meta.url)), BUNDLED_MIGRATIONS_DIR));
  if (migrations.length === 0) throw new Error(`no migrations found in the bundle's ${BUNDLED_MIGRATIONS_DIR}/ folder`);
  const db = openAuroraDatabase();
  const applied = await migrate(db, migrations, serviceRoles());
  const secrets = new SecretsManagerClient({});
  const logins: Record<string, string> = {};
  for (const [service, secretArn] of Object.entries(loginSecretArns())) {
    const login = databaseLogin(service as ServiceName);
    const output = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
    const { username, password } = parseCredentials(output.SecretString, service);
    if (username !== login.user)
      throw new Error(`secret of ${service}: username is "${username}", expected "${login.user}"`);
    logins[login.user] = await syncServiceLogin(db, login, password);
  }
  // Never the passwords: only which logins were created or updated.
  console.log(JSON.stringify({ message: 'migrations applied', applied, known: migrations.map((m) => m.name), logins }));
  return { applied, logins };
}

function loginSecretArns(): Record<string, string> {
  const raw = process.env[LOGIN_SECRETS_ENV];
  if (!raw) throw new Error(`Environment variable ${LOGIN_SECRETS_ENV} is not set; the core stack sets it on deploy.`);
  const parsed: unknown = JSON.parse(raw);
  if (typeof parsed !== 'object' || parsed === null || Object.values(parsed).some((arn) => typeof arn !== 'string')) {
    throw new Error(`${LOGIN_SECRETS_ENV} must be a JSON object of service name to secret ARN`);
  }
  return parsed as Record<string, string>;
}

/** The roles to sync; their names and grants are checked again before any statement runs. */
export function serviceRoles(raw: string | undefined = process.env[SERVICE_ROLES_ENV]): DatabaseRole[] {
  if (!raw) throw new Error(`Environment variable ${SERVICE_ROLES_ENV} is not set; the core stack sets it on deploy.`);
  const parsed: unknown = JSON.parse(raw);
  const isRole = (role: unknown): role is DatabaseRole => {
    const { service, groupRole, grants } = (role ?? {}) as Partial<DatabaseRole>;
    return (
      typeof service === 'string' &&
      typeof groupRole === 'string' &&
      Array.isArray(grants) &&
      grants.every((grant) => typeof grant === 'string')
    );
  };
  if (!Array.isArray(parsed) || !parsed.every(isRole)) {
    throw new Error(`${SERVICE_ROLES_ENV} must be a JSON array of {service, groupRole, grants: string[]}`);
  }
  return parsed;
}

function parseCredentials(secretString: string | undefined, service: string): { username: string; password: string } {
  const value: unknown = secretString ? JSON.parse(secretString) : undefined;
  const { username, password } = (value ?? {}) as { username?: unknown; password?: unknown };
  if (typeof username !== 'string' || typeof password !== 'string' || password === '') {
    throw new Error(`secret of ${service} must be JSON with string fields username and password`);
  }
  return { username, password };
}

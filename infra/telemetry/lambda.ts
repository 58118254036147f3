/**
 * Tracing in a deployed function: the same spans as locally, started once per execution
 * environment and flushed after every batch (a frozen environment exports nothing). LangFuse's
 * keys come from Secrets Manager (ALEX_LANGFUSE_SECRET_ARN: a JSON secret with publicKey,
 * secretKey and host), read once at cold start and never logged; see docs/observability.md.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { exportAfterEachBatch, withBatchExport } from '#services/common/tracing.ts';
import type { TelemetryEnv } from './config.ts';
import { startTelemetry, type Telemetry } from './setup.ts';

export const LANGFUSE_SECRET_ARN = 'ALEX_LANGFUSE_SECRET_ARN';

export interface TraceLambdaOptions {
  env?: NodeJS.ProcessEnv;
  /** Built only when the secret is configured; the standard client (region, endpoint from the environment) by default. */
  secretsManager?: () => SecretsManagerClient;
  /** Where the one "tracing is off" line goes (console.error, so CloudWatch Logs keeps it). */
  log?: (line: string) => void;
}

/**
 * Starts tracing for this function when configured; every batch then waits for it and flushes
 * after. Returns the start, for tests: it never rejects.
 */
export function traceLambda(options: TraceLambdaOptions = {}): Promise<Telemetry | undefined> {
  const env = options.env ?? process.env;
  const log = options.log ?? ((line: string) => console.error(line));
  const started = withLangfuseKeys(env, options.secretsManager)
    .then((resolved) => startTelemetry({ env: resolved }))
    // A telemetry fault never fails a record: the function runs untraced and says so once.
    .catch((error: unknown) => {
      log(`alex: tracing is off: ${(error as Error).message}`);
      return undefined;
    });
  exportAfterEachBatch(started);
  return started;
}

interface LangfuseKeys {
  publicKey?: unknown;
  secretKey?: unknown;
  host?: unknown;
}

/** The environment plus LANGFUSE_* from the secret; errors name the secret and the field, never a value. */
export async function withLangfuseKeys(
  env: NodeJS.ProcessEnv,
  secretsManager: () => SecretsManagerClient = () => new SecretsManagerClient({}),
): Promise<TelemetryEnv> {
  const secretId = env[LANGFUSE_SECRET_ARN]?.trim();
  if (!secretId) return env;
  let text: string | undefined;
  try {
    text = (await secretsManager().send(new GetSecretValueCommand({ SecretId: secretId }))).SecretString;
  } catch (error) {
    const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new Error(`${LANGFUSE_SECRET_ARN}: could not read the LangFuse keys from secret "${secretId}" (${why})`);
  }
  const shape = 'a JSON object {"publicKey": "pk-lf-…", "secretKey": "sk-lf-…", "host": "https://…"}';
  let keys: LangfuseKeys;
  try {
    keys = JSON.parse(text ?? '') as LangfuseKeys;
  } catch {
    // JSON.parse quotes the text it choked on: that would put the key in the log.
    throw new Error(`${LANGFUSE_SECRET_ARN}: secret "${secretId}" is not JSON; store ${shape}`);
  }
  const missing = (['publicKey', 'secretKey'] as const).filter((field) => typeof keys?.[field] !== 'string');
  if (missing.length > 0 || (keys.host !== undefined && typeof keys.host !== 'string')) {
    const fields = missing.length > 0 ? missing.join(' and ') : 'host';
    throw new Error(`${LANGFUSE_SECRET_ARN}: secret "${secretId}" needs ${fields} as strings; store ${shape}`);
  }
  return {
    ...env,
    LANGFUSE_PUBLIC_KEY: keys.publicKey as string,
    LANGFUSE_SECRET_KEY: keys.secretKey as string,
    ...(keys.host ? { LANGFUSE_HOST: keys.host as string } : {}),
  };
}

/**
 * A Lambda handler that, like a service's batch, waits for tracing to start and exports its spans
 * before it returns (the API's buffered entry point; a service's batch handler does this itself).
 */
export function exportingAfterEach<A extends unknown[], R>(handler: (...args: A) => Promise<R>) {
  return (...args: A): Promise<R> => withBatchExport(() => handler(...args));
}

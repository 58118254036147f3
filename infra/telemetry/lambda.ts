/**
 * Tracing in a deployed function: the same spans as locally, started once per execution
 * environment and flushed after every batch (a frozen environment exports nothing). LangFuse's
 * keys come from Secrets Manager (ALEX_LANGFUSE_SECRET_ARN: a JSON secret with publicKey,
 * secretKey and host) rather than plain variables; see docs/observability.md for X-Ray.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { exportAfterEachBatch } from '#services/common/tracing.ts';
import type { TelemetryEnv } from './config.ts';
import { startTelemetry, type Telemetry } from './setup.ts';

export const LANGFUSE_SECRET_ARN = 'ALEX_LANGFUSE_SECRET_ARN';

/** Starts tracing for this function when configured; every batch then waits for it and flushes after. */
export function traceLambda(env: NodeJS.ProcessEnv = process.env): void {
  const started = withLangfuseKeys(env).then((resolved) => startTelemetry({ env: resolved }));
  exportAfterEachBatch(
    // A telemetry fault never fails a record: the function runs untraced and says so once.
    started.catch((error: unknown) => {
      console.error(`alex: tracing is off: ${(error as Error).message}`);
      return undefined as Telemetry | undefined;
    }),
  );
}

async function withLangfuseKeys(env: NodeJS.ProcessEnv): Promise<TelemetryEnv> {
  const arn = env[LANGFUSE_SECRET_ARN];
  if (!arn) return env;
  const secret = await new SecretsManagerClient({}).send(new GetSecretValueCommand({ SecretId: arn }));
  const keys = JSON.parse(secret.SecretString ?? '{}') as { publicKey?: string; secretKey?: string; host?: string };
  if (!keys.publicKey || !keys.secretKey) {
    throw new Error(`${LANGFUSE_SECRET_ARN}: the secret needs publicKey and secretKey (and host) in its JSON`);
  }
  return {
    ...env,
    LANGFUSE_PUBLIC_KEY: keys.publicKey,
    LANGFUSE_SECRET_KEY: keys.secretKey,
    ...(keys.host ? { LANGFUSE_HOST: keys.host } : {}),
  };
}

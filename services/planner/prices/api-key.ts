/**
 * Where the Polygon.io API key comes from: POLYGON_API_KEY in the environment (local use), or a
 * Secrets Manager secret named by ALEX_POLYGON_SECRET_ID (deployed), whose SecretString is the
 * bare key or JSON {"apiKey": "..."}. The secret is read once per container and reused.
 */
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { PriceConfigurationError } from './port.ts';

export const POLYGON_KEY_ENV = {
  apiKey: 'POLYGON_API_KEY',
  secretId: 'ALEX_POLYGON_SECRET_ID',
} as const;

export interface ApiKeySource {
  get(): Promise<string>;
  /** Forgets the key, so the next get() reads it again (after the provider refused it: rotated). */
  invalidate(): void;
}

export interface ApiKeyOptions {
  env?: NodeJS.ProcessEnv;
  /** Built on first use only, so a key from the environment needs no AWS client. */
  secretsManager?: () => SecretsManagerClient;
}

export function polygonApiKey(options: ApiKeyOptions = {}): ApiKeySource {
  const env = options.env ?? process.env;
  let pending: Promise<string> | undefined;
  let client: SecretsManagerClient | undefined;

  async function read(): Promise<string> {
    const fromEnv = env[POLYGON_KEY_ENV.apiKey]?.trim();
    if (fromEnv) return fromEnv;
    const secretId = env[POLYGON_KEY_ENV.secretId]?.trim();
    if (!secretId) {
      throw new PriceConfigurationError(
        `No Polygon.io API key: set ${POLYGON_KEY_ENV.apiKey}, or ${POLYGON_KEY_ENV.secretId} to the name or ARN of a Secrets Manager secret holding the key.`,
      );
    }
    client ??= options.secretsManager?.() ?? new SecretsManagerClient({});
    let secret;
    try {
      secret = await client.send(new GetSecretValueCommand({ SecretId: secretId }));
    } catch (error) {
      const why = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw new PriceConfigurationError(`Could not read the Polygon.io API key from secret "${secretId}" (${why}).`);
    }
    return apiKeyFromSecretString(secret.SecretString, secretId);
  }

  return {
    get() {
      // A failed read is not kept, so a passing Secrets Manager hiccup does not poison the container.
      pending ??= read().catch((error: unknown) => {
        pending = undefined;
        throw error;
      });
      return pending;
    },
    invalidate() {
      pending = undefined;
    },
  };
}

/** The key inside a SecretString: the bare key, or JSON with an `apiKey` string. */
export function apiKeyFromSecretString(secretString: string | undefined, secretId: string): string {
  const text = secretString?.trim();
  if (!text) {
    throw new PriceConfigurationError(
      `Secret "${secretId}" has no SecretString; store the Polygon.io API key as text or as {"apiKey": "..."}.`,
    );
  }
  if (!text.startsWith('{')) return text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new PriceConfigurationError(
      `Secret "${secretId}" starts with "{" but is not valid JSON; store {"apiKey": "..."} or the bare key.`,
    );
  }
  const apiKey = (parsed as { apiKey?: unknown }).apiKey;
  if (typeof apiKey !== 'string' || apiKey.trim() === '') {
    throw new PriceConfigurationError(
      `Secret "${secretId}".apiKey: must be a non-empty string holding the Polygon.io API key.`,
    );
  }
  return apiKey.trim();
}

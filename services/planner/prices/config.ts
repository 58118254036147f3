/**
 * The planner's market-data source, chosen from the environment once per container:
 *
 *   ALEX_PRICES             polygon | local. Default: polygon when a key is configured, else local.
 *   POLYGON_API_KEY         the key itself (local use), or
 *   ALEX_POLYGON_SECRET_ID  name or ARN of a Secrets Manager secret holding it (deployed).
 *   ALEX_POLYGON_BASE_URL   default https://api.polygon.io (tests: a loopback server).
 *   ALEX_PRICES_REFRESH     missing (default): only positions without a price in the file;
 *                           all: every position, market closes replacing the file's prices.
 *
 * Asking for polygon without a key is a configuration error, said at once, not a portfolio
 * full of missing prices.
 */
import type { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { POLYGON_KEY_ENV, polygonApiKey } from './api-key.ts';
import { PolygonPrices } from './polygon.ts';
import { PriceConfigurationError, type PricePort, REFRESH_POLICIES, type RefreshPolicy } from './port.ts';

export const PRICE_ENV = {
  source: 'ALEX_PRICES',
  refresh: 'ALEX_PRICES_REFRESH',
  polygonBaseUrl: 'ALEX_POLYGON_BASE_URL',
  ...POLYGON_KEY_ENV,
} as const;

const SOURCES = ['polygon', 'local'] as const;

export interface PriceEnvironmentOptions {
  secretsManager?: () => SecretsManagerClient;
  fetch?: typeof fetch;
}

/**
 * The market-data port to put in the planner's ServiceContext, or undefined for the local
 * source (the planner then prices from the portfolio file alone; see local.ts).
 */
export function pricesFromEnvironment(
  env: NodeJS.ProcessEnv = process.env,
  options: PriceEnvironmentOptions = {},
): PricePort | undefined {
  const hasKey = Boolean(env[PRICE_ENV.apiKey]?.trim() || env[PRICE_ENV.secretId]?.trim());
  const source = oneOf(env, PRICE_ENV.source, SOURCES) ?? (hasKey ? 'polygon' : 'local');
  const refresh: RefreshPolicy = oneOf(env, PRICE_ENV.refresh, REFRESH_POLICIES) ?? 'missing';
  if (source === 'local') return undefined;
  if (!hasKey) {
    throw new PriceConfigurationError(
      `${PRICE_ENV.source}=polygon needs an API key: set ${PRICE_ENV.apiKey}, or ${PRICE_ENV.secretId} to the name or ARN of a Secrets Manager secret holding it.`,
    );
  }
  return new PolygonPrices({
    apiKey: polygonApiKey({ env, ...(options.secretsManager ? { secretsManager: options.secretsManager } : {}) }),
    refresh,
    ...(env[PRICE_ENV.polygonBaseUrl]?.trim() ? { baseUrl: env[PRICE_ENV.polygonBaseUrl]!.trim() } : {}),
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

function oneOf<T extends string>(env: NodeJS.ProcessEnv, name: string, allowed: readonly T[]): T | undefined {
  const value = env[name]?.trim();
  if (!value) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new PriceConfigurationError(`${name}: must be one of ${allowed.join(', ')} (got "${value}").`);
  }
  return value as T;
}

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { apiKeyFromSecretString, polygonApiKey } from '#services/planner/prices/api-key.ts';
import { pricesFromEnvironment } from '#services/planner/prices/config.ts';
import { PolygonPrices } from '#services/planner/prices/polygon.ts';
import { PriceConfigurationError } from '#services/planner/prices/port.ts';
import {
  type FakePolygon,
  type FakeSecretsManager,
  POLYGON_TEST_KEY,
  startFakePolygon,
  startFakeSecretsManager,
} from '#test/support/polygon-server.ts';

const MONDAY = new Date('2025-06-16T14:00:00Z');

let secrets: FakeSecretsManager;
let polygon: FakePolygon;

beforeAll(async () => {
  secrets = await startFakeSecretsManager({
    'alex/polygon': JSON.stringify({ apiKey: POLYGON_TEST_KEY }),
    'alex/polygon-bare': `  ${POLYGON_TEST_KEY}\n`,
    'alex/polygon-wrong-shape': JSON.stringify({ key: POLYGON_TEST_KEY }),
  });
  polygon = await startFakePolygon({ closes: { VTI: 301.12 } });
});
afterAll(async () => {
  await secrets.close();
  await polygon.close();
});
beforeEach(() => {
  secrets.requests.length = 0;
  polygon.reset();
});

describe('polygonApiKey', () => {
  it('reads {"apiKey"} from Secrets Manager with the real SDK client, once per container', async () => {
    const key = polygonApiKey({
      env: { ALEX_POLYGON_SECRET_ID: 'alex/polygon' },
      secretsManager: () => secrets.client(),
    });
    const prices = new PolygonPrices({ apiKey: key, baseUrl: polygon.endpoint });

    expect((await prices.quotes(['VTI'], MONDAY)).get('VTI')).toMatchObject({ status: 'found', price: 301.12 });
    await key.get();
    expect(secrets.requests).toEqual(['alex/polygon']);
    expect(polygon.requests[0]?.authorization).toBe(`Bearer ${POLYGON_TEST_KEY}`);
  });

  it('accepts a bare key, found by the secret ARN, and reads it again after invalidate()', async () => {
    const arn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:alex/polygon-bare-AbCdEf';
    const key = polygonApiKey({ env: { ALEX_POLYGON_SECRET_ID: arn }, secretsManager: () => secrets.client() });

    expect(await key.get()).toBe(POLYGON_TEST_KEY);
    key.invalidate();
    expect(await key.get()).toBe(POLYGON_TEST_KEY);
    expect(secrets.requests).toEqual([arn, arn]);
  });

  it('prefers POLYGON_API_KEY and then never calls Secrets Manager', async () => {
    const key = polygonApiKey({
      env: { POLYGON_API_KEY: 'from-env', ALEX_POLYGON_SECRET_ID: 'alex/polygon' },
      secretsManager: () => secrets.client(),
    });

    expect(await key.get()).toBe('from-env');
    expect(secrets.requests).toEqual([]);
  });

  it('says clearly when no key is configured', async () => {
    await expect(polygonApiKey({ env: {} }).get()).rejects.toThrow(
      new PriceConfigurationError(
        'No Polygon.io API key: set POLYGON_API_KEY, or ALEX_POLYGON_SECRET_ID to the name or ARN of a Secrets Manager secret holding the key.',
      ),
    );
  });

  it('names the secret and the service error when the secret does not exist, and tries again next time', async () => {
    const key = polygonApiKey({ env: { ALEX_POLYGON_SECRET_ID: 'alex/nope' }, secretsManager: () => secrets.client() });

    await expect(key.get()).rejects.toThrow(
      /secret "alex\/nope" \(ResourceNotFoundException: Secrets Manager can't find the specified secret\.\)/,
    );
    await expect(key.get()).rejects.toThrow(PriceConfigurationError);
    expect(secrets.requests).toEqual(['alex/nope', 'alex/nope']);
  });

  it('names the field when the JSON secret has no apiKey', async () => {
    const key = polygonApiKey({
      env: { ALEX_POLYGON_SECRET_ID: 'alex/polygon-wrong-shape' },
      secretsManager: () => secrets.client(),
    });

    await expect(key.get()).rejects.toThrow(
      'Secret "alex/polygon-wrong-shape".apiKey: must be a non-empty string holding the Polygon.io API key.',
    );
  });
});

describe('apiKeyFromSecretString', () => {
  it('refuses an empty secret and broken JSON with what to store instead', () => {
    expect(() => apiKeyFromSecretString(undefined, 's')).toThrow(/has no SecretString/);
    expect(() => apiKeyFromSecretString('{apiKey: x}', 's')).toThrow(/not valid JSON/);
  });
});

describe('pricesFromEnvironment', () => {
  it('chooses the local source when no key is configured', () => {
    expect(pricesFromEnvironment({})).toBeUndefined();
    expect(pricesFromEnvironment({ ALEX_PRICES: 'local', POLYGON_API_KEY: 'k' })).toBeUndefined();
  });

  it('builds Polygon.io from the environment: key, base URL and refresh policy', async () => {
    const port = pricesFromEnvironment({
      POLYGON_API_KEY: POLYGON_TEST_KEY,
      ALEX_POLYGON_BASE_URL: `${polygon.endpoint}/`,
      ALEX_PRICES_REFRESH: 'all',
    });

    expect(port?.name).toBe('polygon');
    expect(port?.refresh).toBe('all');
    expect((await port!.quotes(['VTI'], MONDAY)).get('VTI')).toMatchObject({ status: 'found', price: 301.12 });
  });

  it('refuses polygon without a key, and unknown settings, naming the variable', () => {
    expect(() => pricesFromEnvironment({ ALEX_PRICES: 'polygon' })).toThrow(
      /ALEX_PRICES=polygon needs an API key: set POLYGON_API_KEY/,
    );
    expect(() => pricesFromEnvironment({ ALEX_PRICES: 'yahoo' })).toThrow(
      'ALEX_PRICES: must be one of polygon, local (got "yahoo").',
    );
    expect(() => pricesFromEnvironment({ POLYGON_API_KEY: 'k', ALEX_PRICES_REFRESH: 'daily' })).toThrow(
      'ALEX_PRICES_REFRESH: must be one of missing, all (got "daily").',
    );
  });
});

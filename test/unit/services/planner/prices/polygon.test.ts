import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiKeySource } from '#services/planner/prices/api-key.ts';
import { PolygonPrices, type PolygonPricesOptions, retryAfter } from '#services/planner/prices/polygon.ts';
import { PriceConfigurationError } from '#services/planner/prices/port.ts';
import { type FakePolygon, POLYGON_TEST_KEY, rateLimited, startFakePolygon } from '#test/support/polygon-server.ts';

// Monday 16 June 2025, 10:00 in New York: the previous close is Friday the 13th's.
const MONDAY = new Date('2025-06-16T14:00:00Z');
const TUESDAY = new Date('2025-06-17T14:00:00Z');

let polygon: FakePolygon;
let sleeps: number[];

/** A key source that counts invalidations, as the Secrets Manager one would reread. */
function staticKey(key = POLYGON_TEST_KEY): ApiKeySource & { invalidated: number } {
  return {
    invalidated: 0,
    async get() {
      return key;
    },
    invalidate() {
      this.invalidated++;
    },
  };
}

function adapter(overrides: Partial<PolygonPricesOptions> = {}): PolygonPrices {
  return new PolygonPrices({
    apiKey: staticKey(),
    baseUrl: polygon.endpoint,
    // Waits are recorded, not slept: the tests check what the adapter decided to wait.
    sleep: async (ms) => {
      sleeps.push(ms);
    },
    ...overrides,
  });
}

beforeAll(async () => {
  polygon = await startFakePolygon({ closes: { VTI: 301.12, 'BRK.B': 480.55, AAPL: 228.5, MSFT: 432.1, NVDA: 138.2 } });
});
afterAll(() => polygon.close());
beforeEach(() => {
  polygon.reset();
  sleeps = [];
});

describe('PolygonPrices', () => {
  it('reads the previous close, with its trading day, sending the key as a Bearer header', async () => {
    const quotes = await adapter().quotes(['VTI', 'BRK.B', 'VTI'], MONDAY);

    expect([...quotes.keys()]).toEqual(['VTI', 'BRK.B']);
    expect(quotes.get('VTI')).toEqual({
      symbol: 'VTI',
      status: 'found',
      price: 301.12,
      source: 'market',
      tradingDay: '2025-06-13',
    });
    expect(quotes.get('BRK.B')).toMatchObject({ status: 'found', price: 480.55 });
    expect(polygon.requests.map((r) => r.path).sort()).toEqual([
      '/v2/aggs/ticker/BRK.B/prev?adjusted=true',
      '/v2/aggs/ticker/VTI/prev?adjusted=true',
    ]);
    expect(polygon.requests.every((r) => r.authorization === `Bearer ${POLYGON_TEST_KEY}`)).toBe(true);
  });

  it('reports an unknown ticker as missing with the reason, and still prices the others', async () => {
    polygon.script((symbol) =>
      symbol === 'GONE' ? { status: 404, body: { status: 'NOT_FOUND', message: 'Ticker not found.' } } : undefined,
    );

    const quotes = await adapter().quotes(['ZZZZ', 'GONE', 'AAPL'], MONDAY);

    expect(quotes.get('ZZZZ')).toEqual({
      symbol: 'ZZZZ',
      status: 'missing',
      reason: expect.stringContaining('no previous close for ZZZZ'),
    });
    expect(quotes.get('GONE')).toMatchObject({
      status: 'missing',
      reason: expect.stringContaining('no previous close for GONE'),
    });
    expect(quotes.get('AAPL')).toMatchObject({ status: 'found', price: 228.5 });
  });

  it('waits as long as Retry-After says after a 429, then succeeds', async () => {
    polygon.script((symbol, attempt) => (attempt === 1 ? rateLimited(2) : undefined));

    const quotes = await adapter().quotes(['MSFT'], MONDAY);

    expect(quotes.get('MSFT')).toMatchObject({ status: 'found', price: 432.1 });
    expect(sleeps).toEqual([2000]);
    expect(polygon.requests).toHaveLength(2);
  });

  it('reports a symbol still rate limited after the last attempt as missing with the reason, backing off 1 s then 2 s', async () => {
    polygon.script((symbol) => (symbol === 'NVDA' ? rateLimited() : undefined));

    const quotes = await adapter({ concurrency: 1 }).quotes(['NVDA', 'AAPL'], MONDAY);

    const nvda = quotes.get('NVDA');
    expect(nvda?.status).toBe('missing');
    expect(nvda?.status === 'missing' && nvda.reason).toMatch(
      /rate limit \(HTTP 429: You've exceeded.*still after 3 attempts/,
    );
    expect(polygon.requests.filter((r) => r.symbol === 'NVDA')).toHaveLength(3);
    expect(sleeps).toEqual([1000, 2000]);
    expect(quotes.get('AAPL')).toMatchObject({ status: 'found', price: 228.5 });
  });

  it('gives up at once when Retry-After would take the job past its waiting budget', async () => {
    polygon.script(() => rateLimited(60));

    const quotes = await adapter({ maxWaitMs: 20_000 }).quotes(['VTI'], MONDAY);

    expect(quotes.get('VTI')).toMatchObject({
      status: 'missing',
      reason: expect.stringMatching(/waiting 60 s more would exceed the 20 s/),
    });
    expect(sleeps).toEqual([]);
    expect(polygon.requests).toHaveLength(1);
  });

  it('stops asking when the call has used its time, reporting the rest missing', async () => {
    const quotes = await adapter({ maxDurationMs: 0 }).quotes(['VTI', 'AAPL'], MONDAY);

    expect(quotes.get('VTI')).toMatchObject({
      status: 'missing',
      reason: expect.stringMatching(/not asked: the 0 s this job may spend on prices ran out/),
    });
    expect(quotes.get('AAPL')?.status).toBe('missing');
    expect(polygon.requests).toHaveLength(0);
  });

  it('retries a server error like a rate limit', async () => {
    polygon.script((symbol, attempt) =>
      attempt === 1 ? { status: 502, body: { status: 'ERROR', error: 'bad gateway' } } : undefined,
    );

    const quotes = await adapter().quotes(['VTI'], MONDAY);

    expect(quotes.get('VTI')).toMatchObject({ status: 'found', price: 301.12 });
    expect(sleeps).toEqual([1000]);
  });

  it('fails the whole call with a clear configuration error when the key is refused, and forgets the key', async () => {
    const key = staticKey('not-the-key');

    const call = adapter({ apiKey: key }).quotes(['VTI', 'AAPL'], MONDAY);

    await expect(call).rejects.toThrow(PriceConfigurationError);
    await expect(call).rejects.toThrow(/refused the API key \(HTTP 401: Unknown API Key\).*POLYGON_API_KEY/);
    expect(key.invalidated).toBe(1);
  });

  it('asks once per symbol and market day: a second job the same day makes no request', async () => {
    const prices = adapter();
    await prices.quotes(['VTI', 'ZZZZ'], MONDAY);
    expect(polygon.requests).toHaveLength(2);

    const again = await prices.quotes(['VTI', 'ZZZZ'], new Date('2025-06-16T23:30:00Z'));
    expect(polygon.requests).toHaveLength(2);
    expect(again.get('VTI')).toMatchObject({ status: 'found', price: 301.12 });
    expect(again.get('ZZZZ')).toMatchObject({ status: 'missing' });

    await prices.quotes(['VTI'], TUESDAY);
    expect(polygon.requests).toHaveLength(3);
  });

  it('does not cache a rate-limited miss: the next job asks again', async () => {
    const prices = adapter({ maxAttempts: 1 });
    polygon.script(() => rateLimited());
    expect((await prices.quotes(['VTI'], MONDAY)).get('VTI')?.status).toBe('missing');

    polygon.script(undefined);
    expect((await prices.quotes(['VTI'], MONDAY)).get('VTI')).toMatchObject({ status: 'found', price: 301.12 });
    expect(polygon.requests).toHaveLength(2);
  });

  it('keeps at most `concurrency` requests in flight', async () => {
    let inFlight = 0;
    let most = 0;
    const counting: typeof fetch = async (...args) => {
      most = Math.max(most, ++inFlight);
      try {
        return await fetch(...args);
      } finally {
        inFlight--;
      }
    };

    const quotes = await adapter({ concurrency: 2, fetch: counting }).quotes(
      ['VTI', 'BRK.B', 'AAPL', 'MSFT', 'NVDA'],
      MONDAY,
    );

    expect([...quotes.values()].every((q) => q.status === 'found')).toBe(true);
    expect(most).toBe(2);
  });

  it('reports an unreachable server as missing, not as a crash', async () => {
    const quotes = await adapter({ baseUrl: 'http://127.0.0.1:1', maxAttempts: 2 }).quotes(['VTI'], MONDAY);

    expect(quotes.get('VTI')).toMatchObject({
      status: 'missing',
      reason: expect.stringMatching(/could not be reached.*still after 2 attempts/),
    });
  });
});

describe('retryAfter', () => {
  it('reads delay-seconds and HTTP dates, and ignores what it cannot read', () => {
    const now = Date.parse('2025-06-16T14:00:00Z');
    expect(retryAfter('7', now)).toEqual({ retryAfterMs: 7000 });
    expect(retryAfter('Mon, 16 Jun 2025 14:00:30 GMT', now)).toEqual({ retryAfterMs: 30_000 });
    expect(retryAfter('Mon, 16 Jun 2025 13:00:00 GMT', now)).toEqual({ retryAfterMs: 0 });
    expect(retryAfter('soon', now)).toEqual({});
    expect(retryAfter(null, now)).toEqual({});
  });
});

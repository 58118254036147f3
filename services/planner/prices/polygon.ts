/**
 * Previous-day closes from Polygon.io's "Previous Close" aggregates endpoint
 * (GET /v2/aggs/ticker/{ticker}/prev), one request per symbol, with global fetch.
 *
 * Rate limits: the free plan allows five requests a minute and answers HTTP 429 beyond that.
 * Requests run with bounded concurrency; a 429 (or a 5xx, or a network failure) is retried a
 * bounded number of times after Retry-After or an exponential back-off, within a waiting budget
 * per job, and then that symbol is reported missing with the reason. One symbol's trouble never
 * throws the job away; only a configuration problem (no key, a refused key) does.
 */
import * as z from 'zod';
import type { ApiKeySource } from './api-key.ts';
import { MemoryPriceCache, marketDay, type PriceCache } from './cache.ts';
import { PriceConfigurationError, type PriceLookup, type PricePort, type RefreshPolicy } from './port.ts';

export const POLYGON_DEFAULT_BASE_URL = 'https://api.polygon.io';

export interface PolygonPricesOptions {
  apiKey: ApiKeySource;
  /** ALEX_POLYGON_BASE_URL; tests point it at a loopback server. */
  baseUrl?: string;
  refresh?: RefreshPolicy;
  /** Shared by every job the adapter serves; one per container by default. */
  cache?: PriceCache;
  /** Requests in flight at once. */
  concurrency?: number;
  /** Tries per symbol, the first included, before a retryable failure becomes "missing". */
  maxAttempts?: number;
  /** First back-off when the server gives no Retry-After; doubled on each retry. */
  backoffMs?: number;
  /**
   * Longest a single quotes() call spends waiting out rate limits, summed over every back-off
   * (parallel waits count twice: it is a bound, not a schedule). Keeps a job inside its
   * Lambda timeout on a plan that asks for a minute's pause.
   */
  maxWaitMs?: number;
  /**
   * Wall-clock limit of a quotes() call, requests and waits included; symbols not asked by then
   * are reported missing. The default leaves room in the planner's 60 s Lambda timeout.
   */
  maxDurationMs?: number;
  requestTimeoutMs?: number;
  fetch?: typeof fetch;
  sleep?: (ms: number) => Promise<void>;
  /** Epoch milliseconds, for a Retry-After given as an HTTP date. */
  now?: () => number;
}

/** The fields of the Previous Close answer the adapter reads; Polygon sends more. */
const PreviousClose = z.looseObject({
  status: z.string().optional(),
  resultsCount: z.number().optional(),
  results: z.array(z.looseObject({ c: z.number(), t: z.number().optional() })).optional(),
});

const ErrorBody = z.looseObject({ error: z.string().optional(), message: z.string().optional() });

/** What one HTTP exchange meant for the symbol. */
type Outcome =
  | { kind: 'answer'; lookup: PriceLookup; cacheable: boolean }
  | { kind: 'retry'; reason: string; retryAfterMs?: number };

export class PolygonPrices implements PricePort {
  readonly name = 'polygon';
  readonly refresh: RefreshPolicy;
  private readonly baseUrl: string;
  private readonly cache: PriceCache;
  private readonly concurrency: number;
  private readonly maxAttempts: number;
  private readonly backoffMs: number;
  private readonly maxWaitMs: number;
  private readonly maxDurationMs: number;
  private readonly requestTimeoutMs: number;
  private readonly fetch: typeof fetch;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(private readonly options: PolygonPricesOptions) {
    this.refresh = options.refresh ?? 'missing';
    this.baseUrl = (options.baseUrl ?? POLYGON_DEFAULT_BASE_URL).replace(/\/+$/, '');
    this.cache = options.cache ?? new MemoryPriceCache();
    this.concurrency = positiveInteger(options.concurrency ?? 2, 'concurrency');
    this.maxAttempts = positiveInteger(options.maxAttempts ?? 3, 'maxAttempts');
    this.backoffMs = options.backoffMs ?? 1000;
    this.maxWaitMs = options.maxWaitMs ?? 20_000;
    this.maxDurationMs = options.maxDurationMs ?? 40_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.fetch = options.fetch ?? globalThis.fetch;
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
  }

  async quotes(symbols: readonly string[], on: Date): Promise<Map<string, PriceLookup>> {
    const day = marketDay(on);
    const unique = [...new Set(symbols)];
    const answers = new Map<string, PriceLookup>();
    const queue: string[] = [];
    for (const symbol of unique) {
      const cached = this.cache.get(symbol, day);
      if (cached) answers.set(symbol, cached);
      else queue.push(symbol);
    }

    if (queue.length > 0) {
      const apiKey = await this.options.apiKey.get();
      const budget = { remainingMs: this.maxWaitMs, stopAt: this.now() + this.maxDurationMs };
      let fatal: unknown;
      const worker = async () => {
        while (queue.length > 0 && fatal === undefined) {
          const symbol = queue.shift()!;
          try {
            const { lookup, cacheable } = await this.lookUp(symbol, apiKey, budget);
            answers.set(symbol, lookup);
            if (cacheable) this.cache.set(symbol, day, lookup);
          } catch (error) {
            fatal ??= error;
          }
        }
      };
      await Promise.all(Array.from({ length: Math.min(this.concurrency, queue.length) }, worker));
      if (fatal !== undefined) {
        // The key may have been rotated since it was read: read it again on the next job.
        if (fatal instanceof PriceConfigurationError) this.options.apiKey.invalidate();
        throw fatal;
      }
    }
    return new Map(unique.map((symbol) => [symbol, answers.get(symbol)!]));
  }

  /** One symbol, retried within the attempt limit and the shared waiting budget. */
  private async lookUp(
    symbol: string,
    apiKey: string,
    budget: { remainingMs: number; stopAt: number },
  ): Promise<{ lookup: PriceLookup; cacheable: boolean }> {
    for (let attempt = 1; ; attempt++) {
      if (this.now() >= budget.stopAt) {
        return transientMiss(
          symbol,
          `Polygon.io was not asked: the ${seconds(this.maxDurationMs)} this job may spend on prices ran out`,
        );
      }
      const outcome = await this.request(symbol, apiKey);
      if (outcome.kind === 'answer') return outcome;
      if (attempt >= this.maxAttempts) {
        return transientMiss(symbol, `${outcome.reason}, still after ${attempt} attempts`);
      }
      const waitMs = outcome.retryAfterMs ?? this.backoffMs * 2 ** (attempt - 1);
      if (waitMs > budget.remainingMs) {
        return transientMiss(
          symbol,
          `${outcome.reason}; waiting ${seconds(waitMs)} more would exceed the ${seconds(this.maxWaitMs)} this job may spend on rate limits`,
        );
      }
      budget.remainingMs -= waitMs;
      await this.sleep(waitMs);
    }
  }

  private async request(symbol: string, apiKey: string): Promise<Outcome> {
    const url = `${this.baseUrl}/v2/aggs/ticker/${encodeURIComponent(symbol)}/prev?adjusted=true`;
    let response: Response;
    let text: string;
    try {
      // The key travels in a header, not the query string, so it stays out of access logs.
      response = await this.fetch(url, {
        headers: { authorization: `Bearer ${apiKey}`, accept: 'application/json' },
        signal: AbortSignal.timeout(this.requestTimeoutMs),
      });
      text = await response.text();
    } catch (error) {
      return {
        kind: 'retry',
        reason: `Polygon.io could not be reached (${error instanceof Error ? error.message : String(error)})`,
      };
    }
    const body = parseJson(text);
    const said = errorText(body);

    if (response.status === 401) {
      throw new PriceConfigurationError(
        `Polygon.io refused the API key (HTTP 401${said}); check POLYGON_API_KEY or the secret named by ALEX_POLYGON_SECRET_ID.`,
      );
    }
    if (response.status === 429) {
      return {
        kind: 'retry',
        reason: `Polygon.io rate limit (HTTP 429${said})`,
        ...retryAfter(response.headers.get('retry-after'), this.now()),
      };
    }
    if (response.status >= 500) {
      return {
        kind: 'retry',
        reason: `Polygon.io failed (HTTP ${response.status}${said})`,
        ...retryAfter(response.headers.get('retry-after'), this.now()),
      };
    }
    if (response.status === 404) return answer(unknownTicker(symbol), true);
    if (response.status === 403) {
      return answer(missing(symbol, `Polygon.io does not serve ${symbol} on this plan (HTTP 403${said})`), false);
    }
    if (!response.ok)
      return answer(
        missing(symbol, `Polygon.io refused the request for ${symbol} (HTTP ${response.status}${said})`),
        false,
      );

    const parsed = PreviousClose.safeParse(body);
    if (!parsed.success)
      return { kind: 'retry', reason: `Polygon.io sent an answer for ${symbol} that is not a Previous Close response` };
    const { status, resultsCount, results } = parsed.data;
    const bar = results?.[0];
    if (status === 'NOT_FOUND' || resultsCount === 0 || !bar) return answer(unknownTicker(symbol), true);
    if (!Number.isFinite(bar.c) || bar.c <= 0) {
      return answer(
        missing(symbol, `Polygon.io's previous close for ${symbol} is ${bar.c}, not a usable price`),
        false,
      );
    }
    return answer(
      {
        symbol,
        status: 'found',
        price: bar.c,
        source: 'market',
        ...(bar.t !== undefined ? { tradingDay: marketDay(new Date(bar.t)) } : {}),
      },
      true,
    );
  }
}

function answer(lookup: PriceLookup, cacheable: boolean): Outcome {
  return { kind: 'answer', lookup, cacheable };
}

function missing(symbol: string, reason: string): PriceLookup {
  return { symbol, status: 'missing', reason };
}

/** Rate limits and outages pass; the next job should ask again, so these are not cached. */
function transientMiss(symbol: string, reason: string): { lookup: PriceLookup; cacheable: boolean } {
  return { lookup: missing(symbol, reason), cacheable: false };
}

function unknownTicker(symbol: string): PriceLookup {
  return missing(
    symbol,
    `Polygon.io has no previous close for ${symbol} (unknown ticker, or not a US-listed stock or ETF)`,
  );
}

/** Retry-After as delay-seconds or an HTTP date (RFC 9110 §10.2.3); absent or unreadable: none. */
export function retryAfter(header: string | null, nowMs: number): { retryAfterMs?: number } {
  if (!header) return {};
  const text = header.trim();
  if (/^\d+$/.test(text)) return { retryAfterMs: Number(text) * 1000 };
  const at = Date.parse(text);
  return Number.isNaN(at) ? {} : { retryAfterMs: Math.max(0, at - nowMs) };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function errorText(body: unknown): string {
  const parsed = ErrorBody.safeParse(body);
  const text = parsed.success ? (parsed.data.error ?? parsed.data.message) : undefined;
  return text ? `: ${text}` : '';
}

function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

function positiveInteger(value: number, field: string): number {
  if (!Number.isInteger(value) || value < 1)
    throw new PriceConfigurationError(
      `Polygon.io adapter ${field}: must be a whole number of at least 1 (got ${value}).`,
    );
  return value;
}

/**
 * Loopback stand-ins for what the Polygon.io price adapter talks to, so its tests run the real
 * code over HTTP:
 *
 * - Polygon.io's Previous Close endpoint (GET /v2/aggs/ticker/{ticker}/prev), answering in
 *   Polygon's JSON: a close for a known ticker, `resultsCount: 0` for an unknown one, 401 for a
 *   wrong key (Bearer header or apiKey query), and whatever a test script says (429s...).
 * - Secrets Manager's GetSecretValue, in the awsJson1_1 wire format the real
 *   @aws-sdk/client-secrets-manager speaks (POST /, X-Amz-Target: secretsmanager.GetSecretValue,
 *   Content-Type: application/x-amz-json-1.1, SigV4 signed), to deliver the API key.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { listen, loopbackClientConfig, shutDown } from './loopback.ts';

export interface PolygonReply {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/**
 * Overrides the answer for a symbol; `attempt` counts requests for that symbol, this one
 * included. Returning undefined falls through to the default answer.
 */
export type PolygonScript = (symbol: string, attempt: number) => PolygonReply | undefined;

export interface PolygonRequest {
  symbol: string;
  path: string;
  authorization: string | undefined;
}

export interface FakePolygon {
  readonly endpoint: string;
  readonly requests: PolygonRequest[];
  /** Sets the previous close served for a ticker; `day` (YYYY-MM-DD) sets the bar's timestamp. */
  setClose(symbol: string, close: number, day?: string): void;
  script(script: PolygonScript | undefined): void;
  reset(): void;
  close(): Promise<void>;
}

export const POLYGON_TEST_KEY = 'test-polygon-key';

/** Polygon's answer beyond the free plan's five requests a minute. */
export function rateLimited(retryAfterSeconds?: number): PolygonReply {
  return {
    status: 429,
    body: {
      status: 'ERROR',
      request_id: randomUUID().replaceAll('-', ''),
      error: "You've exceeded the maximum requests per minute, please wait or upgrade your subscription to continue.",
    },
    ...(retryAfterSeconds === undefined ? {} : { headers: { 'retry-after': String(retryAfterSeconds) } }),
  };
}

export async function startFakePolygon(
  options: { apiKey?: string; closes?: Record<string, number> } = {},
): Promise<FakePolygon> {
  const apiKey = options.apiKey ?? POLYGON_TEST_KEY;
  const closes = new Map<string, { close: number; t: number }>();
  const arrivals = new Map<string, number>();
  const requests: PolygonRequest[] = [];
  let script: PolygonScript | undefined;
  const DEFAULT_DAY = '2025-06-13';
  const setClose = (symbol: string, close: number, day = DEFAULT_DAY) =>
    // Daily bars start at midnight New York time (04:00 UTC in summer).
    closes.set(symbol, { close, t: Date.parse(`${day}T04:00:00Z`) });
  for (const [symbol, close] of Object.entries(options.closes ?? {})) setClose(symbol, close);

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = /^\/v2\/aggs\/ticker\/([^/]+)\/prev$/.exec(url.pathname);
    if (req.method !== 'GET' || !match) {
      return sendJson(res, 404, { status: 'NOT_FOUND', request_id: requestId(), message: 'Route not found.' });
    }
    const symbol = decodeURIComponent(match[1]!);
    requests.push({ symbol, path: url.pathname + url.search, authorization: req.headers.authorization });
    const given = req.headers.authorization?.replace(/^Bearer /, '') ?? url.searchParams.get('apiKey');
    if (given !== apiKey) {
      return sendJson(res, 401, { status: 'ERROR', request_id: requestId(), error: 'Unknown API Key' });
    }
    const attempt = (arrivals.get(symbol) ?? 0) + 1;
    arrivals.set(symbol, attempt);
    const scripted = script?.(symbol, attempt);
    if (scripted) return sendJson(res, scripted.status, scripted.body ?? {}, scripted.headers);
    const bar = closes.get(symbol);
    if (!bar) {
      return sendJson(res, 200, {
        ticker: symbol,
        queryCount: 0,
        resultsCount: 0,
        adjusted: true,
        status: 'OK',
        request_id: requestId(),
      });
    }
    sendJson(res, 200, {
      ticker: symbol,
      queryCount: 1,
      resultsCount: 1,
      adjusted: true,
      results: [
        {
          T: symbol,
          v: 1_234_567,
          vw: bar.close,
          o: bar.close,
          c: bar.close,
          h: bar.close,
          l: bar.close,
          t: bar.t,
          n: 4321,
        },
      ],
      status: 'OK',
      request_id: requestId(),
      count: 1,
    });
  });
  const endpoint = await listen(server);

  return {
    endpoint,
    requests,
    setClose,
    script(next) {
      script = next;
    },
    reset() {
      requests.length = 0;
      arrivals.clear();
      script = undefined;
    },
    close: () => shutDown(server),
  };
}

export interface FakeSecretsManager {
  readonly endpoint: string;
  /** SecretId of every GetSecretValue call, in order. */
  readonly requests: string[];
  client(): SecretsManagerClient;
  close(): Promise<void>;
}

/** Serves `secrets` (name → SecretString); a secret is found by its name or its ARN. */
export async function startFakeSecretsManager(secrets: Record<string, string>): Promise<FakeSecretsManager> {
  const requests: string[] = [];
  const clients: SecretsManagerClient[] = [];
  const arnOf = (name: string) => `arn:aws:secretsmanager:us-east-1:123456789012:secret:${name}-AbCdEf`;

  const server = createServer(async (req, res) => {
    const body = await readBody(req);
    const fail = (type: string, message: string) => sendJson(res, 400, { __type: type, message }, {}, JSON_1_1);
    if (req.method !== 'POST' || req.url !== '/' || req.headers['x-amz-target'] !== 'secretsmanager.GetSecretValue') {
      return fail('UnknownOperationException', `unsupported ${req.method} ${req.url} ${req.headers['x-amz-target']}`);
    }
    if (req.headers['content-type'] !== JSON_1_1)
      return fail('SerializationException', `expected Content-Type ${JSON_1_1}`);
    if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ')) {
      return fail('MissingAuthenticationTokenException', 'request is not SigV4 signed');
    }
    let secretId: unknown;
    try {
      secretId = (JSON.parse(body) as { SecretId?: unknown }).SecretId;
    } catch {
      return fail('SerializationException', 'body is not JSON');
    }
    requests.push(String(secretId));
    const name = Object.keys(secrets).find((candidate) => candidate === secretId || arnOf(candidate) === secretId);
    if (name === undefined)
      return fail('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    sendJson(
      res,
      200,
      {
        ARN: arnOf(name),
        Name: name,
        VersionId: '00000000-0000-4000-8000-000000000001',
        SecretString: secrets[name],
        VersionStages: ['AWSCURRENT'],
        CreatedDate: 1_718_000_000,
      },
      {},
      JSON_1_1,
    );
  });
  const endpoint = await listen(server);

  return {
    endpoint,
    requests,
    client() {
      const client = new SecretsManagerClient({ ...loopbackClientConfig(endpoint), maxAttempts: 1 });
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.destroy();
      await shutDown(server);
    },
  };
}

const JSON_1_1 = 'application/x-amz-json-1.1';

function requestId(): string {
  return randomUUID().replaceAll('-', '');
}

function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  contentType = 'application/json',
): void {
  res.writeHead(status, { 'content-type': contentType, 'x-amzn-requestid': randomUUID(), ...headers });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

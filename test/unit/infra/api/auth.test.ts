/**
 * The auth matrix: each token case gets the answer API Gateway's JWT authorizer would give, from
 * the Node server and from the Lambda adapter alike, and no answer says why a token failed.
 */
import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jwtVerifier } from '#infra/api/auth.ts';
import { type ApiFixture, apiFixture, type Client, lambdaClient, nodeClient } from '#test/support/api.ts';
import { startTestIssuer, TEST_AUDIENCE, TEST_ISSUER, type TestIssuer } from '#test/support/jwks-server.ts';

const now = () => Math.floor(Date.now() / 1000);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

type Case = { name: string; token: (issuer: TestIssuer) => Promise<string | undefined>; status: 200 | 401 };

const CASES: Case[] = [
  { name: 'no Authorization header', token: async () => undefined, status: 401 },
  { name: 'a valid ES256 token', token: (i) => i.sign(), status: 200 },
  { name: 'a valid RS256 token', token: (i) => i.sign({}, { alg: 'RS256' }), status: 200 },
  { name: 'an expired token', token: (i) => i.sign({ exp: now() - 60 }), status: 401 },
  { name: 'a token expired 2 s ago, within the 5 s skew', token: (i) => i.sign({ exp: now() - 2 }), status: 200 },
  { name: 'a token not valid yet (nbf in a minute)', token: (i) => i.sign({ nbf: now() + 60 }), status: 401 },
  { name: 'a token from another issuer', token: (i) => i.sign({ iss: 'https://evil.example' }), status: 401 },
  { name: 'a token for another audience', token: (i) => i.sign({ aud: 'someone-else' }), status: 401 },
  { name: 'an aud list that includes the audience', token: (i) => i.sign({ aud: ['x', TEST_AUDIENCE] }), status: 200 },
  {
    name: 'no aud but client_id equal to the audience (Cognito access token)',
    token: (i) => i.sign({ omit: ['aud'], client_id: TEST_AUDIENCE }),
    status: 200,
  },
  {
    name: 'no aud and a client_id for another client',
    token: (i) => i.sign({ omit: ['aud'], client_id: 'other' }),
    status: 401,
  },
  {
    name: 'alg none (unsigned)',
    token: async () =>
      `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: TEST_ISSUER, aud: TEST_AUDIENCE, sub: 'user-a', exp: now() + 300 })}.`,
    status: 401,
  },
  {
    name: 'HS256 signed with the public RSA key as the secret',
    token: async (i) => {
      const head = `${b64({ alg: 'HS256', typ: 'JWT', kid: 'rs-1' })}.${b64({ iss: TEST_ISSUER, aud: TEST_AUDIENCE, sub: 'user-a', exp: now() + 300 })}`;
      return `${head}.${createHmac('sha256', i.rsaPublicPem).update(head).digest('base64url')}`;
    },
    status: 401,
  },
  { name: 'PS256, an algorithm not on the list', token: (i) => i.sign({}, { alg: 'PS256' }), status: 401 },
  { name: 'an unknown kid', token: (i) => i.sign({}, { unpublished: true }), status: 401 },
  {
    name: 'a known kid with a key that is not its key',
    token: (i) => i.sign({}, { unpublished: true, kid: 'es-1' }),
    status: 401,
  },
  {
    name: 'a tampered payload (sub changed after signing)',
    token: async (i) => {
      const [head, , signature] = (await i.sign()).split('.');
      return `${head}.${b64({ iss: TEST_ISSUER, aud: TEST_AUDIENCE, sub: 'user-b', exp: now() + 300 })}.${signature}`;
    },
    status: 401,
  },
  { name: 'a token without exp', token: (i) => i.sign({ omit: ['exp'] }), status: 401 },
  { name: 'a sub that is not a user id', token: (i) => i.sign({ sub: 'has spaces/and slashes' }), status: 401 },
  { name: 'a token that is not a JWT', token: async () => 'not-a-jwt', status: 401 },
];

let issuer: TestIssuer;
let fixture: ApiFixture;
let down: ApiFixture;
let clients: Client[];
let downClients: Client[];

beforeAll(async () => {
  issuer = await startTestIssuer();
  fixture = await apiFixture(jwtVerifier({ keys: issuer.jwksUrl, issuer: TEST_ISSUER, audience: TEST_AUDIENCE }));
  // Nothing listens on port 9 of loopback: the JWKS fetch is refused, as when the issuer is down.
  down = await apiFixture(
    jwtVerifier({ keys: new URL('http://127.0.0.1:9/jwks.json'), issuer: TEST_ISSUER, audience: TEST_AUDIENCE }),
    { db: fixture.db },
  );
  clients = [await nodeClient(fixture.app), lambdaClient(fixture.app)];
  downClients = [await nodeClient(down.app), lambdaClient(down.app)];
}, 60_000);

afterAll(async () => {
  for (const client of [...(clients ?? []), ...(downClients ?? [])]) await client.close();
  await fixture.close();
  await down.close();
  await issuer.stop();
});

const SAFE_DETAILS = [
  'send an Authorization: Bearer <token> header',
  'the bearer token is not valid; get a new token',
  'the token cannot be checked right now; retry later',
];

describe.each(['node server', 'lambda adapter'])('auth through the %s', (name) => {
  const client = () => [...clients].find((c) => c.name === name)!;

  it.each(CASES)('$name → $status', async ({ token, status }) => {
    const value = await token(issuer);
    const response = await client().send(
      '/v1/analyses',
      value ? { headers: { Authorization: `Bearer ${value}` } } : {},
    );
    expect(response.status).toBe(status);
    if (status === 200) return;
    const challenge = response.headers.get('www-authenticate');
    if (value === undefined) expect(challenge).toBe('Bearer realm="alex"');
    else expect(challenge).toBe('Bearer realm="alex", error="invalid_token"');
    const body = (await response.json()) as { detail: string };
    expect(SAFE_DETAILS).toContain(body.detail);
  });

  it('a scheme other than Bearer → 401 invalid_token', async () => {
    const response = await client().send('/v1/analyses', { headers: { Authorization: 'Basic dXNlcjpwYXNz' } });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toContain('error="invalid_token"');
  });

  it('JWKS unreachable → 503 with Retry-After, not 401', async () => {
    const downClient = downClients.find((c) => c.name === name)!;
    const response = await downClient.send('/v1/analyses', {
      headers: { Authorization: `Bearer ${await issuer.sign()}` },
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('5');
    expect(SAFE_DETAILS).toContain(((await response.json()) as { detail: string }).detail);
  });

  it('/healthz and /openapi.json need no token', async () => {
    expect((await client().send('/healthz')).status).toBe(200);
    expect((await client().send('/openapi.json')).status).toBe(200);
  });
});

describe('JWKS answering 500', () => {
  it('→ 503 for a token whose key is not cached yet', async () => {
    const failing = await startTestIssuer();
    failing.failWith(500);
    const app = await apiFixture(jwtVerifier({ keys: failing.jwksUrl, issuer: TEST_ISSUER, audience: TEST_AUDIENCE }), {
      db: fixture.db,
    });
    try {
      const response = await lambdaClient(app.app).send('/v1/analyses', {
        headers: { Authorization: `Bearer ${await failing.sign()}` },
      });
      expect(response.status).toBe(503);
      expect(failing.requests).toBeGreaterThan(0);
    } finally {
      await app.close();
      await failing.stop();
    }
  });
});

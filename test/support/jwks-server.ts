/**
 * A loopback token issuer for the API's auth tests: an RS256 and an ES256 key published as a
 * JWKS over HTTP (as Clerk, Cognito or Auth0 publish theirs), a signer for any claims and
 * header, and switches to make the JWKS endpoint fail (500) or vanish (connection refused).
 */
import { createServer } from 'node:http';
import { exportJWK, exportSPKI, generateKeyPair, type JWK, type JWTPayload, SignJWT } from 'jose';
import { listen, shutDown } from './loopback.ts';

export const TEST_ISSUER = 'https://issuer.test.example';
export const TEST_AUDIENCE = 'alex-api-test';

type Alg = 'RS256' | 'ES256' | 'PS256';

export interface TestIssuer {
  jwksUrl: URL;
  /** Signs `claims` (defaults: this issuer, audience, sub, iat, 5 min exp) with the published key for `alg`. */
  sign(
    claims?: JWTPayload & { omit?: string[] },
    options?: { alg?: Alg; kid?: string; unpublished?: boolean },
  ): Promise<string>;
  /** The RS256 public key as PEM text, for the HS256-with-public-key attack. */
  rsaPublicPem: string;
  failWith(status: number | undefined): void;
  requests: number;
  stop(): Promise<void>;
}

export async function startTestIssuer(): Promise<TestIssuer> {
  const rs = await generateKeyPair('RS256', { extractable: true });
  const es = await generateKeyPair('ES256', { extractable: true });
  const ps = await generateKeyPair('PS256', { extractable: true });
  const stray = await generateKeyPair('ES256', { extractable: true });
  const jwks: { keys: JWK[] } = {
    keys: [
      { ...(await exportJWK(rs.publicKey)), kid: 'rs-1', alg: 'RS256', use: 'sig' },
      { ...(await exportJWK(es.publicKey)), kid: 'es-1', alg: 'ES256', use: 'sig' },
      // Published, so a PS256 token fails on the algorithm list alone, not on a missing key.
      { ...(await exportJWK(ps.publicKey)), kid: 'ps-1', alg: 'PS256', use: 'sig' },
    ],
  };
  let failure: number | undefined;
  const issuer = {
    requests: 0,
  } as TestIssuer;
  const server = createServer((request, response) => {
    issuer.requests += 1;
    if (failure) {
      response.writeHead(failure, { 'Content-Type': 'text/plain' }).end('failure');
      return;
    }
    response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(jwks));
  });
  const base = await listen(server);
  Object.assign(issuer, {
    jwksUrl: new URL(`${base}/.well-known/jwks.json`),
    rsaPublicPem: await exportSPKI(rs.publicKey),
    async sign(
      claims: JWTPayload & { omit?: string[] } = {},
      options: { alg?: Alg; kid?: string; unpublished?: boolean } = {},
    ) {
      const alg = options.alg ?? 'ES256';
      const now = Math.floor(Date.now() / 1000);
      const { omit = [], ...given } = claims;
      const payload: JWTPayload = {
        iss: TEST_ISSUER,
        aud: TEST_AUDIENCE,
        sub: 'user-a',
        iat: now,
        exp: now + 300,
        ...given,
      };
      for (const name of omit) delete payload[name];
      const published = { ES256: [es, 'es-1'], RS256: [rs, 'rs-1'], PS256: [ps, 'ps-1'] } as const;
      const key = options.unpublished ? stray.privateKey : published[alg][0].privateKey;
      const kid = options.kid ?? (options.unpublished ? 'stray-1' : published[alg][1]);
      return new SignJWT(payload).setProtectedHeader({ alg, kid, typ: 'JWT' }).sign(key);
    },
    failWith(status: number | undefined) {
      failure = status;
    },
    stop: () => shutDown(server),
  });
  return issuer;
}

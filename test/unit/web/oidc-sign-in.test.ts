import { describe, expect, it } from 'vitest';
import { base64url, codeChallenge, randomToken } from '../../../web/pkce.ts';
import { sessionFor } from '../../../web/tokens.ts';

describe('PKCE helpers', () => {
  it('derives the S256 challenge of RFC 7636 Appendix B from its verifier', async () => {
    // Both strings are the RFC's published example (checked against node:crypto's SHA-256), not this module's output.
    expect(await codeChallenge('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk')).toBe(
      'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    );
  });

  it('encodes the Appendix B verifier bytes as the RFC does (base64url, no padding)', () => {
    const bytes = [
      116, 24, 223, 180, 151, 153, 224, 37, 79, 250, 96, 125, 216, 173, 187, 186, 22, 212, 37, 77, 105, 214, 191, 240,
      91, 88, 5, 88, 83, 132, 141, 121,
    ];
    expect(base64url(new Uint8Array(bytes))).toBe('dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk');
  });

  it('makes verifiers of 43 unreserved characters that differ each time', () => {
    const a = randomToken();
    const b = randomToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(b).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
  });
});

/** An unsigned JWT with these claims: the page reads claims, the API verifies signatures. */
function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none' })}.${part({ sub: 'alice', exp: 2_000_000_000, ...claims })}.`;
}

describe('the token kept after an OIDC sign-in (the API authorizer’s audience rule)', () => {
  const expiresAt = new Date(2_000_000_000 * 1000).toISOString();

  it('keeps the access token when its aud contains the API audience', () => {
    const access = jwt({ aud: ['https://api.example', 'other'] });
    expect(sessionFor({ access_token: access, id_token: jwt({ aud: 'client' }) }, 'https://api.example')).toEqual({
      userId: 'alice',
      token: access,
      expiresAt,
    });
  });

  it('keeps an access token without aud whose client_id is the audience (Cognito)', () => {
    const access = jwt({ client_id: 'client' });
    expect(sessionFor({ access_token: access }, 'client').token).toBe(access);
  });

  it('keeps the id token when the access token is opaque and the audience is the client id', () => {
    const id = jwt({ aud: 'client' });
    expect(sessionFor({ access_token: 'opaque-value', id_token: id }, 'client').token).toBe(id);
  });

  it('refuses tokens for another audience, naming the audience', () => {
    expect(() =>
      sessionFor({ access_token: jwt({ aud: 'elsewhere' }), id_token: jwt({ aud: 'client' }) }, 'api'),
    ).toThrow(/audience \(api\)/);
  });
});

/**
 * The local token issuer, so auth is never off on one machine: an ES256 signing key created once
 * in the home folder (owner-only file), its public JWKS served by `alex serve`, and tokens
 * signed by `alex token`. A configured issuer (ALEX_AUTH_JWKS_URL) replaces it entirely.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';

export const LOCAL_ISSUER = 'urn:alex:local';
export const LOCAL_AUDIENCE = 'alex-api';
export const DEFAULT_TOKEN_TTL_SECONDS = 3600;
const ALG = 'ES256';

export interface SigningKey {
  kid: string;
  privateJwk: JWK;
}

export function signingKeyFile(home: string): string {
  return join(home, 'auth', 'signing-key.json');
}

/** Reads the home's signing key, creating it on first use; a concurrent creator's key wins. */
export async function loadOrCreateSigningKey(home: string): Promise<SigningKey> {
  const file = signingKeyFile(home);
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as SigningKey;
  mkdirSync(join(home, 'auth'), { recursive: true, mode: 0o700 });
  const { privateKey } = await generateKeyPair(ALG, { extractable: true });
  const key: SigningKey = { kid: randomUUID(), privateJwk: { ...(await exportJWK(privateKey)), alg: ALG } };
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(key), { mode: 0o600 });
  // A rename never leaves half a key; if another process created one meanwhile, keep theirs.
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as SigningKey;
  renameSync(temporary, file);
  return key;
}

/** The public half, as a JWKS document. */
export function publicJwks(key: SigningKey): { keys: JWK[] } {
  const { kty, crv, x, y } = key.privateJwk;
  return { keys: [{ kty, crv, x, y, kid: key.kid, alg: ALG, use: 'sig' }] };
}

export async function signLocalToken(
  key: SigningKey,
  claims: { userId: string; ttlSeconds?: number; now?: number },
): Promise<string> {
  const nowSeconds = Math.floor((claims.now ?? Date.now()) / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: ALG, kid: key.kid, typ: 'JWT' })
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setSubject(claims.userId)
    .setIssuedAt(nowSeconds)
    .setNotBefore(nowSeconds)
    .setExpirationTime(nowSeconds + (claims.ttlSeconds ?? DEFAULT_TOKEN_TTL_SECONDS))
    .sign(await importJWK(key.privateJwk, ALG));
}

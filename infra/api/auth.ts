/**
 * Bearer JWT verification as API Gateway's HTTP API JWT authorizer does it, so local and AWS
 * agree: RS256/ES256 only, keys from a JWKS (fetched and cached, refetched on an unknown kid),
 * `iss` exact, `aud` containing the audience (or `client_id` equal to it when `aud` is absent),
 * `exp`/`nbf` with a small skew. Failures collapse to three kinds and nothing else leaks.
 */
import { createLocalJWKSet, createRemoteJWKSet, errors, type JWTPayload, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { UserId } from '#events/values.ts';
import { AuthError, type AuthVerifier, type Clock, type Principal } from './ports.ts';

export const ALGORITHMS = ['RS256', 'ES256'];
export const CLOCK_SKEW_SECONDS = 5;

export interface JwtSettings {
  issuer: string;
  audience: string;
  /** A JWKS URL, or the key set itself (the local issuer's). */
  keys: URL | { keys: object[] };
  clock?: Clock;
  /** Verified tokens are remembered until they expire (bounded), as an authorizer cache would. */
  cacheSize?: number;
}

export function jwtVerifier(settings: JwtSettings): AuthVerifier {
  const getKey: JWTVerifyGetKey =
    settings.keys instanceof URL
      ? createRemoteJWKSet(settings.keys, { timeoutDuration: 3000, cooldownDuration: 30_000 })
      : createLocalJWKSet(settings.keys as Parameters<typeof createLocalJWKSet>[0]);
  const clock = settings.clock ?? { now: () => Date.now() };
  const cache = new Map<string, { principal: Principal; expiresAtMs: number }>();
  const cacheSize = settings.cacheSize ?? 10_000;

  return {
    async verify(authorization) {
      const token = bearerToken(authorization);
      const cached = cache.get(token);
      if (cached && cached.expiresAtMs > clock.now()) return cached.principal;
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, getKey, {
          issuer: settings.issuer,
          algorithms: ALGORITHMS,
          clockTolerance: CLOCK_SKEW_SECONDS,
          currentDate: new Date(clock.now()),
          requiredClaims: ['exp', 'sub'],
        }));
      } catch (error) {
        throw new AuthError(keysUnreachable(error) ? 'unavailable' : 'invalid');
      }
      if (!audienceMatches(payload, settings.audience)) throw new AuthError('invalid');
      const user = UserId.safeParse(payload.sub);
      if (!user.success) throw new AuthError('invalid');
      const principal = { userId: user.data };
      if (cache.size >= cacheSize) cache.delete(cache.keys().next().value!);
      cache.set(token, { principal, expiresAtMs: (payload.exp ?? 0) * 1000 + CLOCK_SKEW_SECONDS * 1000 });
      return principal;
    },
  };
}

function bearerToken(authorization: string | undefined): string {
  if (!authorization?.trim()) throw new AuthError('missing');
  const match = /^Bearer[ ]+([A-Za-z0-9_.~+/=-]+)\s*$/i.exec(authorization);
  if (!match) throw new AuthError('invalid');
  return match[1]!;
}

/** API Gateway's rule: `aud` when present, else `client_id` (Cognito access tokens carry no aud). */
function audienceMatches(payload: JWTPayload, audience: string): boolean {
  if (payload.aud !== undefined) {
    return Array.isArray(payload.aud) ? payload.aud.includes(audience) : payload.aud === audience;
  }
  return payload.client_id === audience;
}

/** The key set could not be fetched or read: the caller cannot be judged, so 503, not 401. */
function keysUnreachable(error: unknown): boolean {
  if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) return true;
  // jose says "not 200 OK from the JWKS" with its generic class; token faults have their own classes.
  if (error instanceof errors.JOSEError) return error.constructor === errors.JOSEError;
  // fetch failures (connection refused, DNS) surface as plain errors.
  return true;
}

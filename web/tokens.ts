/**
 * What the page reads from a JWT (never verifies: the API verifies every call): its subject and
 * expiry for the session, and its audience to pick, after an OIDC sign-in, the token the API's
 * JWT authorizer accepts. DOM-free, so the Node unit tests run it as the page does.
 */

export interface Session {
  userId: string;
  token: string;
  expiresAt: string;
}

function claims(token: string): Record<string, unknown> | null {
  const parts = token.trim().split('.');
  if (parts.length !== 3) return null;
  try {
    return JSON.parse(atob(parts[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as Record<string, unknown>;
  } catch {
    return null;
  }
}

/** A pasted (or issued) token's subject and expiry. */
export function sessionFromToken(token: string): Session | null {
  const payload = claims(token);
  if (typeof payload?.sub !== 'string' || typeof payload.exp !== 'number') return null;
  return { userId: payload.sub, token: token.trim(), expiresAt: new Date(payload.exp * 1000).toISOString() };
}

/**
 * The API accepts a JWT whose `aud` contains its audience, or, with no `aud`, whose `client_id`
 * equals it (API Gateway's rule). The access token when it qualifies, else the id token (whose
 * `aud` is the client id) when the API's audience is the client id.
 */
export function sessionFor(tokens: { access_token?: string; id_token?: string }, audience: string): Session {
  for (const token of [tokens.access_token, tokens.id_token]) {
    const payload = token ? claims(token) : null;
    if (!token || !payload || !audienceMatches(payload, audience)) continue;
    const session = sessionFromToken(token);
    if (session) return session;
  }
  throw new Error(`The issuer returned no token for the API's audience (${audience}); check the client's settings.`);
}

function audienceMatches(payload: Record<string, unknown>, audience: string): boolean {
  const aud = payload.aud;
  if (aud !== undefined) return Array.isArray(aud) ? aud.includes(audience) : aud === audience;
  return payload.client_id === audience;
}

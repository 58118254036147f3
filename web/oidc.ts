/**
 * OIDC sign-in: the authorization-code flow with PKCE (S256), no client secret and no library.
 * The verifier and state wait in sessionStorage across the redirect; on return the state must
 * match before the code is spent, and code/state leave the address bar before anything else.
 * The kept token is the one the API's JWT authorizer accepts (infra/api/auth.ts's audience rule).
 */
import { codeChallenge, randomToken } from './pkce.ts';
import { type DashboardConfig, OIDC_PENDING as PENDING, type Session } from './session.ts';
import { sessionFor } from './tokens.ts';

export type OidcAuth = Extract<DashboardConfig['auth'], { kind: 'oidc' }>;

interface Pending {
  state: string;
  verifier: string;
  redirectUri: string;
}

interface Discovery {
  authorization_endpoint: string;
  token_endpoint: string;
}

/** The page itself (no query, no fragment): what the provider redirects back to. */
function redirectUri(): string {
  return `${location.origin}${location.pathname}`;
}

async function discover(issuer: string): Promise<Discovery> {
  const url = `${issuer.replace(/\/$/, '')}/.well-known/openid-configuration`;
  const response = await fetch(url, { credentials: 'omit' });
  if (!response.ok) throw new Error(`The issuer's discovery document (${url}) answered ${response.status}.`);
  const body = (await response.json()) as Partial<Discovery>;
  if (typeof body.authorization_endpoint !== 'string' || typeof body.token_endpoint !== 'string')
    throw new Error(`The issuer's discovery document (${url}) has no authorization_endpoint or token_endpoint.`);
  return body as Discovery;
}

/** Sends the browser to the provider's sign-in page; resolves only if that fails. */
export async function startSignIn(auth: OidcAuth): Promise<void> {
  const { authorization_endpoint } = await discover(auth.issuer);
  const pending: Pending = { state: randomToken(), verifier: randomToken(), redirectUri: redirectUri() };
  sessionStorage.setItem(PENDING, JSON.stringify(pending));
  const url = new URL(authorization_endpoint);
  url.searchParams.set('response_type', 'code');
  url.searchParams.set('client_id', auth.clientId);
  url.searchParams.set('redirect_uri', pending.redirectUri);
  url.searchParams.set('scope', auth.scopes.join(' '));
  url.searchParams.set('state', pending.state);
  url.searchParams.set('code_challenge', await codeChallenge(pending.verifier));
  url.searchParams.set('code_challenge_method', 'S256');
  // Providers such as Auth0 issue an access token for an API only when asked for its audience.
  if (auth.audience && auth.audience !== auth.clientId) url.searchParams.set('audience', auth.audience);
  location.assign(url.toString());
}

/** True when the address bar carries a provider's answer (`?code=…&state=…` or `?error=…`). */
export function isSignInReturn(): boolean {
  const query = new URLSearchParams(location.search);
  return query.has('state') && (query.has('code') || query.has('error'));
}

/**
 * Finishes a sign-in the provider redirected back from: strips the query, checks the state,
 * spends the code with the verifier, and returns the session to keep. Throws a message for the user.
 */
export async function finishSignIn(auth: OidcAuth): Promise<Session> {
  const query = new URLSearchParams(location.search);
  // Out of the address bar (and so out of history and bookmarks) before any await.
  history.replaceState(null, '', `${location.pathname}#/signin`);
  const pending = takePending();
  if (!pending || query.get('state') !== pending.state)
    throw new Error('This sign-in answer does not match a sign-in started in this tab; sign in again.');
  const error = query.get('error');
  if (error) throw new Error(`The issuer refused the sign-in: ${query.get('error_description') ?? error}.`);
  const { token_endpoint } = await discover(auth.issuer);
  const response = await fetch(token_endpoint, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    credentials: 'omit',
    body: new URLSearchParams({
      grant_type: 'authorization_code',
      code: query.get('code') ?? '',
      redirect_uri: pending.redirectUri,
      client_id: auth.clientId,
      code_verifier: pending.verifier,
    }),
  });
  const tokens = (await response.json().catch(() => ({}))) as {
    access_token?: string;
    id_token?: string;
    error?: string;
  };
  if (!response.ok) throw new Error(`The issuer would not exchange the code: ${tokens.error ?? response.status}.`);
  return sessionFor(tokens, auth.audience ?? auth.clientId);
}

function takePending(): Pending | null {
  const raw = sessionStorage.getItem(PENDING);
  sessionStorage.removeItem(PENDING); // one use: a replayed answer finds nothing
  try {
    return raw ? (JSON.parse(raw) as Pending) : null;
  } catch {
    return null;
  }
}

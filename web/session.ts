/**
 * Who is signed in: the bearer token and user id live in this tab's sessionStorage (readable by
 * this origin only, gone when the tab closes), never in a URL or localStorage. The local sign-in
 * code arrives once in the URL fragment (#signin=…), which no request carries; it is moved to
 * sessionStorage and wiped from the address bar at once.
 */
import type { Session } from './tokens.ts';

export { type Session, sessionFromToken } from './tokens.ts';

/**
 * config.json: from `alex serve` (`{"auth": {"kind": "local"}}`, or `token` with a configured
 * issuer), or from the AlexWeb stack (the shape of infra/web/page-config.ts: apiUrl, streamUrl,
 * OIDC issuer and client id). No apiUrl means the API is on the page's own origin.
 */
export interface DashboardConfig {
  apiUrl?: string;
  streamUrl?: string;
  auth:
    | { kind: 'local' }
    | { kind: 'token'; issuer?: string }
    | { kind: 'oidc'; issuer: string; clientId: string; audience?: string; scopes: string[] };
}

const SESSION = 'alex.session';
const CODE = 'alex.signinCode';
/** An OIDC sign-in under way: its state and PKCE verifier, waiting for the provider's redirect. */
export const OIDC_PENDING = 'alex.oidc.pending';

export function currentSession(): Session | null {
  try {
    const session = JSON.parse(sessionStorage.getItem(SESSION) ?? 'null') as Session | null;
    if (!session || Date.parse(session.expiresAt) <= Date.now()) return null;
    return session;
  } catch {
    return null;
  }
}

export function saveSession(session: Session): void {
  sessionStorage.setItem(SESSION, JSON.stringify(session));
}

export function signOut(): void {
  sessionStorage.removeItem(SESSION);
  sessionStorage.removeItem(OIDC_PENDING);
}

/** Takes the sign-in code out of the address bar (once) and keeps it for this tab. */
export function takeSignInCode(): string | null {
  const match = /^#signin=([A-Za-z0-9_-]{10,200})$/.exec(location.hash);
  if (match) {
    sessionStorage.setItem(CODE, match[1]!);
    history.replaceState(null, '', `${location.pathname}#/signin`);
  }
  return sessionStorage.getItem(CODE);
}

let config: DashboardConfig | undefined;

export async function loadConfig(): Promise<DashboardConfig> {
  if (config) return config;
  const response = await fetch('config.json', { cache: 'no-cache' });
  config = response.ok ? ((await response.json()) as DashboardConfig) : { auth: { kind: 'local' } };
  return config;
}

export function apiBase(): string {
  return (config?.apiUrl ?? '').replace(/\/$/, '');
}

/** Where the progress stream is read: CloudFront's streaming route on AWS, else the API. */
export function streamBase(): string {
  return (config?.streamUrl ?? config?.apiUrl ?? '').replace(/\/$/, '');
}

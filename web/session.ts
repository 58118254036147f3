/**
 * Who is signed in: the bearer token and user id live in this tab's sessionStorage (readable by
 * this origin only, gone when the tab closes), never in a URL or localStorage. The local sign-in
 * code arrives once in the URL fragment (#signin=…), which no request carries; it is moved to
 * sessionStorage and wiped from the address bar at once.
 */

export interface Session {
  userId: string;
  token: string;
  expiresAt: string;
}

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

/** A pasted token's subject and expiry, read (not verified: the API verifies every call). */
export function sessionFromToken(token: string): Session | null {
  const parts = token.trim().split('.');
  if (parts.length !== 3) return null;
  try {
    const payload = JSON.parse(atob(parts[1]!.replace(/-/g, '+').replace(/_/g, '/'))) as { sub?: string; exp?: number };
    if (typeof payload.sub !== 'string' || typeof payload.exp !== 'number') return null;
    return { userId: payload.sub, token: token.trim(), expiresAt: new Date(payload.exp * 1000).toISOString() };
  } catch {
    return null;
  }
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

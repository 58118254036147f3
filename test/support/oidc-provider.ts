/**
 * A tiny OIDC provider on loopback for the dashboard's code-flow test: discovery, an authorize
 * endpoint that signs in `user` at once and redirects back with a code, and a token endpoint
 * (CORS) that checks the PKCE verifier with node:crypto's SHA-256, independently of the page.
 * It also answers as the API (404 with CORS), recording the Authorization headers it was sent.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { listen, shutDown } from './loopback.ts';

export interface OidcProvider {
  issuer: string;
  /** The authorize requests' query parameters, in order. */
  authorizeRequests: URLSearchParams[];
  /** Token requests with their verdict: `ok`, or why the code was refused. */
  tokenRequests: Array<{ form: URLSearchParams; verdict: string }>;
  /** Authorization headers of calls to the API routes. */
  apiAuthorizations: string[];
  /** The access token the last exchange handed out. */
  lastAccessToken?: string;
  close(): Promise<void>;
}

/** An unsigned JWT (the page reads claims; only the API verifies signatures). */
function jwt(claims: Record<string, unknown>): string {
  const part = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  return `${part({ alg: 'none', typ: 'JWT' })}.${part(claims)}.`;
}

export async function startOidcProvider(options: { clientId: string; audience: string; user: string }) {
  const codes = new Map<string, { challenge: string; redirectUri: string }>();
  const cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Headers': 'Authorization, Content-Type' };
  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'Content-Type': 'application/json', ...cors, ...headers }).end(JSON.stringify(body));
  };
  const server = createServer((req, res) => void handle(req, res));
  const issuer = await listen(server);
  const provider: OidcProvider = {
    issuer,
    authorizeRequests: [],
    tokenRequests: [],
    apiAuthorizations: [],
    close: () => shutDown(server),
  };

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const url = new URL(req.url ?? '/', issuer);
    if (req.method === 'OPTIONS') return void res.writeHead(204, cors).end();
    if (url.pathname === '/.well-known/openid-configuration')
      return send(res, 200, {
        issuer,
        authorization_endpoint: `${issuer}/authorize`,
        token_endpoint: `${issuer}/token`,
      });
    if (url.pathname === '/authorize') return authorize(url.searchParams, res);
    if (url.pathname === '/token' && req.method === 'POST') {
      const chunks: Buffer[] = [];
      for await (const chunk of req) chunks.push(chunk as Buffer);
      return token(new URLSearchParams(Buffer.concat(chunks).toString('utf8')), res);
    }
    provider.apiAuthorizations.push(req.headers.authorization ?? '');
    send(res, 404, { title: 'Not Found', status: 404, detail: 'no such route on this test API' });
  }

  function authorize(query: URLSearchParams, res: ServerResponse) {
    provider.authorizeRequests.push(query);
    const redirectUri = query.get('redirect_uri') ?? '';
    const ok =
      query.get('response_type') === 'code' &&
      query.get('client_id') === options.clientId &&
      query.get('code_challenge_method') === 'S256' &&
      /^[A-Za-z0-9_-]{43}$/.test(query.get('code_challenge') ?? '');
    if (!ok) return send(res, 400, { error: 'invalid_request' });
    const code = randomBytes(16).toString('hex');
    codes.set(code, { challenge: query.get('code_challenge')!, redirectUri });
    const back = new URL(redirectUri);
    back.searchParams.set('code', code);
    back.searchParams.set('state', query.get('state') ?? '');
    res.writeHead(302, { Location: back.toString() }).end();
  }

  function token(form: URLSearchParams, res: ServerResponse) {
    const issued = codes.get(form.get('code') ?? '');
    codes.delete(form.get('code') ?? ''); // a code is spent once
    const verifier = form.get('code_verifier') ?? '';
    const verdict = !issued
      ? 'unknown code'
      : form.get('grant_type') !== 'authorization_code'
        ? 'wrong grant_type'
        : form.get('client_id') !== options.clientId
          ? 'wrong client_id'
          : form.get('redirect_uri') !== issued.redirectUri
            ? 'redirect_uri differs'
            : createHash('sha256').update(verifier).digest('base64url') !== issued.challenge
              ? 'verifier does not match the challenge'
              : 'ok';
    provider.tokenRequests.push({ form, verdict });
    if (verdict !== 'ok') return send(res, 400, { error: 'invalid_grant', error_description: verdict });
    const exp = Math.floor(Date.now() / 1000) + 3600;
    const common = { iss: issuer, sub: options.user, exp };
    provider.lastAccessToken = jwt({ ...common, aud: options.audience, scope: 'openid' });
    send(res, 200, {
      token_type: 'Bearer',
      expires_in: 3600,
      access_token: provider.lastAccessToken,
      id_token: jwt({ ...common, aud: options.clientId }),
    });
  }

  return provider;
}

/**
 * Verifies AWS Signature Version 4 on an incoming request, as the services do: the key id must
 * be one the local runtime issued, the scope's region and service must be this endpoint's, the
 * date within 15 minutes, and the signature recomputed over the canonical request must match.
 * The canonical form follows the SigV4 specification for services other than S3 (the path is
 * URI-encoded twice, the query sorted, the payload hashed with SHA-256).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { AwsRequest } from './wire.ts';

export type SigV4Failure =
  | 'MissingAuthenticationToken'
  | 'IncompleteSignature'
  | 'UnrecognizedClient'
  | 'InvalidSignature'
  | 'SignatureExpired';

export interface SigV4Ok {
  accessKeyId: string;
  region: string;
  service: string;
}

export class SigV4Error extends Error {
  constructor(
    readonly failure: SigV4Failure,
    message: string,
  ) {
    super(message);
  }
}

const ALGORITHM = 'AWS4-HMAC-SHA256';
const MAX_SKEW_MS = 15 * 60 * 1000;
const AUTHORIZATION = /^AWS4-HMAC-SHA256 Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*Signature=([0-9a-f]{64})$/;

export interface VerifyOptions {
  /** The secret of a key id, or undefined when the key is not known. */
  secretOf: (accessKeyId: string) => string | undefined;
  region: string;
  service: string;
  now?: number;
}

/** Throws SigV4Error with AWS's reason, or returns who signed. */
export function verifySigV4(request: AwsRequest, options: VerifyOptions): SigV4Ok {
  const authorization = request.headers.authorization;
  if (!authorization) {
    throw new SigV4Error('MissingAuthenticationToken', 'Request is missing Authentication Token');
  }
  const match = AUTHORIZATION.exec(authorization.trim());
  if (!match) {
    throw new SigV4Error(
      'IncompleteSignature',
      `Authorization header requires '${ALGORITHM} Credential=…, SignedHeaders=…, Signature=…'.`,
    );
  }
  const [, credential, signedHeaderList, signature] = match as unknown as [string, string, string, string];
  const [accessKeyId, date, region, service, terminator] = credential.split('/');
  if (!accessKeyId || !date || !region || !service || terminator !== 'aws4_request') {
    throw new SigV4Error(
      'IncompleteSignature',
      `Credential '${credential}' is not <key>/<date>/<region>/<service>/aws4_request.`,
    );
  }
  const secret = options.secretOf(accessKeyId);
  if (secret === undefined) {
    throw new SigV4Error('UnrecognizedClient', 'The security token included in the request is invalid.');
  }
  if (region !== options.region) {
    throw new SigV4Error(
      'InvalidSignature',
      `Credential should be scoped to a valid region, not '${region}'. Use '${options.region}'.`,
    );
  }
  if (service !== options.service) {
    throw new SigV4Error('InvalidSignature', `Credential should be scoped to correct service: '${options.service}'.`);
  }
  const amzDate = request.headers['x-amz-date'];
  const signedAt = amzDate ? parseAmzDate(amzDate) : Number.NaN;
  if (!amzDate || Number.isNaN(signedAt) || !amzDate.startsWith(date)) {
    throw new SigV4Error('IncompleteSignature', 'The request must carry X-Amz-Date matching the credential date.');
  }
  const now = options.now ?? Date.now();
  if (Math.abs(now - signedAt) > MAX_SKEW_MS) {
    throw new SigV4Error(
      'SignatureExpired',
      `Signature expired: ${amzDate} is now earlier or later than 15 minutes from ${toAmzDate(now)}.`,
    );
  }
  const signedHeaders = signedHeaderList.split(';');
  if (!signedHeaders.includes('host')) {
    throw new SigV4Error('IncompleteSignature', "SignedHeaders must include 'host'.");
  }
  const canonical = canonicalRequest(request, signedHeaders);
  const scope = `${date}/${region}/${service}/aws4_request`;
  const stringToSign = `${ALGORITHM}\n${amzDate}\n${scope}\n${sha256Hex(canonical)}`;
  const expected = createHmac('sha256', signingKey(secret, date, region, service))
    .update(stringToSign)
    .digest();
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new SigV4Error(
      'InvalidSignature',
      'The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method.',
    );
  }
  return { accessKeyId, region, service };
}

export function canonicalRequest(request: AwsRequest, signedHeaders: readonly string[]): string {
  const headers = signedHeaders
    .map((name) => `${name}:${(request.headers[name] ?? '').trim().replace(/\s+/g, ' ')}\n`)
    .join('');
  const payloadHash = sha256Hex(request.body);
  return [
    request.method.toUpperCase(),
    canonicalPath(request.path),
    canonicalQuery(request.query),
    headers,
    signedHeaders.join(';'),
    payloadHash,
  ].join('\n');
}

function canonicalPath(path: string): string {
  const segments: string[] = [];
  for (const segment of (path || '/').split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  const normalized = `/${segments.join('/')}${path.endsWith('/') && segments.length > 0 ? '/' : ''}`;
  return escapeUri(normalized).replace(/%2F/g, '/');
}

function canonicalQuery(query: string): string {
  if (!query) return '';
  return query
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const at = pair.indexOf('=');
      const key = decodeURIComponent((at < 0 ? pair : pair.slice(0, at)).replace(/\+/g, ' '));
      const value = at < 0 ? '' : decodeURIComponent(pair.slice(at + 1).replace(/\+/g, ' '));
      return [escapeUri(key), escapeUri(value)] as const;
    })
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
}

/** RFC 3986 unreserved characters stay; everything else is percent-encoded, as SigV4 requires. */
function escapeUri(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

const signingKeys = new Map<string, Buffer>();

/** The derived key changes once a day per secret, region and service; cached, as clients do. */
function signingKey(secret: string, date: string, region: string, service: string): Buffer {
  const cacheKey = `${secret}\n${date}\n${region}\n${service}`;
  let key = signingKeys.get(cacheKey);
  if (!key) {
    const kDate = createHmac('sha256', `AWS4${secret}`).update(date).digest();
    const kRegion = createHmac('sha256', kDate).update(region).digest();
    const kService = createHmac('sha256', kRegion).update(service).digest();
    key = createHmac('sha256', kService).update('aws4_request').digest();
    if (signingKeys.size > 100) signingKeys.clear();
    signingKeys.set(cacheKey, key);
  }
  return key;
}

function sha256Hex(data: string | Buffer): string {
  return createHash('sha256').update(data).digest('hex');
}

function parseAmzDate(text: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  return m ? Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!) : Number.NaN;
}

function toAmzDate(ms: number): string {
  return new Date(ms)
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

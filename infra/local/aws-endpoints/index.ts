/**
 * AWS-compatible endpoints over the local runtime: EventBridge (AWS JSON 1.1, `AWSEvents.*`)
 * and SQS (AWS JSON 1.0, `AmazonSQS.*`), so an AWS SDK or the AWS CLI works against Alex with
 * only its endpoint changed. Every request must be SigV4-signed with a key pair the runtime
 * issued (keys.ts); the key decides what its publisher may put on the bus (events/provenance.ts).
 * Mount `handleFetch` beside other routes with `isAwsRequest`, or run `startAwsEndpointServer`.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { EventBridgeApi, type EventBridgeOptions } from './eventbridge.ts';
import type { KeyStore } from './keys.ts';
import { type EndpointRuntime, REGION } from './local-resources.ts';
import { SigV4Error, verifySigV4 } from './sigv4.ts';
import { SqsApi, sqsError } from './sqs.ts';
import { AwsError, type AwsRequest, type AwsResponse, errorResponse, jsonResponse, parseBody } from './wire.ts';

export type { EndpointRuntime } from './local-resources.ts';
export type { AwsRequest, AwsResponse } from './wire.ts';

/** Where `alex endpoints` listens unless told otherwise. */
export const DEFAULT_ENDPOINT_PORT = 4510;

const EVENTS = { prefix: 'AWSEvents.', contentType: 'application/x-amz-json-1.1', service: 'events' } as const;
const SQS = { prefix: 'AmazonSQS.', contentType: 'application/x-amz-json-1.0', service: 'sqs' } as const;

/** A request for these endpoints: POST with an `X-Amz-Target` of EventBridge or SQS. */
export function isAwsRequest(headers: Headers | Record<string, string | string[] | undefined>): boolean {
  const target = headers instanceof Headers ? headers.get('x-amz-target') : headers['x-amz-target'];
  return typeof target === 'string' && (target.startsWith(EVENTS.prefix) || target.startsWith(SQS.prefix));
}

export interface AwsEndpointsOptions extends EventBridgeOptions {
  runtime: EndpointRuntime;
  keys: KeyStore;
}

export class AwsEndpoints {
  readonly eventBridge: EventBridgeApi;
  private readonly sqs: SqsApi;
  private readonly closing = new AbortController();

  constructor(private readonly options: AwsEndpointsOptions) {
    this.eventBridge = new EventBridgeApi(options.runtime, options);
    this.sqs = new SqsApi(options.runtime);
  }

  /** Answers one request as the service would; never throws. */
  async handle(request: AwsRequest): Promise<AwsResponse> {
    const requestId = randomUUID();
    const target = request.headers['x-amz-target'] ?? '';
    const api = target.startsWith(EVENTS.prefix) ? EVENTS : target.startsWith(SQS.prefix) ? SQS : undefined;
    const contentType = api?.contentType ?? EVENTS.contentType;
    const type = (name: string) => (api === SQS ? `com.amazonaws.sqs#${name}` : name);
    try {
      if (!api || request.method !== 'POST') {
        throw new AwsError('UnknownOperationException', `Unknown operation ${target || '(no X-Amz-Target)'}.`);
      }
      const signer = this.authenticate(request, api.service, type);
      const operation = target.slice(api.prefix.length);
      const input = parseBody(request.body, type);
      const host = request.headers.host ?? '127.0.0.1';
      if (api === EVENTS) {
        const run = this.eventBridge.operations[operation];
        if (!run) throw unknownOperation(type, operation);
        const publisher = this.options.keys.publisherOf(signer)!;
        return jsonResponse(contentType, await run(input, publisher), requestId);
      }
      const run = this.sqs.operations[operation];
      if (!run) throw unknownOperation(type, operation);
      return jsonResponse(
        contentType,
        await run(input, { host, signal: this.closing.signal, sender: signer }),
        requestId,
      );
    } catch (error) {
      if (error instanceof AwsError) return errorResponse(contentType, error, requestId);
      const message = error instanceof Error ? error.message : String(error);
      return errorResponse(
        contentType,
        new AwsError(type('InternalFailure'), `Internal error: ${message}`, 500),
        requestId,
      );
    }
  }

  private authenticate(request: AwsRequest, service: string, type: (name: string) => string): string {
    try {
      return verifySigV4(request, { secretOf: (id) => this.options.keys.secretOf(id), region: REGION, service })
        .accessKeyId;
    } catch (error) {
      if (!(error instanceof SigV4Error)) throw error;
      throw authError(error, service, type);
    }
  }

  /** For a fetch-style router (Hono): `app.all('*', (c, next) => isAwsRequest(...) ? endpoints.handleFetch(c.req.raw) : next())`. */
  async handleFetch(request: Request): Promise<Response> {
    const url = new URL(request.url);
    const headers: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    headers.host ??= url.host;
    const response = await this.handle({
      method: request.method,
      path: url.pathname,
      query: url.search.slice(1),
      headers,
      body: Buffer.from(await request.arrayBuffer()),
    });
    return new Response(response.body, { status: response.status, headers: response.headers });
  }

  /** For node:http: `createServer((req, res) => endpoints.handleNode(req, res))`. */
  handleNode(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const url = req.url ?? '/';
      const at = url.indexOf('?');
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(req.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      void this.handle({
        method: req.method ?? 'GET',
        path: at < 0 ? url : url.slice(0, at),
        query: at < 0 ? '' : url.slice(at + 1),
        headers,
        body: Buffer.concat(chunks),
      }).then((response) => {
        res.writeHead(response.status, { ...response.headers, 'content-length': Buffer.byteLength(response.body) });
        res.end(response.body);
      });
    });
  }

  /** Ends long polls and stops running replays. */
  close(): void {
    this.closing.abort();
    this.eventBridge.replays.close();
  }
}

function unknownOperation(type: (name: string) => string, operation: string): AwsError {
  return new AwsError(type('UnknownOperationException'), `Unknown operation ${operation}.`);
}

/** The error each service gives for a signature problem (SQS's with its query code too). */
function authError(error: SigV4Error, service: string, type: (name: string) => string): AwsError {
  if (service === 'sqs') {
    const query = {
      MissingAuthenticationToken: 'MissingAuthenticationToken',
      IncompleteSignature: 'IncompleteSignature',
      UnrecognizedClient: 'InvalidClientTokenId',
      InvalidSignature: 'SignatureDoesNotMatch',
      SignatureExpired: 'SignatureDoesNotMatch',
    }[error.failure];
    return sqsError(query, error.message, query, 403);
  }
  const shape = {
    MissingAuthenticationToken: 'MissingAuthenticationTokenException',
    IncompleteSignature: 'IncompleteSignatureException',
    UnrecognizedClient: 'UnrecognizedClientException',
    InvalidSignature: 'InvalidSignatureException',
    SignatureExpired: 'InvalidSignatureException',
  }[error.failure];
  return new AwsError(type(shape), error.message, error.failure === 'MissingAuthenticationToken' ? 403 : 400);
}

export interface AwsEndpointServer {
  /** http://127.0.0.1:<port> */
  url: string;
  endpoints: AwsEndpoints;
  close(): Promise<void>;
}

/** The endpoints on their own port; 127.0.0.1 unless told otherwise. */
export async function startAwsEndpointServer(
  options: AwsEndpointsOptions & { port?: number; host?: string },
): Promise<AwsEndpointServer> {
  const endpoints = new AwsEndpoints(options);
  const server: Server = createServer((req, res) => endpoints.handleNode(req, res));
  const host = options.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    endpoints,
    async close() {
      endpoints.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

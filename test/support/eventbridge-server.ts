/**
 * A loopback stand-in for the EventBridge PutEvents API, so adapter tests run the real
 * @aws-sdk/client-eventbridge over HTTP. It speaks what the SDK speaks (awsJson1_1: POST /,
 * X-Amz-Target: AWSEvents.PutEvents, Content-Type: application/x-amz-json-1.1, SigV4 signed),
 * answers like the service (one result per entry, in order: EventId, or ErrorCode and
 * ErrorMessage; FailedEntryCount), records every request, and can be told to refuse entries.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { listen, loopbackClientConfig, shutDown } from './loopback.ts';

/** A PutEvents request entry as it travels on the wire (Time in epoch seconds). */
export interface WireEntry {
  Time?: number;
  Source?: string;
  Resources?: string[];
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  TraceHeader?: string;
}

export interface RecordedRequest {
  headers: IncomingHttpHeaders;
  body: { Entries: WireEntry[]; EndpointId?: string };
}

export interface EntryRefusal {
  code: string;
  message: string;
}

/**
 * Decides whether to refuse an entry. `attempt` counts how many times an entry with this same
 * Source, DetailType and Detail has arrived, this one included, so a rule can say
 * "refuse it the first time only".
 */
export type RefusalRule = (entry: WireEntry, attempt: number) => EntryRefusal | undefined;

export interface FakeEventBridge {
  /** http://127.0.0.1:<port>, for the client's endpoint. */
  readonly endpoint: string;
  /** Every PutEvents request, in arrival order. */
  readonly requests: RecordedRequest[];
  /** Entries that were given an EventId, in order. */
  readonly accepted: WireEntry[];
  refuse(rule: RefusalRule | undefined): void;
  /** Forgets requests, accepted entries, arrival counts and the refusal rule. */
  reset(): void;
  /** A real SDK client pointed at this server, with fake static credentials. */
  client(): EventBridgeClient;
  close(): Promise<void>;
}

const JSON_1_1 = 'application/x-amz-json-1.1';
const MAX_ENTRIES = 10;
const MAX_TOTAL_BYTES = 262_144;

export async function startFakeEventBridge(): Promise<FakeEventBridge> {
  const requests: RecordedRequest[] = [];
  const accepted: WireEntry[] = [];
  const arrivals = new Map<string, number>();
  const clients: EventBridgeClient[] = [];
  let rule: RefusalRule | undefined;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const target = req.headers['x-amz-target'];
      if (req.method !== 'POST' || req.url !== '/' || target !== 'AWSEvents.PutEvents') {
        return sendError(
          res,
          400,
          'UnknownOperationException',
          `unsupported ${req.method} ${req.url} target ${target}`,
        );
      }
      if (req.headers['content-type'] !== JSON_1_1) {
        return sendError(res, 400, 'SerializationException', `expected Content-Type ${JSON_1_1}`);
      }
      if (!String(req.headers.authorization ?? '').startsWith('AWS4-HMAC-SHA256 ')) {
        return sendError(res, 400, 'MissingAuthenticationTokenException', 'request is not SigV4 signed');
      }
      let body: RecordedRequest['body'];
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return sendError(res, 400, 'SerializationException', 'body is not JSON');
      }
      requests.push({ headers: req.headers, body });
      const entries = body.Entries;
      if (!Array.isArray(entries) || entries.length < 1 || entries.length > MAX_ENTRIES) {
        return sendError(res, 400, 'ValidationException', `Entries must hold 1 to ${MAX_ENTRIES} entries`);
      }
      if (entries.reduce((total, entry) => total + wireSize(entry), 0) > MAX_TOTAL_BYTES) {
        return sendError(
          res,
          400,
          'ValidationException',
          'Total size of the entries in the request is over the limit.',
        );
      }
      const results = entries.map((entry) => {
        const key = JSON.stringify([entry.Source, entry.DetailType, entry.Detail]);
        const attempt = (arrivals.get(key) ?? 0) + 1;
        arrivals.set(key, attempt);
        const refusal = validate(entry) ?? rule?.(entry, attempt);
        if (refusal) return { ErrorCode: refusal.code, ErrorMessage: refusal.message };
        accepted.push(entry);
        return { EventId: randomUUID() };
      });
      const failed = results.filter((result) => 'ErrorCode' in result).length;
      send(res, 200, { FailedEntryCount: failed, Entries: results });
    });
  });

  const endpoint = await listen(server);

  return {
    endpoint,
    requests,
    accepted,
    refuse(next) {
      rule = next;
    },
    reset() {
      requests.length = 0;
      accepted.length = 0;
      arrivals.clear();
      rule = undefined;
    },
    client() {
      const client = new EventBridgeClient(loopbackClientConfig(endpoint));
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.destroy();
      await shutDown(server);
    },
  };
}

/** The per-entry checks the service makes before it accepts an event. */
function validate(entry: WireEntry): EntryRefusal | undefined {
  for (const field of ['Source', 'DetailType', 'Detail'] as const) {
    if (typeof entry[field] !== 'string' || entry[field] === '') {
      return {
        code: 'InvalidArgument',
        message: `Parameter ${field} is not valid. Reason: ${field} is a required argument.`,
      };
    }
  }
  try {
    const detail: unknown = JSON.parse(entry.Detail!);
    if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) throw new Error('not an object');
  } catch {
    return { code: 'MalformedDetail', message: 'Detail is malformed.' };
  }
  return undefined;
}

function wireSize(entry: WireEntry): number {
  const utf8 = (text: string | undefined) => (text === undefined ? 0 : Buffer.byteLength(text, 'utf8'));
  return (
    (entry.Time === undefined ? 0 : 14) +
    utf8(entry.Source) +
    utf8(entry.DetailType) +
    utf8(entry.Detail) +
    (entry.Resources ?? []).reduce((total, resource) => total + utf8(resource), 0)
  );
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': JSON_1_1, 'x-amzn-requestid': randomUUID() });
  res.end(JSON.stringify(body));
}

function sendError(res: ServerResponse, status: number, type: string, message: string): void {
  send(res, status, { __type: type, message });
}

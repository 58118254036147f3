/**
 * A loopback OTLP/HTTP traces receiver: accepts POST <any path ending in /v1/traces> with an
 * OTLP JSON body (ExportTraceServiceRequest, as the OTLP/HTTP JSON encoding defines it: hex ids,
 * attributes as key/AnyValue pairs), keeps every request's path and headers, and flattens the
 * spans so a test can follow parents, links and attributes.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { listen, shutDown } from './loopback.ts';

export type AttributeValue = string | number | boolean | AttributeValue[];

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  /** The resource's service.name. */
  service: string;
  attributes: Record<string, AttributeValue>;
  links: Array<{ traceId: string; spanId: string; attributes: Record<string, AttributeValue> }>;
  startNs: bigint;
  endNs: bigint;
}

export interface OtlpReceiver {
  url: string;
  requests: Array<{ path: string; headers: IncomingHttpHeaders; contentType: string }>;
  spans: ReceivedSpan[];
  close(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const requests: OtlpReceiver['requests'] = [];
  const spans: ReceivedSpan[] = [];
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const contentType = req.headers['content-type'] ?? '';
    requests.push({ path: req.url ?? '', headers: req.headers, contentType });
    if (req.method !== 'POST' || !req.url?.endsWith('/v1/traces') || !contentType.startsWith('application/json')) {
      res.writeHead(415, { 'content-type': 'application/json' }).end('{}');
      return;
    }
    spans.push(...decode(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  const url = await listen(server);
  return { url, requests, spans, close: () => shutDown(server) };
}

type AnyValue = {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
};
type KeyValue = { key: string; value: AnyValue };

function value(v: AnyValue): AttributeValue {
  if (v.stringValue !== undefined) return v.stringValue;
  if (v.boolValue !== undefined) return v.boolValue;
  if (v.intValue !== undefined) return Number(v.intValue);
  if (v.doubleValue !== undefined) return v.doubleValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(value);
  throw new Error(`an OTLP AnyValue this receiver does not know: ${JSON.stringify(v)}`);
}

function attributes(list: KeyValue[] | undefined): Record<string, AttributeValue> {
  return Object.fromEntries((list ?? []).map(({ key, value: v }) => [key, value(v)]));
}

function decode(body: any): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const resourceSpans of body.resourceSpans ?? []) {
    const service = String(attributes(resourceSpans.resource?.attributes)['service.name'] ?? '');
    for (const scopeSpans of resourceSpans.scopeSpans ?? []) {
      for (const span of scopeSpans.spans ?? []) {
        out.push({
          traceId: span.traceId,
          spanId: span.spanId,
          ...(span.parentSpanId ? { parentSpanId: span.parentSpanId } : {}),
          name: span.name,
          kind: span.kind,
          service,
          attributes: attributes(span.attributes),
          links: (span.links ?? []).map((link: { traceId: string; spanId: string; attributes?: KeyValue[] }) => ({
            traceId: link.traceId,
            spanId: link.spanId,
            attributes: attributes(link.attributes),
          })),
          startNs: BigInt(span.startTimeUnixNano),
          endNs: BigInt(span.endTimeUnixNano),
        });
      }
    }
  }
  return out;
}

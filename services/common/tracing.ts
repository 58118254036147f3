/**
 * Tracing through the choreography, with only `@opentelemetry/api` (a no-op until a provider is
 * registered: infra/telemetry/setup.ts does that when export is configured, so nothing here costs
 * more than a function call when tracing is off). A publisher writes its span's W3C trace context
 * into the detail's `metadata`; a consumer's span is the child of that context (one trace per
 * job) and also links to it, as OpenTelemetry advises for messages handled in batches. A replayed
 * event starts a new trace linked to the original, so a replay never rewrites the job's history.
 */
import {
  type Attributes,
  type Context,
  context,
  type Link,
  propagation,
  ROOT_CONTEXT,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';

export interface TraceMetadata {
  traceparent?: string;
  tracestate?: string;
}

let enabled = false;

/** Set by the telemetry setup once a provider and propagator are registered. */
export function setTracingEnabled(on: boolean): void {
  enabled = on;
}

export function tracingEnabled(): boolean {
  return enabled;
}

let batchTelemetry: Promise<{ flush(): Promise<void> } | undefined> | undefined;

/**
 * On Lambda: each batch waits until tracing has started (it starts asynchronously, at init) and
 * flushes its spans before returning, since a frozen execution environment exports nothing.
 */
export function exportAfterEachBatch(telemetry: Promise<{ flush(): Promise<void> } | undefined>): void {
  batchTelemetry = telemetry;
}

/** Runs one batch, then exports its spans when a function asked for it (exportAfterEachBatch). */
export async function withBatchExport<T>(fn: () => Promise<T>): Promise<T> {
  const telemetry = await batchTelemetry;
  try {
    return await fn();
  } finally {
    await telemetry?.flush().catch(() => undefined);
  }
}

/** The tracer of one service: its spans carry the service's name as their resource. */
export function tracerOf(service: string) {
  return trace.getTracer(`alex-${service}`);
}

/** The active span's context as event metadata; empty when tracing is off or no span is active. */
export function traceMetadata(): TraceMetadata {
  if (!enabled) return {};
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  const metadata: TraceMetadata = {};
  if (carrier.traceparent) metadata.traceparent = carrier.traceparent;
  if (carrier.tracestate) metadata.tracestate = carrier.tracestate;
  return metadata;
}

/** `{ metadata }` for a detail when a span is active, else nothing: spread it into a detail. */
export function traceFields(): { metadata?: TraceMetadata } {
  const metadata = traceMetadata();
  return metadata.traceparent ? { metadata } : {};
}

/** The trace context a traceparent names, or undefined for none (or a malformed one). */
export function contextOf(metadata: TraceMetadata | undefined): Context | undefined {
  if (!metadata?.traceparent) return undefined;
  const extracted = propagation.extract(ROOT_CONTEXT, metadata);
  return trace.getSpanContext(extracted) ? extracted : undefined;
}

/** What a consumer knows about a message before it parses it (read cheaply from the body). */
export interface ConsumedMessage {
  /** The publisher's trace context, from the detail's metadata. */
  metadata?: TraceMetadata;
  /** Set on an event delivered by a replay: its trace is the original's, and a new one starts. */
  replayName?: string;
  jobId?: string;
  detailType?: string;
}

/**
 * Runs `fn` in a CONSUMER span of `service` for one message: the child of the publisher's span
 * and linked to it; for a replayed event, the root of a new trace with a link to the original.
 */
export async function inConsumerSpan<T>(service: string, message: ConsumedMessage, fn: () => Promise<T>): Promise<T> {
  if (!enabled) return fn();
  const producer = contextOf(message.metadata);
  const producerSpan = producer ? trace.getSpanContext(producer) : undefined;
  const links: Link[] = producerSpan ? [{ context: producerSpan, attributes: linkAttributes(message) }] : [];
  const parent = producer && message.replayName === undefined ? producer : ROOT_CONTEXT;
  const attributes: Attributes = {
    'messaging.system': 'aws_sqs',
    'messaging.operation.type': 'process',
    ...(message.jobId ? { 'alex.job_id': message.jobId } : {}),
    ...(message.detailType ? { 'alex.detail_type': message.detailType } : {}),
    ...(message.replayName ? { 'alex.replay_name': message.replayName } : {}),
  };
  const name = `${service} process ${message.detailType ?? 'message'}`;
  return tracerOf(service).startActiveSpan(name, { kind: SpanKind.CONSUMER, links, attributes }, parent, (span) =>
    ended(span, fn),
  );
}

function linkAttributes(message: ConsumedMessage): Attributes {
  return message.replayName ? { 'alex.link': 'replayed-from' } : { 'alex.link': 'published-by' };
}

/** Runs `fn` in an INTERNAL or SERVER span of `service` under the active context. */
export async function inSpan<T>(
  service: string,
  name: string,
  options: { kind?: SpanKind; attributes?: Attributes },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  if (!enabled) return fn(trace.wrapSpanContext(INVALID));
  return tracerOf(service).startActiveSpan(name, options, (span) => ended(span, () => fn(span)));
}

const INVALID = { traceId: '0'.repeat(32), spanId: '0'.repeat(16), traceFlags: 0 };

/** Ends the span when `fn` settles, recording a failure as the span's error status. */
async function ended<T>(span: Span, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
    throw error;
  } finally {
    span.end();
  }
}

const TRACEPARENT = /"traceparent"\s*:\s*"([0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2})"/;
const TRACESTATE = /"tracestate"\s*:\s*"([^"\\]{0,512})"/;
const REPLAY_NAME = /"replay-name"\s*:\s*"([^"\\]{1,256})"/;
const DETAIL_TYPE = /"detail-type"\s*:\s*"([A-Za-z]{1,64})"/;

/**
 * The trace context and replay name of an SQS body, found without parsing it (the handler parses
 * and validates it afterwards; a forged traceparent can only mislabel a trace, never an effect).
 */
export function consumedMessage(body: string, jobId: string | undefined): ConsumedMessage {
  const traceparent = TRACEPARENT.exec(body)?.[1];
  const tracestate = TRACESTATE.exec(body)?.[1];
  const replayName = REPLAY_NAME.exec(body)?.[1];
  const detailType = DETAIL_TYPE.exec(body)?.[1];
  return {
    ...(traceparent ? { metadata: { traceparent, ...(tracestate ? { tracestate } : {}) } } : {}),
    ...(replayName ? { replayName } : {}),
    ...(jobId ? { jobId } : {}),
    ...(detailType ? { detailType } : {}),
  };
}

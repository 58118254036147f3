/**
 * One trace per job, exported over OTLP/HTTP to a loopback receiver: the API request, the
 * planner, the tagger, every specialist and the aggregator share the job's trace id, each
 * handler's span is the child of (and links to) the span that published its event, and the
 * traceparent travels in every event's detail metadata.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadOrCreateSigningKey, signLocalToken } from '#infra/api/local-issuer.ts';
import { type ApiServer, startApiServer } from '#infra/api/server.ts';
import { replayAndSettle } from '#infra/local/replay.ts';
import type { LocalRuntime } from '#infra/local/runtime.ts';
import { type ReceivedSpan, startOtlpReceiver } from '../../../support/otlp-receiver.ts';
import { eventsOf, isJobEnd, startWithExample } from '../../support.ts';

// OTLP's SpanKind numbers (trace.proto): not the API's, which start at 0.
const SERVER = 2;
const CONSUMER = 5;

const replayed = (span: ReceivedSpan) => span.attributes['alex.replay_name'] !== undefined;

describe('tracing with OTEL_EXPORTER_OTLP_ENDPOINT set', () => {
  let home: string;
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;
  let runtime: LocalRuntime;
  let api: ApiServer;
  let jobId: string;
  let spans: ReceivedSpan[];
  let events: ReturnType<typeof eventsOf>;
  let replay: Awaited<ReturnType<typeof replayAndSettle>>;

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'alex-trace-'));
    receiver = await startOtlpReceiver();
    vi.stubEnv('OTEL_EXPORTER_OTLP_ENDPOINT', receiver.url);
    vi.stubEnv('OTEL_EXPORTER_OTLP_HEADERS', 'x-backend-token=otlp-secret');
    const started = await startWithExample({ home, workers: true });
    runtime = started.runtime;
    const { portfolio } = started;
    api = await startApiServer({ runtime, home, port: 0 });
    const token = await signLocalToken(await loadOrCreateSigningKey(home), { userId: portfolio.user.id });
    const ended = runtime.waitForEvent((e) => e['detail-type'] === 'AnalysisCompleted', 60_000);
    const response = await fetch(`${api.url}/v1/analyses`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(202);
    jobId = ((await response.json()) as { jobId: string }).jobId;
    await ended;
    expect(runtime.archive.read().some(isJobEnd(jobId))).toBe(true);
    events = eventsOf(runtime, jobId);
    replay = await replayAndSettle(runtime, { service: 'charter' });
    await api.close();
    await runtime.close(); // flushes every thread's spans
    spans = receiver.spans;
  }, 120_000);

  afterAll(async () => {
    vi.unstubAllEnvs();
    await receiver?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('posts OTLP JSON to <endpoint>/v1/traces with the headers of OTEL_EXPORTER_OTLP_HEADERS', () => {
    expect(receiver.requests.length).toBeGreaterThan(0);
    for (const request of receiver.requests) {
      expect(request.path).toBe('/v1/traces');
      expect(request.headers['x-backend-token']).toBe('otlp-secret');
    }
  });

  it('puts a traceparent in the metadata of every event of the job, all of one trace', () => {
    const traceIds = new Set(
      events.map((event) => {
        const traceparent = (event.detail as { metadata?: { traceparent?: string } }).metadata?.traceparent;
        expect(traceparent, event['detail-type']).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
        return traceparent!.split('-')[1];
      }),
    );
    expect(traceIds.size).toBe(1);
  });

  it('shares one trace id across the API, planner, tagger, each specialist and the aggregator', () => {
    const api = spans.find((span) => span.service === 'alex-api' && span.name === 'POST /v1/analyses');
    expect(api?.kind).toBe(SERVER);
    const jobTrace = spans.filter((span) => span.traceId === api!.traceId);
    const services = new Set(jobTrace.map((span) => span.service));
    for (const service of ['api', 'planner', 'tagger', 'reporter', 'charter', 'retirement', 'aggregator']) {
      expect(services, service).toContain(`alex-${service}`);
    }
    // Nothing about this job went to another trace, but for the replay (next test).
    const elsewhere = spans.filter(
      (span) => span.attributes['alex.job_id'] === jobId && span.traceId !== api!.traceId && !replayed(span),
    );
    expect(elsewhere).toEqual([]);
  });

  it("makes each handler's span the child of the publisher's span and links it", () => {
    const byId = new Map(spans.map((span) => [span.spanId, span]));
    const consumers = spans.filter(
      (span) => span.kind === CONSUMER && span.attributes['alex.job_id'] === jobId && !replayed(span),
    );
    // Who publishes what reaches each consumer, from the choreography (DESIGN.md), not from the spans.
    const publisherOf: Record<string, string[]> = {
      AnalysisRequested: ['alex-api'],
      ClassificationRequested: ['alex-planner'],
      InstrumentsClassified: ['alex-tagger'],
      AnalysisPlanned: ['alex-planner'],
      SpecialistCompleted: ['alex-reporter', 'alex-charter', 'alex-retirement'],
      AnalysisDeadlineReached: ['alex-planner'],
    };
    expect(consumers.length).toBeGreaterThanOrEqual(7);
    for (const consumer of consumers) {
      const parent = byId.get(consumer.parentSpanId ?? '');
      expect(parent, consumer.name).toBeDefined();
      expect(consumer.links).toHaveLength(1);
      expect(consumer.links[0]).toMatchObject({ traceId: consumer.traceId, spanId: consumer.parentSpanId });
      const detailType = String(consumer.attributes['alex.detail_type'] ?? 'AnalysisRequested');
      // The publishing span is the parent's service's own (its handler span or the API request).
      expect(publisherOf[detailType], `${consumer.name} <- ${parent!.name}`).toContain(parent!.service);
    }
  });

  it('starts a new trace for a replayed event, linked to the span that first published it', () => {
    const planned = events.find((event) => event['detail-type'] === 'AnalysisPlanned')!;
    const original = (planned.detail as { metadata: { traceparent: string } }).metadata.traceparent.split('-');
    const replayed = spans.filter(
      (span) => span.attributes['alex.replay_name'] === replay.replayName && span.attributes['alex.job_id'] === jobId,
    );
    expect(replayed).toHaveLength(1);
    const [span] = replayed;
    expect(span!.service).toBe('alex-charter');
    expect(span!.traceId).not.toBe(original[1]);
    expect(span!.parentSpanId).toBeUndefined();
    expect(span!.links).toEqual([
      { traceId: original[1], spanId: original[2], attributes: { 'alex.link': 'replayed-from' } },
    ]);
  });
});

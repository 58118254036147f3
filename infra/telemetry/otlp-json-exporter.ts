/**
 * A span exporter posting OTLP/HTTP JSON to one fixed target (LangFuse). Not the standard OTLP
 * exporter, because that one merges OTEL_EXPORTER_OTLP_HEADERS into every request: the token
 * meant for the operator's OTLP backend would be sent to LangFuse too. Batching and retries of
 * whole batches are the BatchSpanProcessor's; a failed post is reported, never thrown.
 */
import { type ExportResult, ExportResultCode } from '@opentelemetry/core';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { OtlpTarget } from './config.ts';

const TIMEOUT_MS = 10_000;

export class OtlpJsonExporter implements SpanExporter {
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly target: OtlpTarget) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const body = JsonTraceSerializer.serializeRequest(spans);
    if (!body) return done({ code: ExportResultCode.FAILED, error: new Error('spans could not be serialized') });
    const sent = fetch(this.target.url, {
      method: 'POST',
      headers: { ...this.target.headers, 'Content-Type': 'application/json' },
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
    }).then(
      async (response) => {
        await response.arrayBuffer();
        if (response.ok) done({ code: ExportResultCode.SUCCESS });
        else
          done({ code: ExportResultCode.FAILED, error: new Error(`${this.target.url} answered ${response.status}`) });
      },
      (error: unknown) => done({ code: ExportResultCode.FAILED, error: error as Error }),
    );
    this.pending.add(sent);
    void sent.finally(() => this.pending.delete(sent));
  }

  async forceFlush(): Promise<void> {
    await Promise.all(this.pending);
  }

  async shutdown(): Promise<void> {
    await this.forceFlush();
  }
}

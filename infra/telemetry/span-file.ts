/**
 * Finished spans kept in the local state folder, one JSON line each, for `alex trace` and
 * `alex watch`. Lines are appended whole (one write per batch), so the runtime's main thread
 * and its worker threads can share the file; a reader skips a line it cannot parse.
 */
import { appendFile } from 'node:fs/promises';
import { type ExportResult, ExportResultCode, hrTimeToMilliseconds } from '@opentelemetry/core';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { StoredSpan } from './stored-span.ts';

export class SpanFileExporter implements SpanExporter {
  private writing: Promise<void> = Promise.resolve();

  constructor(private readonly file: string) {}

  export(spans: ReadableSpan[], done: (result: ExportResult) => void): void {
    const text = spans.map((span) => `${JSON.stringify(storedSpan(span))}\n`).join('');
    this.writing = this.writing.then(() =>
      appendFile(this.file, text).then(
        () => done({ code: ExportResultCode.SUCCESS }),
        (error: unknown) => done({ code: ExportResultCode.FAILED, error: error as Error }),
      ),
    );
  }

  async forceFlush(): Promise<void> {
    await this.writing;
  }

  async shutdown(): Promise<void> {
    await this.writing;
  }
}

function storedSpan(span: ReadableSpan): StoredSpan {
  const context = span.spanContext();
  return {
    traceId: context.traceId,
    spanId: context.spanId,
    ...(span.parentSpanContext ? { parentSpanId: span.parentSpanContext.spanId } : {}),
    name: span.name,
    service: String(span.resource.attributes['service.name'] ?? span.instrumentationScope.name),
    kind: span.kind,
    startMs: hrTimeToMilliseconds(span.startTime),
    endMs: hrTimeToMilliseconds(span.endTime),
    status: span.status.code === 2 ? 'error' : 'ok',
    attributes: Object.fromEntries(
      Object.entries(span.attributes).filter(([, value]) => typeof value !== 'object' || Array.isArray(value)),
    ) as StoredSpan['attributes'],
    links: span.links.map((link) => ({ traceId: link.context.traceId, spanId: link.context.spanId })),
  };
}

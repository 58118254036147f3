/**
 * A span as the local state folder keeps it (span-file.ts writes, `alex trace` and `alex watch`
 * read): flat JSON, millisecond times, only scalar or array attributes.
 */
import { readFile } from 'node:fs/promises';

export interface StoredSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  service: string;
  kind: number;
  startMs: number;
  endMs: number;
  status: 'ok' | 'error';
  attributes: Record<string, string | number | boolean | Array<string | number | boolean>>;
  links: Array<{ traceId: string; spanId: string }>;
}

/** The file's spans; a missing file is no spans, and a torn last line is skipped. */
export async function readStoredSpans(file: string): Promise<StoredSpan[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const spans: StoredSpan[] = [];
  for (const line of text.split('\n')) {
    if (line.length === 0) continue;
    try {
      spans.push(JSON.parse(line) as StoredSpan);
    } catch {
      // A line still being written by another thread; the next read sees it whole.
    }
  }
  return spans;
}

/** Every span of the traces a job's spans belong to (a replay's trace included), in start order. */
export function spansOfJob(spans: readonly StoredSpan[], jobId: string): StoredSpan[] {
  const traces = new Set(spans.filter((span) => span.attributes['alex.job_id'] === jobId).map((span) => span.traceId));
  return spans.filter((span) => traces.has(span.traceId)).sort((a, b) => a.startMs - b.startMs);
}

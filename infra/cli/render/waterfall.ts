/**
 * A job's spans as a waterfall: one line per span, indented under its parent, with a bar placed
 * on the job's time line. Spans whose parent is not among them (a trace's root, a replay's new
 * trace) start at the left margin; traces are shown one after another, the job's first.
 */
import type { StoredSpan } from '../../telemetry/stored-span.ts';

const BAR_WIDTH = 40;

export function waterfallLines(spans: readonly StoredSpan[]): string[] {
  if (spans.length === 0) return [];
  const start = Math.min(...spans.map((span) => span.startMs));
  const end = Math.max(...spans.map((span) => span.endMs));
  const scale = BAR_WIDTH / Math.max(1, end - start);
  const ids = new Set(spans.map((span) => span.spanId));
  const children = new Map<string, StoredSpan[]>();
  const roots: StoredSpan[] = [];
  for (const span of [...spans].sort((a, b) => a.startMs - b.startMs)) {
    if (span.parentSpanId && ids.has(span.parentSpanId)) {
      children.set(span.parentSpanId, [...(children.get(span.parentSpanId) ?? []), span]);
    } else roots.push(span);
  }
  const lines: string[] = [];
  let trace = '';
  const visit = (span: StoredSpan, depth: number) => {
    const offset = Math.round((span.startMs - start) * scale);
    const width = Math.max(1, Math.round((span.endMs - span.startMs) * scale));
    const bar = `${' '.repeat(Math.min(offset, BAR_WIDTH - 1))}${'█'.repeat(Math.min(width, BAR_WIDTH - Math.min(offset, BAR_WIDTH - 1)))}`;
    const label = `${'  '.repeat(depth)}${span.service.replace(/^alex-/, '')}: ${span.name}`;
    const took = `${Math.round(span.endMs - span.startMs)} ms`;
    const at = `+${Math.round(span.startMs - start)} ms`;
    lines.push(
      `${at.padStart(9)}  ${bar.padEnd(BAR_WIDTH)}  ${took.padStart(8)}  ${label}${span.status === 'error' ? '  (error)' : ''}${modelNote(span)}`,
    );
    for (const child of children.get(span.spanId) ?? []) visit(child, depth + 1);
  };
  for (const root of roots) {
    if (root.traceId !== trace) {
      trace = root.traceId;
      const linked =
        root.links[0] && root.links[0].traceId !== trace ? `, linked to trace ${root.links[0].traceId}` : '';
      lines.push(`trace ${trace}${linked}`);
    }
    visit(root, 0);
  }
  return lines;
}

/** A model call's model and tokens, after its name. */
function modelNote(span: StoredSpan): string {
  const input = span.attributes['gen_ai.usage.input_tokens'];
  if (input === undefined) return '';
  return `  [${span.attributes['gen_ai.response.model'] ?? span.attributes['gen_ai.request.model']}, ${input} in / ${span.attributes['gen_ai.usage.output_tokens'] ?? 0} out tokens]`;
}

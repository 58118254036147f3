/**
 * `alex watch` screens: the whole view as lines (redrawn in place on a terminal), and for a pipe
 * or a file only the changes, one plain line each, so a log of a run reads top to bottom.
 */
import { type JobView, jobEnded, type LaneState } from '../../local/job-watch.ts';

export function laneText(state: LaneState): string {
  switch (state.kind) {
    case 'idle':
      return '-';
    case 'queued':
      return 'queued';
    case 'in-flight':
      return 'in flight';
    case 'retrying':
      return `retrying ${state.attempt} of ${state.of}${state.lastError ? ` (last error: ${state.lastError})` : ''}`;
    case 'failed':
      return `failed: ${state.reason}`;
    case 'dead-lettered':
      return `dead-lettered: ${state.reason}`;
    case 'done':
      return 'done';
  }
}

function countdown(deadline: string | undefined, now: number): string {
  if (!deadline) return 'not planned yet';
  const seconds = Math.round((Date.parse(deadline) - now) / 1000);
  if (seconds <= 0) return 'deadline passed';
  return `deadline in ${Math.floor(seconds / 60)}m ${String(seconds % 60).padStart(2, '0')}s`;
}

export function watchScreen(view: JobView, now: number): string[] {
  const lines = [
    `alex watch  job ${view.jobId}  ${view.status}${jobEnded(view.status) ? '' : `  ${countdown(view.deadline, now)}`}`,
    `trace ${view.traceId ?? '(tracing off: set ALEX_TRACE=1 or OTEL_EXPORTER_OTLP_ENDPOINT)'}`,
    '',
  ];
  for (const { service, state } of view.lanes) lines.push(`  ${service.padEnd(11)} ${laneText(state)}`);
  lines.push(`  ${'waiting for'.padEnd(11)} ${view.waitingFor.length > 0 ? view.waitingFor.join(', ') : '-'}`);
  lines.push('', 'queues');
  for (const queue of view.queues.filter((q) => q.depth > 0 || !q.name.endsWith('-dlq'))) {
    const age = queue.depth > 0 ? `  oldest ${(queue.oldestAgeMs / 1000).toFixed(1)} s` : '';
    lines.push(`  ${queue.name.padEnd(22)} ${String(queue.depth).padStart(4)}${age}`);
  }
  lines.push('', 'model calls');
  for (const call of view.modelCalls) {
    lines.push(
      `  ${call.service.padEnd(11)} ${call.purpose.padEnd(20)} ${call.model.padEnd(24)} ` +
        `${call.inputTokens ?? '?'} in / ${call.outputTokens ?? '?'} out  ${call.latencyMs} ms`,
    );
  }
  if (view.modelCalls.length === 0) lines.push('  (none yet)');
  return lines;
}

/** What changed since the last view, as plain lines (lanes, the job's status, new model calls). */
export function changeLines(previous: JobView | undefined, view: JobView, elapsedMs: number): string[] {
  const at = `+${elapsedMs} ms`.padStart(10);
  const lines: string[] = [];
  if (!previous) lines.push(`${at}  job ${view.jobId}${view.traceId ? `  trace ${view.traceId}` : ''}`);
  else if (!previous.traceId && view.traceId) lines.push(`${at}  trace ${view.traceId}`);
  for (const { service, state } of view.lanes) {
    const before = previous?.lanes.find((lane) => lane.service === service)?.state;
    const text = laneText(state);
    if ((before ? laneText(before) : '-') !== text) lines.push(`${at}  ${service.padEnd(11)} ${text}`);
  }
  for (const call of view.modelCalls.slice(previous?.modelCalls.length ?? 0)) {
    lines.push(
      `${at}  ${call.service.padEnd(11)} model ${call.model} ${call.purpose}: ` +
        `${call.inputTokens ?? '?'} in / ${call.outputTokens ?? '?'} out tokens, ${call.latencyMs} ms`,
    );
  }
  // Every step of the job's course is a line, the first view's too (a job seen while still queued says so).
  if (previous?.status !== view.status) lines.push(`${at}  job ${view.status}`);
  return lines;
}

/**
 * What `alex watch` shows of one job, read from a home's files while another process (`alex
 * serve`, `alex analyze`) owns it: the jobs queue holds the AnalysisRequested message from the
 * moment the job is sent (queued, then planning), the archive says what each service announced,
 * the queue snapshot and journal say what is queued, in flight, retried or dead-lettered, and the
 * span file (when tracing is on) adds the model calls. Pure reading: nothing is locked or written.
 */
import { readFileSync } from 'node:fs';
import type { EventEnvelope } from '#events/envelope.ts';
import { jobIdIn } from '#services/common/batch-handler.ts';
import { SERVICE_REGISTRY } from '#services/index.ts';
import { readStoredSpans } from '../telemetry/stored-span.ts';
import { statePaths } from './home.ts';
import { loadQueueState } from './queue-journal.ts';

/** SQS's maxReceiveCount for every Alex queue locally (queue.ts): the n of "retrying k of n". */
export const MAX_RECEIVES = 3;

/** The queue `alex analyze`, the API and the schedules send AnalysisRequested to. */
const JOBS_QUEUE = 'alex-jobs';

export type LaneState =
  | { kind: 'idle' }
  | { kind: 'queued' }
  | { kind: 'in-flight' }
  | { kind: 'retrying'; attempt: number; of: number; lastError?: string }
  | { kind: 'failed'; reason: string }
  | { kind: 'dead-lettered'; reason: string }
  | { kind: 'done' };

export interface ModelCallView {
  service: string;
  model: string;
  purpose: string;
  inputTokens: number | null;
  outputTokens: number | null;
  latencyMs: number;
}

/**
 * A job's course: `queued` (its request waits in the jobs queue), `planning` (the planner holds
 * it), `running` (planned: the specialists work), then how it ended.
 */
export type JobStatus = 'queued' | 'planning' | 'running' | 'completed' | 'partial' | 'failed';

export function jobEnded(status: JobStatus): boolean {
  return status === 'completed' || status === 'partial' || status === 'failed';
}

export interface JobView {
  jobId: string;
  traceId?: string;
  status: JobStatus;
  lanes: Array<{ service: string; state: LaneState }>;
  /** Tasks the aggregator still waits for (planned, neither completed nor failed). */
  waitingFor: string[];
  deadline?: string;
  queues: Array<{ name: string; depth: number; oldestAgeMs: number }>;
  modelCalls: ModelCallView[];
}

/**
 * The newest job: a request still in the jobs queue (not planned yet, so not in the archive) when
 * it was sent after the archive's last job event, else that event's job; undefined when neither has one.
 */
export function newestJob(home: string): string | undefined {
  const events = readEvents(home);
  let newest: { jobId: string; at: number } | undefined;
  for (let index = events.length - 1; index >= 0 && !newest; index -= 1) {
    const jobId = (events[index]!.detail as { jobId?: string }).jobId;
    if (jobId) newest = { jobId, at: Date.parse(events[index]!.time) };
  }
  const { state } = loadQueueState(home, { repairTornTail: false });
  for (const message of state.get(JOBS_QUEUE)?.values() ?? []) {
    const jobId = jobIdIn(message.body);
    if (jobId && (!newest || message.sentAt > newest.at)) newest = { jobId, at: message.sentAt };
  }
  return newest?.jobId;
}

/** Archived events, skipping any line not yet whole. */
function readEvents(home: string, containing?: string): EventEnvelope[] {
  let text: string;
  try {
    text = readFileSync(statePaths(home).archive, 'utf8');
  } catch {
    return [];
  }
  const events: EventEnvelope[] = [];
  for (const line of text.split('\n')) {
    if (line.length === 0 || (containing && !line.includes(containing))) continue;
    try {
      events.push(JSON.parse(line) as EventEnvelope);
    } catch {
      // torn: the writer is mid-line
    }
  }
  return events;
}

export async function viewJob(home: string, jobId: string, now = Date.now()): Promise<JobView> {
  const events = readEvents(home, jobId).filter(
    (event) => (event.detail as { jobId?: string }).jobId === jobId && event['replay-name'] === undefined,
  );
  const of = (type: string) => events.filter((event) => event['detail-type'] === type);
  const detail = <T>(event: EventEnvelope | undefined) => event?.detail as T | undefined;
  const planned = detail<{ tasks: string[]; deadline: string }>(of('AnalysisPlanned')[0]);
  const finished = of('AnalysisCompleted')[0] ?? of('AnalysisFailed')[0];
  const { state } = loadQueueState(home, { repairTornTail: false });
  // The request itself: sent with SendMessage, it reaches the archive only through what the planner announces.
  const requests = [...(state.get(JOBS_QUEUE)?.values() ?? [])].filter((message) => jobIdIn(message.body) === jobId);
  const status: JobStatus = finished
    ? finished['detail-type'] === 'AnalysisFailed'
      ? 'failed'
      : ((finished.detail as { status: 'completed' | 'partial' }).status ?? 'completed')
    : planned
      ? 'running'
      : requests.length > 0 && requests.every((message) => message.receiveCount === 0)
        ? 'queued'
        : 'planning';
  const outcomes = new Map<string, LaneState>();
  for (const event of [...of('SpecialistCompleted'), ...of('SpecialistFailed')]) {
    const service = event.source.replace(/^alex\./, '');
    const error = (event.detail as { error?: { message: string } }).error;
    outcomes.set(service, error ? { kind: 'failed', reason: error.message } : { kind: 'done' });
  }
  if (planned || of('AnalysisFailed').some((event) => event.source === 'alex.planner'))
    outcomes.set('planner', { kind: 'done' });
  if (of('InstrumentsClassified').length > 0) outcomes.set('tagger', { kind: 'done' });
  if (finished?.source === 'alex.aggregator') outcomes.set('aggregator', { kind: 'done' });

  const lanes = SERVICE_REGISTRY.map(({ service }) => ({
    service: service.name,
    state: laneState(service.name, jobId, state, outcomes.get(service.name), finished !== undefined),
  }));
  const settled = new Set(
    [...of('SpecialistCompleted'), ...of('SpecialistFailed')].map((event) => (event.detail as { task: string }).task),
  );
  const traceparent = [
    ...requests.map((message) => requestDetail(message.body)),
    ...events.map((event) => event.detail),
  ]
    .map((detail) => (detail as { metadata?: { traceparent?: string } } | undefined)?.metadata?.traceparent)
    .find(Boolean);
  return {
    jobId,
    ...(traceparent ? { traceId: traceparent.split('-')[1]! } : {}),
    status,
    lanes,
    waitingFor: finished ? [] : (planned?.tasks ?? []).filter((task) => !settled.has(task)),
    ...(planned ? { deadline: planned.deadline } : {}),
    queues: [...state.entries()].map(([name, messages]) => {
      const sent = [...messages.values()].map((message) => message.sentAt);
      return { name, depth: messages.size, oldestAgeMs: sent.length > 0 ? now - Math.min(...sent) : 0 };
    }),
    modelCalls: await modelCallsOf(home, jobId, events),
  };
}

function laneState(
  service: string,
  jobId: string,
  state: ReturnType<typeof loadQueueState>['state'],
  outcome: LaneState | undefined,
  ended: boolean,
): LaneState {
  const queue = `alex-${service}`;
  const mine = (name: string) =>
    [...(state.get(name)?.values() ?? [])].filter((message) => jobIdIn(message.body) === jobId);
  const dead = mine(`${queue}-dlq`)[0];
  if (dead) return { kind: 'dead-lettered', reason: dead.attributes.reason ?? dead.lastError ?? 'no reason recorded' };
  // Once the job ended, a service that announced its part is done: a message of its still in
  // flight is the one being acknowledged (or a late duplicate), not more work for this job.
  if (ended && outcome) return outcome;
  // The planner also takes the job from the jobs queue; the aggregator's deadline waits in its queue, delayed.
  const waiting = [...mine(queue), ...(service === 'planner' ? mine('alex-jobs') : [])].filter(
    (message) => message.notBefore === undefined || message.receiveCount > 0,
  );
  const message = waiting.sort((a, b) => b.receiveCount - a.receiveCount)[0];
  if (message) {
    if (message.receiveCount === 0) return { kind: 'queued' };
    if (message.receiveCount === 1) return { kind: 'in-flight' };
    return {
      kind: 'retrying',
      attempt: message.receiveCount,
      of: MAX_RECEIVES,
      ...(message.lastError ? { lastError: message.lastError } : {}),
    };
  }
  return outcome ?? { kind: 'idle' };
}

/** Model calls: the spans' when tracing kept them (every service), else the events' audit records. */
async function modelCallsOf(home: string, jobId: string, events: EventEnvelope[]): Promise<ModelCallView[]> {
  const spans = (await readStoredSpans(statePaths(home).spans)).filter(
    (span) => span.attributes['alex.job_id'] === jobId && span.attributes['gen_ai.operation.name'] !== undefined,
  );
  if (spans.length > 0) {
    return spans
      .sort((a, b) => a.startMs - b.startMs)
      .map((span) => ({
        service: span.service.replace(/^alex-/, ''),
        model: String(span.attributes['gen_ai.response.model'] ?? span.attributes['gen_ai.request.model']),
        purpose: String(span.attributes['alex.model.purpose'] ?? ''),
        inputTokens: numberOrNull(span.attributes['gen_ai.usage.input_tokens']),
        outputTokens: numberOrNull(span.attributes['gen_ai.usage.output_tokens']),
        latencyMs: Math.round(span.endMs - span.startMs),
      }));
  }
  return events.flatMap(
    (event) =>
      (event.detail as { modelCalls?: Array<ModelCallView & { service: string }> }).modelCalls?.map((call) => ({
        service: call.service,
        model: call.model,
        purpose: call.purpose,
        inputTokens: call.inputTokens,
        outputTokens: call.outputTokens,
        latencyMs: call.latencyMs,
      })) ?? [],
  );
}

/** A jobs-queue body: the AnalysisRequested detail itself, or an envelope carrying it (as a schedule sends). */
function requestDetail(body: string): unknown {
  try {
    const parsed = JSON.parse(body) as { detail?: unknown };
    return parsed.detail ?? parsed;
  } catch {
    return undefined;
  }
}

function numberOrNull(value: unknown): number | null {
  return typeof value === 'number' ? value : null;
}

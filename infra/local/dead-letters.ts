/**
 * The local runtime's dead-letter queues, for an operator: what is in them and why, and redrive
 * (StartMessageMoveTask to the source queue), after which the runtime runs until settled and
 * says what became of each message: processed, or back in a DLQ with its new reason.
 */
import { queueSettings, SERVICE_NAMES, SERVICES, type ServiceName } from '../topology.ts';
import { isJobEndType } from './job-messages.ts';
import type { QueueMessage } from './queue.ts';
import { loadQueueState } from './queue-journal.ts';
import type { LocalRuntime, QueueKey } from './runtime.ts';

export interface DeadLetterView {
  /** The DLQ holding the message. */
  queue: string;
  /** The queue it was read from when it failed. */
  sourceQueue: string;
  messageId: string;
  reason: string;
  receiveCount: number;
  /** When the message was sent (SentTimestamp), as ISO 8601. */
  sentAt: string;
  /** What the body is, in one line: the event's detail-type and job, or why it is unreadable. */
  summary: string;
  detailType?: string;
  jobId?: string;
  task?: string;
}

export interface BodySummary {
  summary: string;
  detailType?: string;
  jobId?: string;
  task?: string;
}

const PREVIEW_CHARS = 60;

/** One line about a message body: an EventBridge envelope, a bare job detail, or something else. */
export function summarizeBody(body: string): BodySummary {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return { summary: `not JSON: ${preview(body)}` };
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    return { summary: `JSON ${Array.isArray(parsed) ? 'array' : typeof parsed}: ${preview(body)}` };
  const record = parsed as Record<string, unknown>;
  const isEnvelope = typeof record['detail-type'] === 'string';
  const detail = (isEnvelope ? record.detail : record) as Record<string, unknown> | undefined;
  const jobId = typeof detail?.jobId === 'string' ? detail.jobId : undefined;
  const task = typeof detail?.task === 'string' ? detail.task : undefined;
  const detailType = isEnvelope ? (record['detail-type'] as string) : undefined;
  const what = isEnvelope
    ? `${detailType}${typeof record.source === 'string' ? ` from ${record.source}` : ''}`
    : 'job message';
  const parts = [what, jobId ? `job ${jobId}` : 'no jobId', ...(task ? [`task ${task}`] : [])];
  return {
    summary: parts.join(', '),
    ...(detailType ? { detailType } : {}),
    ...(jobId ? { jobId } : {}),
    ...(task ? { task } : {}),
  };
}

export function describeDeadLetter(queue: string, message: QueueMessage): DeadLetterView {
  return {
    queue,
    sourceQueue: message.attributes.sourceQueue ?? queue.replace(/-dlq$/, ''),
    messageId: message.messageId,
    reason: message.attributes.reason ?? message.lastError ?? 'no reason recorded',
    receiveCount: message.receiveCount,
    sentAt: new Date(message.sentAt).toISOString(),
    ...summarizeBody(message.body),
  };
}

/** The queues a service consumes (the planner: the jobs queue and its own); every queue when absent. */
export function queueKeysOf(service?: ServiceName): QueueKey[] {
  return service ? [...SERVICES[service].consumes] : ['jobs', ...SERVICE_NAMES];
}

type QueuesOf = Pick<LocalRuntime, 'queues'>;

export function listDeadLetters(runtime: QueuesOf, service?: ServiceName): DeadLetterView[] {
  return queueKeysOf(service).flatMap((key) => {
    const pair = runtime.queues.get(key);
    return pair ? pair.dlq.peekAll().map((message) => describeDeadLetter(pair.dlq.name, message)) : [];
  });
}

/** Dead letters as the queue files of a home say, read without owning it (nothing is changed). */
export function deadLettersInFiles(home: string, service?: ServiceName): DeadLetterView[] {
  const { state } = loadQueueState(home, { repairTornTail: false });
  return queueKeysOf(service).flatMap((key) => {
    const dlq = `${queueSettings(key).name}-dlq`;
    return [...(state.get(dlq)?.values() ?? [])].map((message) => describeDeadLetter(dlq, message));
  });
}

/**
 * Moves every dead letter of the selected queues back to its source queue as SQS redrive does:
 * the receive count starts again, and the DLQ bookkeeping (reason, source) is dropped, so a
 * message that fails again is dead-lettered with its new reason.
 */
export function redriveDeadLetters(runtime: QueuesOf, service?: ServiceName): DeadLetterView[] {
  return moveBack(runtime, service).map(({ queue, message }) => describeDeadLetter(queue, message));
}

function moveBack(runtime: QueuesOf, service?: ServiceName): Array<{ queue: string; message: QueueMessage }> {
  const moved: Array<{ queue: string; message: QueueMessage }> = [];
  for (const key of queueKeysOf(service)) {
    const pair = runtime.queues.get(key);
    if (!pair) continue;
    // Into the source queue first, out of the DLQ after: a crash in between duplicates, never loses.
    const letters = pair.dlq.peekAll();
    for (const message of letters) {
      moved.push({ queue: pair.dlq.name, message });
      const { reason: _reason, sourceQueue: _source, ...attributes } = message.attributes;
      pair.queue.enqueue({
        messageId: message.messageId,
        body: message.body,
        sentAt: message.sentAt,
        receiveCount: 0,
        attributes,
      });
    }
    pair.dlq.takeAll();
  }
  return moved;
}

export interface RedriveOutcome {
  redriven: DeadLetterView[];
  /** Redriven messages that failed again and are back in a DLQ, with their reasons now. */
  returned: DeadLetterView[];
  /** Other messages dead-lettered while the redriven ones were handled. */
  otherNewDeadLetters: DeadLetterView[];
  newEventsByDetailType: Record<string, number>;
  /** Jobs that finished while settling, and how (AnalysisCompleted or AnalysisFailed). */
  jobsFinished: Array<{ jobId: string; outcome: string }>;
}

type SettlingRuntime = Pick<LocalRuntime, 'queues' | 'bus' | 'idle' | 'deadLetters'>;

/** Redrives, runs until settled, and sorts out which redriven messages came back to a DLQ. */
export async function redriveAndSettle(
  runtime: SettlingRuntime,
  options: { service?: ServiceName; timeoutMs?: number } = {},
): Promise<RedriveOutcome> {
  const newEventsByDetailType: Record<string, number> = {};
  const jobsFinished: RedriveOutcome['jobsFinished'] = [];
  const unsubscribe = runtime.bus.subscribe((envelope) => {
    const type = envelope['detail-type'];
    newEventsByDetailType[type] = (newEventsByDetailType[type] ?? 0) + 1;
    const jobId = (envelope.detail as { jobId?: unknown } | null)?.jobId;
    if (isJobEndType(type) && typeof jobId === 'string') jobsFinished.push({ jobId, outcome: type });
  });
  try {
    // Letters of other queues stay where they are; anything new after settling is new.
    const before = new Set(runtime.deadLetters().map(({ message }) => message.messageId));
    const moved = moveBack(runtime, options.service);
    await runtime.idle(options.timeoutMs);
    const fresh = runtime.deadLetters().filter(({ message }) => !before.has(message.messageId));
    // A message dead-lettered by a handler gets a new messageId, so match redriven ones by body.
    const pending = new Map<string, number>();
    for (const { message } of moved) pending.set(message.body, (pending.get(message.body) ?? 0) + 1);
    const returned: DeadLetterView[] = [];
    const otherNewDeadLetters: DeadLetterView[] = [];
    for (const { queue, message } of fresh) {
      const left = pending.get(message.body) ?? 0;
      pending.set(message.body, left - 1);
      (left > 0 ? returned : otherNewDeadLetters).push(describeDeadLetter(queue, message));
    }
    const redriven = moved.map(({ queue, message }) => describeDeadLetter(queue, message));
    return { redriven, returned, otherNewDeadLetters, newEventsByDetailType, jobsFinished };
  } finally {
    unsubscribe();
  }
}

function preview(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return JSON.stringify(oneLine.length > PREVIEW_CHARS ? `${oneLine.slice(0, PREVIEW_CHARS)}…` : oneLine);
}

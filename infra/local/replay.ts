/**
 * Archive replay on the local runtime, as EventBridge's StartReplay does it: the archived events
 * of a time window go back onto the bus with `replay-name` set, to every rule or only to some
 * (a service's), and are not archived again. Handlers are idempotent by business key, so a
 * replay of completed jobs should change nothing; replayAndSettle measures that it did not.
 */
import type { EventEnvelope } from '#events/envelope.ts';
import { InvalidInputError } from '#events/errors.ts';
import type { ModelPort, ModelRequest, ModelResponse } from '#services/common/model/port.ts';
import { allRules, effectivePattern, type RuleSpec, SERVICE_NAMES, SERVICES, type ServiceName } from '../topology.ts';
import type { EventArchive } from './archive.ts';
import type { LocalBus } from './bus.ts';
import { type DeadLetterView, describeDeadLetter } from './dead-letters.ts';
import { compilePattern } from './event-pattern.ts';
import type { LocalRuntime } from './runtime.ts';

/** Events whose `time` is at or after `since` and before `until` (EventBridge: end exclusive). */
export interface ReplayWindow {
  since?: Date;
  until?: Date;
}

export interface ReplayOptions extends ReplayWindow {
  /** Only this service's rules (those feeding the queues it consumes); all rules when absent. */
  service?: ServiceName;
  /** Defaults to `alex-replay-<time>`, in the character set EventBridge allows. */
  replayName?: string;
  /** The rules on the bus, for the service filter and the delivery counts; the topology's by default. */
  rules?: readonly RuleSpec[];
  now?: () => Date;
}

export interface ReplayReport {
  replayName: string;
  window: { since: string | null; until: string };
  /** Rule names the replay was aimed at, or null for every rule on the bus. */
  rules: string[] | null;
  replayed: number;
  byDetailType: Record<string, number>;
  /** Deliveries per rule: how many replayed events each targeted rule's effective pattern matched. */
  deliveries: Record<string, number>;
}

export interface ReplayOutcome extends ReplayReport {
  /** Events the services published while handling the replay (not the replayed copies). */
  newEvents: number;
  newEventsByDetailType: Record<string, number>;
  newDeadLetters: DeadLetterView[];
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Reads `--since`/`--until` text: an ISO 8601 date (midnight UTC) or date-time with an offset. */
export function parseReplayTime(text: string, field: string): Date {
  const valid = ISO_DATE.test(text) || ISO_DATE_TIME.test(text);
  const date = new Date(ISO_DATE.test(text) ? `${text}T00:00:00Z` : text);
  if (!valid || Number.isNaN(date.getTime())) {
    throw new InvalidInputError(
      `${field}: must be an ISO 8601 date or date-time with a zone, like 2026-11-20 or 2026-11-20T09:30:00Z (got "${text}")`,
    );
  }
  return date;
}

export function parseReplayWindow(
  since: string | undefined,
  until: string | undefined,
  now: Date = new Date(),
): ReplayWindow {
  const window: ReplayWindow = {
    ...(since === undefined ? {} : { since: parseReplayTime(since, '--since') }),
    ...(until === undefined ? {} : { until: parseReplayTime(until, '--until') }),
  };
  if (window.since && window.until && window.since >= window.until) {
    throw new InvalidInputError(`--since (${since}) must be before --until (${until})`);
  }
  if (window.since && window.since > now) {
    throw new InvalidInputError(
      `--since (${since}) is in the future, so there is nothing to replay; give a time in the past`,
    );
  }
  return window;
}

export function parseServiceName(text: string): ServiceName {
  if ((SERVICE_NAMES as readonly string[]).includes(text)) return text as ServiceName;
  throw new InvalidInputError(`--service: unknown service "${text}"; services are ${SERVICE_NAMES.join(', ')}`);
}

/** The archived events of the window, oldest first. */
export function selectReplayEvents(events: readonly EventEnvelope[], window: ReplayWindow): EventEnvelope[] {
  const since = window.since?.getTime() ?? Number.NEGATIVE_INFINITY;
  const until = window.until?.getTime() ?? Number.POSITIVE_INFINITY;
  return events.filter((event) => {
    const time = Date.parse(event.time);
    return time >= since && time < until;
  });
}

/** A service's rules: those delivering to a queue it consumes (for the planner, the jobs rule too). */
export function serviceRules(service: ServiceName, rules: readonly RuleSpec[] = allRules()): RuleSpec[] {
  const consumes: readonly string[] = SERVICES[service].consumes;
  return rules.filter((rule) => consumes.includes(rule.target));
}

export function defaultReplayName(now: Date): string {
  return `alex-replay-${now
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '')}`;
}

/** Re-publishes the window's archived events; returns what was sent where. */
export function replayArchive(
  runtime: { bus: LocalBus; archive: EventArchive },
  options: ReplayOptions = {},
): ReplayReport {
  const now = (options.now ?? (() => new Date()))();
  const until = options.until ?? now;
  const events = selectReplayEvents(runtime.archive.read(), { since: options.since, until });
  const rules = options.rules ?? allRules();
  const targeted = options.service ? serviceRules(options.service, rules) : rules;
  const ruleNames = options.service ? targeted.map((rule) => rule.name) : undefined;
  const matchers = targeted.map((rule) => ({ name: rule.name, pattern: compilePattern(effectivePattern(rule)) }));
  const replayName = options.replayName ?? defaultReplayName(now);

  const byDetailType: Record<string, number> = {};
  const deliveries: Record<string, number> = Object.fromEntries(targeted.map((rule) => [rule.name, 0]));
  for (const event of events) {
    const delivered = runtime.bus.putEnvelope(event, { replayName, ...(ruleNames ? { ruleNames } : {}) });
    increment(byDetailType, event['detail-type']);
    for (const { name, pattern } of matchers) if (pattern.matches(delivered)) increment(deliveries, name);
  }
  return {
    replayName,
    window: { since: options.since?.toISOString() ?? null, until: until.toISOString() },
    rules: ruleNames ?? null,
    replayed: events.length,
    byDetailType,
    deliveries,
  };
}

type SettlingRuntime = Pick<LocalRuntime, 'bus' | 'archive' | 'idle' | 'deadLetters'>;

/** Replays, waits until every queue is empty and no function runs, and says what followed. */
export async function replayAndSettle(
  runtime: SettlingRuntime,
  options: ReplayOptions & { timeoutMs?: number } = {},
): Promise<ReplayOutcome> {
  const before = new Set(runtime.deadLetters().map(({ message }) => message.messageId));
  const newEventsByDetailType: Record<string, number> = {};
  let newEvents = 0;
  const unsubscribe = runtime.bus.subscribe((envelope) => {
    if (envelope['replay-name'] !== undefined) return;
    newEvents += 1;
    increment(newEventsByDetailType, envelope['detail-type']);
  });
  try {
    const report = replayArchive(runtime, options);
    await runtime.idle(options.timeoutMs);
    const newDeadLetters = runtime
      .deadLetters()
      .filter(({ message }) => !before.has(message.messageId))
      .map(({ queue, message }) => describeDeadLetter(queue, message));
    return { ...report, newEvents, newEventsByDetailType, newDeadLetters };
  } finally {
    unsubscribe();
  }
}

/** Wraps a model port to count the calls made through it (a replay of finished work makes none). */
export class CountingModel implements ModelPort {
  calls = 0;
  constructor(private readonly inner: ModelPort) {}

  get name(): string {
    return this.inner.name;
  }

  generate<T>(request: ModelRequest<T>): Promise<ModelResponse<T>> {
    this.calls += 1;
    return this.inner.generate(request);
  }
}

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

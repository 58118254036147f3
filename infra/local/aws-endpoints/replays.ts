/**
 * StartReplay on the local bus: the archived events of the window go back onto the bus with
 * `replay-name` set (the bus does not archive them again), to every rule or to those named in
 * FilterArns. A replay moves STARTING → RUNNING → COMPLETED, in small steps on the event loop so
 * CancelReplay can stop it (CANCELLING → CANCELLED) and other requests are served meanwhile.
 */
import type { EventEnvelope } from '#events/envelope.ts';
import { selectReplayEvents } from '../replay.ts';
import { archiveArn, busArn, type EndpointRuntime, replayArn } from './local-resources.ts';
import { AwsError } from './wire.ts';

export type ReplayState = 'STARTING' | 'RUNNING' | 'CANCELLING' | 'COMPLETED' | 'CANCELLED' | 'FAILED';

export interface ReplayRecord {
  name: string;
  description?: string;
  state: ReplayState;
  stateReason?: string;
  eventStartTime: Date;
  eventEndTime: Date;
  destination: { Arn: string; FilterArns?: string[] };
  replayStartTime: Date;
  replayEndTime?: Date;
  eventLastReplayedTime?: Date;
  replayed: number;
}

/** Events put on the bus per turn of the event loop while a replay runs. */
const STEP = 200;

export class Replays {
  private readonly records = new Map<string, ReplayRecord>();
  private closed = false;

  constructor(
    private readonly runtime: EndpointRuntime,
    /** Called on every state change; tests watch a replay move through its states. */
    private readonly onState: (record: ReplayRecord) => void = () => undefined,
  ) {}

  start(request: {
    name: string;
    description?: string;
    start: Date;
    end: Date;
    destination: { Arn: string; FilterArns?: string[] };
    ruleNames?: string[];
  }): ReplayRecord {
    if (this.records.has(request.name)) {
      throw new AwsError('ResourceAlreadyExistsException', `Replay ${request.name} already exists.`);
    }
    const record: ReplayRecord = {
      name: request.name,
      ...(request.description ? { description: request.description } : {}),
      state: 'STARTING',
      eventStartTime: request.start,
      eventEndTime: request.end,
      destination: request.destination,
      replayStartTime: new Date(),
      replayed: 0,
    };
    this.records.set(record.name, record);
    this.onState({ ...record });
    const events = selectReplayEvents(this.runtime.archive.read(), { since: request.start, until: request.end });
    setImmediate(() => this.run(record, events, request.ruleNames));
    return record;
  }

  private run(record: ReplayRecord, events: EventEnvelope[], ruleNames: string[] | undefined, from = 0): void {
    if (this.closed) return;
    if (record.state === 'CANCELLING') return this.finish(record, 'CANCELLED');
    if (record.state === 'STARTING') this.setState(record, 'RUNNING');
    const until = Math.min(events.length, from + STEP);
    for (let index = from; index < until; index++) {
      this.runtime.bus.putEnvelope(events[index]!, { replayName: record.name, ...(ruleNames ? { ruleNames } : {}) });
      record.replayed += 1;
      record.eventLastReplayedTime = new Date(events[index]!.time);
    }
    if (until < events.length) setImmediate(() => this.run(record, events, ruleNames, until));
    else this.finish(record, 'COMPLETED');
  }

  private finish(record: ReplayRecord, state: 'COMPLETED' | 'CANCELLED'): void {
    record.replayEndTime = new Date();
    this.setState(record, state);
  }

  private setState(record: ReplayRecord, state: ReplayState): void {
    record.state = state;
    this.onState({ ...record });
  }

  describe(name: string): ReplayRecord {
    const record = this.records.get(name);
    if (!record) throw new AwsError('ResourceNotFoundException', `Replay ${name} does not exist.`);
    return record;
  }

  list(): ReplayRecord[] {
    return [...this.records.values()];
  }

  cancel(name: string): ReplayRecord {
    const record = this.describe(name);
    if (record.state !== 'STARTING' && record.state !== 'RUNNING') {
      throw new AwsError('IllegalStatusException', `Replay ${name} is ${record.state} and can no longer be cancelled.`);
    }
    this.setState(record, 'CANCELLING');
    return record;
  }

  close(): void {
    this.closed = true;
  }
}

const seconds = (date: Date | undefined) => (date ? date.getTime() / 1000 : undefined);

/** A replay as DescribeReplay reports it (timestamps in epoch seconds, as AWS JSON has them). */
export function describeReplay(record: ReplayRecord): Record<string, unknown> {
  return {
    ReplayName: record.name,
    ReplayArn: replayArn(record.name),
    ...(record.description ? { Description: record.description } : {}),
    State: record.state,
    ...(record.stateReason ? { StateReason: record.stateReason } : {}),
    EventSourceArn: archiveArn(),
    Destination: record.destination,
    EventStartTime: seconds(record.eventStartTime),
    EventEndTime: seconds(record.eventEndTime),
    EventLastReplayedTime: seconds(record.eventLastReplayedTime),
    ReplayStartTime: seconds(record.replayStartTime),
    ReplayEndTime: seconds(record.replayEndTime),
  };
}

export function replaySummary(record: ReplayRecord): Record<string, unknown> {
  const { ReplayArn: _arn, Description: _d, Destination: _dest, ...summary } = describeReplay(record);
  return summary;
}

export const DEFAULT_DESTINATION = () => ({ Arn: busArn() });

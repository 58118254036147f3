/**
 * EventBridge's AWS JSON 1.1 operations (`X-Amz-Target: AWSEvents.<Operation>`) over the local
 * bus: PutEvents with per-entry results as AWS reports them (and the guard on who may publish
 * what), TestEventPattern, and read-only views of the bus, its rules, targets and archive, plus
 * replays of the archive.
 */
import { randomUUID } from 'node:crypto';
import { InvalidInputError } from '#events/errors.ts';
import { MAX_ENTRIES_PER_REQUEST, MAX_REQUEST_BYTES } from '#events/eventbridge-publisher.ts';
import { type Publisher, publishRefusal } from '#events/provenance.ts';
import { InvalidEventPatternError, testEventPattern } from '../event-pattern.ts';
import {
  ACCOUNT,
  ARCHIVE_NAME,
  archiveArn,
  BUS_NAME,
  busArn,
  type EndpointRuntime,
  isOurBus,
  localRules,
  replayArn,
} from './local-resources.ts';
import { DEFAULT_DESTINATION, describeReplay, type ReplayRecord, Replays, replaySummary } from './replays.ts';
import { AwsError } from './wire.ts';

type Input = Record<string, unknown>;
type Operation = (input: Input, publisher: Publisher) => unknown;

const MAX_DETAIL_TYPE_CHARS = 128;

export interface EventBridgeOptions {
  onReplayState?: (record: ReplayRecord) => void;
}

export class EventBridgeApi {
  readonly replays: Replays;
  private readonly createdAt = Date.now() / 1000;
  readonly operations: Record<string, Operation>;

  constructor(
    private readonly runtime: EndpointRuntime,
    options: EventBridgeOptions = {},
  ) {
    this.replays = new Replays(runtime, options.onReplayState);
    this.operations = {
      PutEvents: (input, publisher) => this.putEvents(input, publisher),
      TestEventPattern: (input) => testPattern(input),
      ListEventBuses: (input) => ({
        EventBuses: startsWith(BUS_NAME, input.NamePrefix) ? [this.bus()] : [],
      }),
      DescribeEventBus: (input) => {
        requireOurBus(input.Name);
        return this.bus();
      },
      ListRules: (input) => listRules(input),
      DescribeRule: (input) => {
        const rule = findRule(input.Name, input.EventBusName);
        return { ...ruleView(rule), CreatedBy: ACCOUNT };
      },
      ListTargetsByRule: (input) => {
        const rule = findRule(input.Rule, input.EventBusName);
        return { Targets: [{ Id: rule.targetQueue, Arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:${rule.targetQueue}` }] };
      },
      ListArchives: (input) => ({
        Archives: startsWith(ARCHIVE_NAME, input.NamePrefix) ? [this.archive(false)] : [],
      }),
      DescribeArchive: (input) => {
        if (input.ArchiveName !== ARCHIVE_NAME) {
          throw new AwsError('ResourceNotFoundException', `Archive ${String(input.ArchiveName)} does not exist.`);
        }
        return this.archive(true);
      },
      StartReplay: (input) => this.startReplay(input),
      DescribeReplay: (input) => describeReplay(this.replays.describe(String(input.ReplayName))),
      ListReplays: (input) => ({
        Replays: this.replays
          .list()
          .filter((record) => startsWith(record.name, input.NamePrefix))
          .filter((record) => input.State === undefined || record.state === input.State)
          .map(replaySummary),
      }),
      CancelReplay: (input) => {
        const record = this.replays.cancel(String(input.ReplayName));
        return { ReplayArn: replayArn(record.name), State: record.state };
      },
    };
  }

  private bus() {
    return { Name: BUS_NAME, Arn: busArn(), CreationTime: this.createdAt, LastModifiedTime: this.createdAt };
  }

  private archive(full: boolean) {
    const events = this.runtime.archive.read();
    const size = events.reduce((total, event) => total + Buffer.byteLength(JSON.stringify(event)), 0);
    return {
      ...(full ? { ArchiveArn: archiveArn() } : {}),
      ArchiveName: ARCHIVE_NAME,
      EventSourceArn: busArn(),
      State: 'ENABLED',
      RetentionDays: 0,
      SizeBytes: size,
      EventCount: events.length,
      CreationTime: this.createdAt,
    };
  }

  /** Each entry is checked and put on its own: a bad or refused entry fails alone, as on AWS. */
  private putEvents(input: Input, publisher: Publisher) {
    const entries = input.Entries;
    if (!Array.isArray(entries) || entries.length < 1 || entries.length > MAX_ENTRIES_PER_REQUEST) {
      throw new AwsError(
        'ValidationException',
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length ` +
          `between 1 and ${MAX_ENTRIES_PER_REQUEST} (got ${Array.isArray(entries) ? entries.length : 'no list'}).`,
      );
    }
    const total = entries.reduce((sum: number, entry) => sum + wireSize(entry as Input), 0);
    if (total > MAX_REQUEST_BYTES) {
      throw new AwsError(
        'ValidationException',
        `Total size of the entries in the request is over the limit (${total} bytes; at most ${MAX_REQUEST_BYTES}).`,
      );
    }
    const results = entries.map((entry) => this.putEntry(entry as Input, publisher));
    return { FailedEntryCount: results.filter((result) => 'ErrorCode' in result).length, Entries: results };
  }

  private putEntry(
    entry: Input,
    publisher: Publisher,
  ): { EventId: string } | { ErrorCode: string; ErrorMessage: string } {
    for (const field of ['Source', 'DetailType', 'Detail'] as const) {
      if (typeof entry[field] !== 'string' || entry[field] === '') {
        return entryError(
          'InvalidArgument',
          `Parameter ${field} is not valid. Reason: ${field} is a required argument.`,
        );
      }
    }
    const source = entry.Source as string;
    const detailType = entry.DetailType as string;
    if (detailType.length > MAX_DETAIL_TYPE_CHARS) {
      return entryError(
        'InvalidArgument',
        `Parameter DetailType is not valid. Reason: longer than ${MAX_DETAIL_TYPE_CHARS} characters.`,
      );
    }
    if (!isOurBus(entry.EventBusName)) {
      return entryError('ResourceNotFoundException', `Event bus ${String(entry.EventBusName)} does not exist.`);
    }
    if (
      entry.Resources !== undefined &&
      !(Array.isArray(entry.Resources) && entry.Resources.every((r) => typeof r === 'string'))
    ) {
      return entryError('InvalidArgument', 'Parameter Resources is not valid. Reason: must be a list of strings.');
    }
    const refusal = publishRefusal({ source, detailType }, publisher);
    if (refusal) return entryError(refusal.errorCode, refusal.errorMessage);
    const time = typeof entry.Time === 'number' ? new Date(entry.Time * 1000) : new Date();
    const busEntry = {
      source,
      detailType,
      detail: entry.Detail as string,
      resources: (entry.Resources as string[] | undefined) ?? [],
      time: Number.isNaN(time.getTime()) ? new Date() : time,
    };
    // The bus makes PutEvents' own checks (size, JSON object, depth) and refuses before putting.
    let envelope: { id: string } | undefined;
    try {
      [envelope] = this.runtime.bus.put([busEntry]);
    } catch (error) {
      if (!(error instanceof InvalidInputError)) throw error;
      const malformed = /MalformedDetail|JSON object|nested more/.test(error.message);
      return entryError(
        malformed ? 'MalformedDetail' : 'InvalidArgument',
        malformed ? 'Detail is malformed.' : error.message,
      );
    }
    return { EventId: envelope!.id };
  }

  private startReplay(input: Input) {
    const name = input.ReplayName;
    if (typeof name !== 'string' || !/^[.\-_A-Za-z0-9]{1,64}$/.test(name)) {
      throw new AwsError('ValidationException', 'ReplayName must be 1–64 characters of letters, digits, ., - and _.');
    }
    if (input.EventSourceArn !== archiveArn()) {
      throw new AwsError('ResourceNotFoundException', `Archive ${String(input.EventSourceArn)} does not exist.`);
    }
    if (typeof input.EventStartTime !== 'number' || typeof input.EventEndTime !== 'number') {
      throw new AwsError('ValidationException', 'EventStartTime and EventEndTime are required.');
    }
    const start = new Date(input.EventStartTime * 1000);
    const end = new Date(input.EventEndTime * 1000);
    if (start >= end) throw new AwsError('ValidationException', 'EventStartTime must be before EventEndTime.');
    if (end.getTime() > Date.now() + 1000) {
      throw new AwsError('ValidationException', 'EventEndTime cannot be in the future.');
    }
    const destination: { Arn?: unknown; FilterArns?: unknown } =
      (input.Destination as { Arn?: unknown; FilterArns?: unknown } | undefined) ?? DEFAULT_DESTINATION();
    if (destination.Arn !== busArn()) {
      throw new AwsError('ValidationException', `Destination.Arn must be the archive's bus, ${busArn()}.`);
    }
    let ruleNames: string[] | undefined;
    if (destination.FilterArns !== undefined) {
      const rules = localRules();
      const filterArns = Array.isArray(destination.FilterArns) ? (destination.FilterArns as unknown[]) : [];
      ruleNames = filterArns.map((arn) => {
        const rule = rules.find((candidate) => candidate.arn === arn);
        if (!rule) throw new AwsError('ResourceNotFoundException', `Rule ${String(arn)} does not exist.`);
        return rule.spec.name;
      });
    }
    const record = this.replays.start({
      name,
      ...(typeof input.Description === 'string' ? { description: input.Description } : {}),
      start,
      end,
      destination: destination as { Arn: string; FilterArns?: string[] },
      ...(ruleNames ? { ruleNames } : {}),
    });
    return {
      ReplayArn: replayArn(record.name),
      State: 'STARTING',
      ReplayStartTime: record.replayStartTime.getTime() / 1000,
    };
  }
}

function entryError(code: string, message: string) {
  return { ErrorCode: code, ErrorMessage: message };
}

function testPattern(input: Input) {
  if (typeof input.EventPattern !== 'string' || typeof input.Event !== 'string') {
    throw new AwsError('ValidationException', 'EventPattern and Event are required strings.');
  }
  try {
    return { Result: testEventPattern(input.EventPattern, input.Event) };
  } catch (error) {
    if (error instanceof InvalidEventPatternError) {
      throw new AwsError('InvalidEventPatternException', `Event pattern is not valid. Reason: ${error.message}`);
    }
    if (error instanceof InvalidInputError) {
      throw new AwsError('InvalidEventPatternException', `Event is not valid. Reason: ${error.message}`);
    }
    throw error;
  }
}

function requireOurBus(name: unknown): void {
  if (!isOurBus(name)) throw new AwsError('ResourceNotFoundException', `Event bus ${String(name)} does not exist.`);
}

function findRule(name: unknown, bus: unknown) {
  requireOurBus(bus);
  const rule = localRules().find((candidate) => candidate.spec.name === name);
  if (!rule)
    throw new AwsError('ResourceNotFoundException', `Rule ${String(name)} does not exist on EventBus ${BUS_NAME}.`);
  return rule;
}

function ruleView(rule: ReturnType<typeof localRules>[number]) {
  return {
    Name: rule.spec.name,
    Arn: rule.arn,
    EventPattern: rule.pattern,
    State: 'ENABLED',
    Description: rule.spec.description,
    EventBusName: BUS_NAME,
  };
}

function listRules(input: Input) {
  requireOurBus(input.EventBusName);
  const limit = typeof input.Limit === 'number' ? input.Limit : 100;
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) {
    throw new AwsError('ValidationException', 'Limit must be between 1 and 100.');
  }
  const rules = localRules().filter((rule) => startsWith(rule.spec.name, input.NamePrefix));
  const from = typeof input.NextToken === 'string' ? Number.parseInt(input.NextToken, 10) : 0;
  if (!Number.isInteger(from) || from < 0) throw new AwsError('ValidationException', 'NextToken is not valid.');
  const page = rules.slice(from, from + limit);
  return {
    Rules: page.map(ruleView),
    ...(from + limit < rules.length ? { NextToken: String(from + limit) } : {}),
  };
}

function startsWith(name: string, prefix: unknown): boolean {
  return typeof prefix !== 'string' || name.startsWith(prefix);
}

/** Entry size as EventBridge counts it (see entrySize in events/eventbridge-publisher.ts). */
function wireSize(entry: Input): number {
  const utf8 = (value: unknown) => (typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0);
  const resources = Array.isArray(entry.Resources) ? entry.Resources : [];
  return (
    (entry.Time === undefined ? 0 : 14) +
    utf8(entry.Source) +
    utf8(entry.DetailType) +
    utf8(entry.Detail) +
    resources.reduce((total: number, resource) => total + utf8(resource), 0)
  );
}

export const newRequestId = () => randomUUID();

import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { catalog } from '#events/catalog.ts';
import { InvalidInputError } from '#events/errors.ts';
import {
  EventBridgePublisher,
  type EventBridgePublisherOptions,
  entrySize,
  PublishFailedError,
} from '#events/eventbridge-publisher.ts';
import type { OutgoingEvent } from '#events/publisher.ts';
import { type FakeEventBridge, startFakeEventBridge, type WireEntry } from '../../support/eventbridge-server.ts';

const BUS = 'alex-bus';
const TIME = new Date('2026-11-21T09:30:00.000Z');

/** A distinct, valid AnalysisRequested per index, so each entry can be told apart on the wire. */
function jobIdOf(index: number): string {
  return `00000000-0000-4000-8000-${String(index).padStart(12, '0')}`;
}
function requested(index: number): OutgoingEvent<'AnalysisRequested'> {
  return {
    detailType: 'AnalysisRequested',
    source: 'alex.cli',
    detail: { ...catalog.AnalysisRequested.example, jobId: jobIdOf(index) },
    time: TIME,
  };
}
function requestedMany(count: number): OutgoingEvent[] {
  return Array.from({ length: count }, (_, index) => requested(index));
}
function jobIdsOf(entries: readonly WireEntry[]): string[] {
  return entries.map((entry) => (JSON.parse(entry.Detail!) as { jobId: string }).jobId);
}
/** A report whose markdown makes the Detail roughly `bytes` long. */
function bigReport(bytes: number, index = 0): OutgoingEvent<'SpecialistCompleted'> {
  return {
    detailType: 'SpecialistCompleted',
    source: 'alex.reporter',
    detail: {
      version: 1,
      jobId: jobIdOf(index),
      completedAt: '2026-11-21T09:30:02.000Z',
      durationMs: 5,
      task: 'report',
      result: {
        markdown: 'x'.repeat(bytes),
        recommendations: [],
        facts: {},
        writer: { model: 'offline', offline: true, fallback: false },
      },
    },
  };
}

describe('EventBridgePublisher with the real SDK client', () => {
  let bus: FakeEventBridge;
  beforeAll(async () => {
    bus = await startFakeEventBridge();
  });
  afterAll(async () => {
    await bus.close();
  });
  beforeEach(() => bus.reset());

  function publisher(options: Partial<EventBridgePublisherOptions> = {}): EventBridgePublisher {
    return new EventBridgePublisher({ client: bus.client(), eventBusName: BUS, baseDelayMs: 1, ...options });
  }

  it('sends 23 events as PutEvents calls of 10, 10 and 3, in order', async () => {
    await publisher().publish(requestedMany(23));

    expect(bus.requests.map((request) => request.body.Entries.length)).toEqual([10, 10, 3]);
    expect(jobIdsOf(bus.accepted)).toEqual(Array.from({ length: 23 }, (_, i) => jobIdOf(i)));
  });

  it('sends what EventBridge expects on the wire', async () => {
    await publisher().publish([{ ...requested(7), resources: ['arn:aws:s3:::alex-portfolios/household-42'] }]);

    const [request] = bus.requests;
    expect(request!.headers['x-amz-target']).toBe('AWSEvents.PutEvents');
    expect(request!.headers['content-type']).toBe('application/x-amz-json-1.1');
    expect(request!.body.Entries).toEqual([
      {
        EventBusName: BUS,
        Source: 'alex.cli',
        DetailType: 'AnalysisRequested',
        Detail: expect.any(String),
        Resources: ['arn:aws:s3:::alex-portfolios/household-42'],
        Time: TIME.getTime() / 1000,
      },
    ]);
    expect(JSON.parse(request!.body.Entries[0]!.Detail!)).toEqual({
      version: 1,
      jobId: jobIdOf(7),
      userId: 'household-42',
      requestedAt: '2026-11-21T09:30:00.000Z',
    });
  });

  it('resends only the refused entries, in their original order', async () => {
    const refusedFirstTime = new Set([jobIdOf(2), jobIdOf(11)]);
    bus.refuse((entry, attempt) =>
      attempt === 1 && refusedFirstTime.has(jobIdsOf([entry])[0]!)
        ? { code: 'InternalFailure', message: 'Internal service error.' }
        : undefined,
    );

    await publisher().publish(requestedMany(12));

    expect(bus.requests.map((request) => jobIdsOf(request.body.Entries).length)).toEqual([10, 2, 2]);
    expect(jobIdsOf(bus.requests[2]!.body.Entries)).toEqual([jobIdOf(2), jobIdOf(11)]);
    // Each event accepted exactly once: nothing duplicated, nothing lost.
    expect(jobIdsOf(bus.accepted).sort()).toEqual(Array.from({ length: 12 }, (_, i) => jobIdOf(i)));
  });

  it('gives up after maxAttempts and names what still failed and why', async () => {
    bus.refuse((entry) =>
      jobIdsOf([entry])[0] === jobIdOf(1) ? { code: 'InternalFailure', message: 'Internal service error.' } : undefined,
    );

    const publishing = publisher({ maxAttempts: 3 }).publish(requestedMany(3));

    await expect(publishing).rejects.toThrow(PublishFailedError);
    await expect(publishing).rejects.toThrow(
      'EventBridge refused 1 of 3 events on bus alex-bus after 3 attempts: AnalysisRequested from alex.cli: InternalFailure (Internal service error.)',
    );
    await publishing.catch((error: PublishFailedError) =>
      expect(error.failures).toEqual([
        {
          detailType: 'AnalysisRequested',
          source: 'alex.cli',
          errorCode: 'InternalFailure',
          errorMessage: 'Internal service error.',
        },
      ]),
    );
    expect(bus.requests.map((request) => jobIdsOf(request.body.Entries))).toEqual([
      [jobIdOf(0), jobIdOf(1), jobIdOf(2)],
      [jobIdOf(1)],
      [jobIdOf(1)],
    ]);
  });

  it('tries a refused entry 4 times by default', async () => {
    bus.refuse(() => ({ code: 'ThrottlingException', message: 'Rate exceeded' }));

    await expect(publisher().publish([requested(0)])).rejects.toThrow(
      /after 4 attempts: .*ThrottlingException \(Rate exceeded\)/,
    );
    expect(bus.requests).toHaveLength(4);
  });

  it('refuses an entry over 256 KB before sending anything', async () => {
    const oversized = bigReport(262_144);
    const publishing = publisher().publish([requested(0), oversized]);

    await expect(publishing).rejects.toThrow(InvalidInputError);
    // 14 (Time) + 13 (alex.reporter) + 19 (SpecialistCompleted) + the Detail's bytes.
    const expectedSize = 14 + 13 + 19 + Buffer.byteLength(JSON.stringify(oversized.detail), 'utf8');
    await expect(publishing).rejects.toThrow(
      `SpecialistCompleted event from alex.reporter is ${expectedSize} bytes; EventBridge accepts at most 262144 bytes per entry`,
    );
    expect(bus.requests).toHaveLength(0);
  });

  it('keeps each request under the 256 KB total, not only under 10 entries', async () => {
    // Three ~100 KB events: two fit one request (~200 KB), the third needs another.
    await publisher().publish([bigReport(100_000, 0), bigReport(100_000, 1), bigReport(100_000, 2)]);

    expect(bus.requests.map((request) => request.body.Entries.length)).toEqual([2, 1]);
    expect(bus.accepted).toHaveLength(3);
  });

  it('rejects an invalid detail with the field named, and sends none of the batch', async () => {
    const { jobId: _omitted, ...withoutJobId } = catalog.AnalysisRequested.example;
    const invalid = { ...requested(1), detail: withoutJobId } as unknown as OutgoingEvent;

    const publishing = publisher().publish([requested(0), invalid]);

    await expect(publishing).rejects.toThrow(InvalidInputError);
    await expect(publishing).rejects.toThrow(/^AnalysisRequested detail\.jobId: /);
    expect(bus.requests).toHaveLength(0);
  });

  it('does nothing for an empty list', async () => {
    await publisher().publish([]);
    expect(bus.requests).toHaveLength(0);
  });

  it('refuses a maxAttempts below 1', () => {
    expect(() => publisher({ maxAttempts: 0 })).toThrow('maxAttempts: must be a whole number of at least 1 (got 0)');
  });
});

describe('entrySize', () => {
  it('counts as EventBridge documents: Time 14 bytes, then UTF-8 bytes of the strings', () => {
    const size = entrySize({
      Time: TIME,
      Source: 'alex.cli', // 8
      DetailType: 'AnalysisRequested', // 17
      Detail: '{"a":"é"}', // 10: é is two bytes
      Resources: ['arn:x', 'ü'], // 5 + 2
      EventBusName: 'alex-bus', // not counted
    });
    expect(size).toBe(14 + 8 + 17 + 10 + 7);
  });

  it('leaves out Time when it is absent', () => {
    expect(entrySize({ Source: 'a', DetailType: 'b', Detail: '{}' })).toBe(4);
  });
});

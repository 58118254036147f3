import {
  CancelReplayCommand,
  DescribeArchiveCommand,
  DescribeEventBusCommand,
  DescribeReplayCommand,
  DescribeRuleCommand,
  InvalidEventPatternException,
  ListArchivesCommand,
  ListEventBusesCommand,
  ListReplaysCommand,
  ListRulesCommand,
  ListTargetsByRuleCommand,
  PutEventsCommand,
  ResourceNotFoundException,
  StartReplayCommand,
  TestEventPatternCommand,
} from '@aws-sdk/client-eventbridge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '#events/catalog.ts';
import { Replays } from '#infra/local/aws-endpoints/replays.ts';
import { standaloneRuntime } from '#infra/local/aws-endpoints/standalone.ts';
import { startTestEndpoints, type TestEndpoints } from '#test/support/aws-endpoints.ts';

const BUS = 'alex-bus';
const ARCHIVE_ARN = 'arn:aws:events:us-east-1:000000000000:archive/alex-archive';
const BUS_ARN = 'arn:aws:events:us-east-1:000000000000:event-bus/alex-bus';

const request = (jobId: string) => ({
  Source: 'com.example.crm',
  DetailType: 'AnalysisRequested',
  Detail: JSON.stringify({ ...catalog.AnalysisRequested.example, jobId }),
  EventBusName: BUS,
});
const JOB = '8d0c6c2e-8a55-4a4f-9d43-1c1f4b3d6a11';

describe('EventBridge endpoint with the SDK v3 client', () => {
  let endpoints: TestEndpoints;
  beforeAll(async () => {
    endpoints = await startTestEndpoints();
  });
  afterAll(() => endpoints.close());

  it('PutEvents accepts good entries and fails bad ones one by one, with AWS codes and FailedEntryCount', async () => {
    const jobs = endpoints.runtime.queues.get('jobs')!.queue;
    const before = jobs.visibleCount;
    const result = await endpoints.eventBridge().send(
      new PutEventsCommand({
        Entries: [
          request(JOB),
          { Source: 'com.example.crm', DetailType: 'AnalysisRequested', Detail: '[1,2]', EventBusName: BUS },
          { Source: 'com.example.crm', DetailType: 'AnalysisRequested', EventBusName: BUS },
          { ...request(JOB), EventBusName: 'no-such-bus' },
          { ...request(JOB), DetailType: 'SpecialistCompleted' },
          { ...request(JOB), Source: 'alex.aggregator' },
          { ...request(JOB), TraceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793' },
        ],
      }),
    );
    expect(result.FailedEntryCount).toBe(5);
    const codes = result.Entries!.map((entry) => entry.ErrorCode ?? 'ok');
    expect(codes).toEqual([
      'ok',
      'MalformedDetail',
      'InvalidArgument',
      'ResourceNotFoundException',
      'NotAuthorizedForDetailTypeException',
      'NotAuthorizedForSourceException',
      'ok',
    ]);
    expect(result.Entries![0]!.EventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result.Entries![2]!.ErrorMessage).toBe(
      'Parameter Detail is not valid. Reason: Detail is a required argument.',
    );
    // The two accepted entries were archived and routed by the AnalysisRequested rule to the jobs queue.
    const archived = endpoints.runtime.archive.read().map((event) => event.id);
    expect(archived).toEqual(expect.arrayContaining([result.Entries![0]!.EventId, result.Entries![6]!.EventId]));
    expect(jobs.visibleCount - before).toBe(2);
  });

  it('PutEvents lets an internal key publish internal detail-types', async () => {
    const result = await endpoints.eventBridge(endpoints.internal).send(
      new PutEventsCommand({
        Entries: [
          {
            ...request(JOB),
            Source: 'alex.aggregator',
            DetailType: 'AnalysisCompleted',
            Detail: JSON.stringify(catalog.AnalysisCompleted.example),
          },
        ],
      }),
    );
    expect(result.FailedEntryCount).toBe(0);
  });

  it('PutEvents refuses a request of more than 10 entries, or over 256 KB in all, as a whole', async () => {
    const client = endpoints.eventBridge();
    await expect(
      client.send(new PutEventsCommand({ Entries: Array.from({ length: 11 }, () => request(JOB)) })),
    ).rejects.toMatchObject({ name: 'ValidationException' });
    const big = { ...request(JOB), Detail: JSON.stringify({ padding: 'x'.repeat(140_000) }) };
    await expect(client.send(new PutEventsCommand({ Entries: [big, big] }))).rejects.toMatchObject({
      name: 'ValidationException',
    });
  });

  it('TestEventPattern answers true and false, and a bad pattern is InvalidEventPatternException', async () => {
    const client = endpoints.eventBridge();
    const event = JSON.stringify({
      id: '1',
      account: '123456789012',
      source: 'com.example.crm',
      time: '2026-11-21T09:30:00Z',
      region: 'us-east-1',
      resources: [],
      'detail-type': 'AnalysisRequested',
      detail: { userId: 'household-42' },
    });
    const yes = await client.send(
      new TestEventPatternCommand({
        EventPattern: JSON.stringify({ detail: { userId: [{ prefix: 'house' }] } }),
        Event: event,
      }),
    );
    const no = await client.send(
      new TestEventPatternCommand({ EventPattern: JSON.stringify({ source: ['alex.planner'] }), Event: event }),
    );
    expect([yes.Result, no.Result]).toEqual([true, false]);
    await expect(
      client.send(new TestEventPatternCommand({ EventPattern: '{"source": "not-a-list"}', Event: event })),
    ).rejects.toBeInstanceOf(InvalidEventPatternException);
  });

  it('lists and describes the bus, its rules and their targets, and says when one does not exist', async () => {
    const client = endpoints.eventBridge();
    const buses = await client.send(new ListEventBusesCommand({}));
    expect(buses.EventBuses!.map((bus) => [bus.Name, bus.Arn])).toEqual([[BUS, BUS_ARN]]);
    expect((await client.send(new DescribeEventBusCommand({ Name: BUS }))).Arn).toBe(BUS_ARN);
    await expect(client.send(new DescribeEventBusCommand({ Name: 'other' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );

    const first = await client.send(new ListRulesCommand({ EventBusName: BUS, Limit: 2 }));
    expect(first.Rules).toHaveLength(2);
    expect(first.NextToken).toBeDefined();
    const rest = await client.send(new ListRulesCommand({ EventBusName: BUS, NextToken: first.NextToken }));
    // The jobs rule and one rule per service (the topology in infra/topology.ts): 8 in all.
    expect(first.Rules!.length + rest.Rules!.length).toBe(8);

    const rule = await client.send(new DescribeRuleCommand({ Name: 'alex-analysis-requested', EventBusName: BUS }));
    expect(JSON.parse(rule.EventPattern!)).toEqual({ 'detail-type': ['AnalysisRequested'] });
    expect(rule.State).toBe('ENABLED');
    const targets = await client.send(
      new ListTargetsByRuleCommand({ Rule: 'alex-analysis-requested', EventBusName: BUS }),
    );
    expect(targets.Targets).toEqual([{ Id: 'alex-jobs', Arn: 'arn:aws:sqs:us-east-1:000000000000:alex-jobs' }]);
    await expect(client.send(new DescribeRuleCommand({ Name: 'nope', EventBusName: BUS }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('describes the archive with its event count', async () => {
    const client = endpoints.eventBridge();
    const archived = endpoints.runtime.archive.read().length;
    const list = await client.send(new ListArchivesCommand({}));
    expect(list.Archives!.map((archive) => archive.ArchiveName)).toEqual(['alex-archive']);
    const archive = await client.send(new DescribeArchiveCommand({ ArchiveName: 'alex-archive' }));
    expect([archive.ArchiveArn, archive.EventSourceArn, archive.State, archive.EventCount]).toEqual([
      ARCHIVE_ARN,
      BUS_ARN,
      'ENABLED',
      archived,
    ]);
  });

  it('replays the archive to one rule: STARTING, RUNNING, COMPLETED; events carry replay-name and are not archived again', async () => {
    const client = endpoints.eventBridge(endpoints.internal);
    const archivedBefore = endpoints.runtime.archive.read();
    const requested = archivedBefore.filter((event) => event['detail-type'] === 'AnalysisRequested').length;
    const seen: Array<string | undefined> = [];
    const stop = endpoints.runtime.bus.subscribe((event) => seen.push(event['replay-name']));
    const started = await client.send(
      new StartReplayCommand({
        ReplayName: 'replay-one',
        EventSourceArn: ARCHIVE_ARN,
        EventStartTime: new Date(Date.now() - 3_600_000),
        EventEndTime: new Date(),
        Destination: {
          Arn: BUS_ARN,
          FilterArns: ['arn:aws:events:us-east-1:000000000000:rule/alex-bus/alex-analysis-requested'],
        },
      }),
    );
    expect(started.State).toBe('STARTING');
    let described = await client.send(new DescribeReplayCommand({ ReplayName: 'replay-one' }));
    for (let i = 0; i < 100 && described.State !== 'COMPLETED'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      described = await client.send(new DescribeReplayCommand({ ReplayName: 'replay-one' }));
    }
    stop();
    expect(described.State).toBe('COMPLETED');
    expect(described.ReplayEndTime).toBeInstanceOf(Date);
    expect(endpoints.replayStates.filter((r) => r.name === 'replay-one').map((r) => r.state)).toEqual([
      'STARTING',
      'RUNNING',
      'COMPLETED',
    ]);
    expect(seen).toHaveLength(archivedBefore.length);
    expect(new Set(seen)).toEqual(new Set(['replay-one']));
    expect(endpoints.runtime.archive.read()).toHaveLength(archivedBefore.length);
    expect(requested).toBeGreaterThan(0);

    const listed = await client.send(new ListReplaysCommand({ NamePrefix: 'replay-' }));
    expect(listed.Replays!.map((replay) => [replay.ReplayName, replay.State])).toEqual([['replay-one', 'COMPLETED']]);
    await expect(client.send(new CancelReplayCommand({ ReplayName: 'replay-one' }))).rejects.toMatchObject({
      name: 'IllegalStatusException',
    });
    await expect(client.send(new DescribeReplayCommand({ ReplayName: 'nope' }))).rejects.toBeInstanceOf(
      ResourceNotFoundException,
    );
  });

  it('CancelReplay stops a replay between steps: CANCELLING, then CANCELLED, with nothing more replayed', async () => {
    const runtime = standaloneRuntime();
    runtime.bus.put(
      Array.from({ length: 3 }, () => ({
        source: 'com.example.crm',
        detailType: 'AnalysisRequested',
        detail: request(JOB).Detail,
        resources: [],
        time: new Date(Date.now() - 1000),
      })),
    );
    const states: string[] = [];
    const replays = new Replays(runtime, (record) => states.push(record.state));
    replays.start({
      name: 'r',
      start: new Date(Date.now() - 60_000),
      end: new Date(),
      destination: { Arn: BUS_ARN },
    });
    expect(replays.cancel('r').state).toBe('CANCELLING');
    await new Promise((resolve) => setImmediate(resolve));
    expect(states).toEqual(['STARTING', 'CANCELLING', 'CANCELLED']);
    expect(replays.describe('r').replayed).toBe(0);
  });

  it('refuses unsigned requests, unknown keys and wrong signatures with AWS errors', async () => {
    const unsigned = await fetch(endpoints.url, {
      method: 'POST',
      headers: { 'x-amz-target': 'AWSEvents.ListEventBuses', 'content-type': 'application/x-amz-json-1.1' },
      body: '{}',
    });
    expect(unsigned.status).toBe(403);
    expect(((await unsigned.json()) as { __type: string }).__type).toBe('MissingAuthenticationTokenException');
    const unknown = { ...endpoints.outside, accessKeyId: 'AKIAUNKNOWNKEY000000' };
    await expect(endpoints.eventBridge(unknown).send(new ListEventBusesCommand({}))).rejects.toMatchObject({
      name: 'UnrecognizedClientException',
    });
    const wrongSecret = { ...endpoints.outside, secretAccessKey: 'not-the-secret-not-the-secret-not-the-se' };
    await expect(endpoints.eventBridge(wrongSecret).send(new ListEventBusesCommand({}))).rejects.toMatchObject({
      name: 'InvalidSignatureException',
    });
  });
});

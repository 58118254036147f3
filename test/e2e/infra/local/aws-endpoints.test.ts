/**
 * Another system publishes to Alex as it would on AWS: the AWS CLI, with the exports from
 * `alex credentials`, against the local endpoints in front of the full runtime. PutEvents and
 * SendMessage each start an analysis that completes; a forged internal event is refused.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalog } from '#events/catalog.ts';
import { main } from '#infra/cli/main.ts';
import { type AwsEndpointServer, startAwsEndpointServer } from '#infra/local/aws-endpoints/index.ts';
import { loadKeyStore, recordEndpoint } from '#infra/local/aws-endpoints/keys.ts';
import { LocalRuntime } from '#infra/local/runtime.ts';
import { savePortfolio } from '#services/common/portfolio-store.ts';
import { examplePortfolio, isJobEnd } from '../../support.ts';

const run = promisify(execFile);
let home: string;
let runtime: LocalRuntime;
let server: AwsEndpointServer;
let env: NodeJS.ProcessEnv;
const userId = examplePortfolio().user.id;

async function credentials(args: string[] = []): Promise<Record<string, string>> {
  const out: string[] = [];
  const code = await main(['credentials', '--home', home, ...args], {
    out: (text) => out.push(text),
    err: () => undefined,
    cwd: home,
    env: {},
  });
  expect(code).toBe(0);
  return Object.fromEntries(
    out
      .join('\n')
      .split('\n')
      .map((line) => /^export ([A-Z_]+)=(.*)$/.exec(line)!)
      .map(([, name, value]) => [name!, value!.replace(/^'|'$/g, '')]),
  );
}

/** The CLI v1 sends SQS calls to queue.amazonaws.com whatever AWS_ENDPOINT_URL says, so --endpoint-url always. */
async function aws(...args: string[]): Promise<unknown> {
  const { stdout } = await run('aws', ['--endpoint-url', env.AWS_ENDPOINT_URL!, ...args, '--output', 'json'], {
    env,
    cwd: home,
  });
  return stdout.trim() === '' ? {} : JSON.parse(stdout);
}

beforeAll(async () => {
  home = mkdtempSync(join(tmpdir(), 'alex-aws-cli-'));
  runtime = await LocalRuntime.start({ home, msPerQueueSecond: 0.2 });
  await savePortfolio(runtime.db, examplePortfolio());
  // Keys are made before the server starts and kept: the second call prints the same pair.
  const { AWS_ENDPOINT_URL: _before, ...first } = await credentials();
  server = await startAwsEndpointServer({ runtime, keys: loadKeyStore(home) });
  recordEndpoint(home, server.url);
  const { AWS_ENDPOINT_URL, ...keys } = await credentials();
  expect(keys).toEqual(first);
  expect(keys.AWS_REGION).toBe('us-east-1');
  expect(AWS_ENDPOINT_URL).toBe(server.url);
  env = {
    PATH: process.env.PATH,
    HOME: home,
    AWS_CONFIG_FILE: join(home, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: join(home, 'no-credentials'),
    AWS_ENDPOINT_URL,
    ...keys,
  };
});

afterAll(async () => {
  await server?.close();
  await runtime?.close();
  rmSync(home, { recursive: true, force: true });
});

describe('the AWS CLI against the local endpoints, with the exports of alex credentials', () => {
  it('put-events with AnalysisRequested starts an analysis that completes', async () => {
    const jobId = '1b2c3d4e-0000-4000-8000-000000000001';
    const done = runtime.waitForEvent(isJobEnd(jobId), 60_000);
    const entries = [
      {
        Source: 'com.example.crm',
        DetailType: 'AnalysisRequested',
        Detail: JSON.stringify({ version: 1, jobId, userId, requestedAt: new Date().toISOString() }),
        EventBusName: 'alex-bus',
      },
    ];
    writeFileSync(join(home, 'request.json'), JSON.stringify(entries));
    const result = (await aws('events', 'put-events', '--entries', 'file://request.json')) as {
      FailedEntryCount: number;
      Entries: Array<{ EventId?: string }>;
    };
    expect(result.FailedEntryCount).toBe(0);
    expect((await done)['detail-type']).toBe('AnalysisCompleted');
  });

  it('put-events refuses a forged internal event from an outside key, for that entry only', async () => {
    const forged = {
      Source: 'com.example.crm',
      DetailType: 'AnalysisCompleted',
      Detail: JSON.stringify(catalog.AnalysisCompleted.example),
    };
    writeFileSync(
      join(home, 'forged.json'),
      JSON.stringify([
        forged,
        {
          ...forged,
          DetailType: 'ClassificationRequested',
          Detail: JSON.stringify(catalog.ClassificationRequested.example),
        },
      ]),
    );
    const before = runtime.archive.read().length;
    const result = (await aws('events', 'put-events', '--entries', 'file://forged.json')) as {
      FailedEntryCount: number;
      Entries: Array<{ ErrorCode?: string }>;
    };
    expect(result.FailedEntryCount).toBe(1);
    expect(result.Entries.map((entry) => entry.ErrorCode ?? 'ok')).toEqual([
      'NotAuthorizedForDetailTypeException',
      'ok',
    ]);
    const archived = runtime.archive
      .read()
      .slice(before)
      .map((event) => event['detail-type']);
    expect(archived).toContain('ClassificationRequested');
    expect(archived).not.toContain('AnalysisCompleted');
    await runtime.idle();
  });

  it('sqs send-message to the jobs queue starts an analysis that completes', async () => {
    const jobId = '1b2c3d4e-0000-4000-8000-000000000002';
    const done = runtime.waitForEvent(isJobEnd(jobId), 60_000);
    const { QueueUrl } = (await aws('sqs', 'get-queue-url', '--queue-name', 'alex-jobs')) as { QueueUrl: string };
    expect(QueueUrl).toBe(`${server.url}/000000000000/alex-jobs`);
    const body = JSON.stringify({ version: 1, jobId, userId, requestedAt: new Date().toISOString() });
    const sent = (await aws('sqs', 'send-message', '--queue-url', QueueUrl, '--message-body', body)) as {
      MD5OfMessageBody: string;
    };
    expect(sent.MD5OfMessageBody).toMatch(/^[0-9a-f]{32}$/);
    expect((await done)['detail-type']).toBe('AnalysisCompleted');
  });

  it('sqs receive-message reads a message with its attributes from a queue nobody consumes', async () => {
    const queueUrl = `${server.url}/000000000000/alex-charter-dlq`;
    await aws(
      'sqs',
      'send-message',
      '--queue-url',
      queueUrl,
      '--message-body',
      'inspect me',
      '--message-attributes',
      '{"origin":{"DataType":"String","StringValue":"cli"}}',
    );
    const received = (await aws(
      'sqs',
      'receive-message',
      '--queue-url',
      queueUrl,
      '--message-attribute-names',
      'All',
      '--wait-time-seconds',
      '1',
    )) as { Messages: Array<{ Body: string; MessageAttributes: Record<string, { StringValue: string }> }> };
    expect(received.Messages.map((message) => [message.Body, message.MessageAttributes.origin!.StringValue])).toEqual([
      ['inspect me', 'cli'],
    ]);
  });

  it('events test-event-pattern answers true and false', async () => {
    const event = JSON.stringify({
      id: '1',
      account: '123456789012',
      source: 'com.example.crm',
      time: '2026-11-21T09:30:00Z',
      region: 'us-east-1',
      resources: [],
      'detail-type': 'AnalysisRequested',
      detail: { tasks: ['report'] },
    });
    const yes = await aws(
      'events',
      'test-event-pattern',
      '--event-pattern',
      '{"detail":{"tasks":["report"]}}',
      '--event',
      event,
    );
    const no = await aws(
      'events',
      'test-event-pattern',
      '--event-pattern',
      '{"source":["alex.cli"]}',
      '--event',
      event,
    );
    expect([yes, no]).toEqual([{ Result: true }, { Result: false }]);
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, ListEventBusesCommand } from '@aws-sdk/client-eventbridge';
import { GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AwsEndpoints, isAwsRequest } from '#infra/local/aws-endpoints/index.ts';
import { ensureKey, loadKeyStore } from '#infra/local/aws-endpoints/keys.ts';
import { standaloneRuntime } from '#infra/local/aws-endpoints/standalone.ts';
import { listen, shutDown } from '#test/support/loopback.ts';

/**
 * The endpoints mounted on a port that also serves other routes, as `alex serve` would: a
 * fetch-style router turns node requests into Request objects and sends AWS ones (by X-Amz-Target)
 * to handleFetch, the rest to its own routes.
 */
describe('the endpoints mounted beside other routes with isAwsRequest and handleFetch', () => {
  const home = mkdtempSync(join(tmpdir(), 'alex-mount-'));
  const key = ensureKey(home, 'mounted');
  const endpoints = new AwsEndpoints({ runtime: standaloneRuntime(), keys: loadKeyStore(home) });
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const headers = new Headers();
    for (const [name, value] of Object.entries(req.headers)) if (typeof value === 'string') headers.set(name, value);
    const request = new Request(`http://${req.headers.host}${req.url}`, {
      method: req.method,
      headers,
      ...(req.method === 'GET' ? {} : { body: Buffer.concat(chunks) }),
    });
    const response = isAwsRequest(request.headers)
      ? await endpoints.handleFetch(request)
      : new Response('{"route":"api"}', { headers: { 'content-type': 'application/json' } });
    res.writeHead(response.status, Object.fromEntries(response.headers));
    res.end(Buffer.from(await response.arrayBuffer()));
  });
  let url: string;
  beforeAll(async () => {
    url = await listen(server);
  });
  afterAll(async () => {
    endpoints.close();
    await shutDown(server);
    rmSync(home, { recursive: true, force: true });
  });

  it('answers the SDK clients on the shared port, and leaves other requests to the other routes', async () => {
    const credentials = { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey };
    const eventBridge = new EventBridgeClient({ endpoint: url, region: 'us-east-1', credentials });
    const sqs = new SQSClient({ endpoint: url, region: 'us-east-1', credentials });
    expect((await eventBridge.send(new ListEventBusesCommand({}))).EventBuses?.[0]?.Name).toBe('alex-bus');
    expect((await sqs.send(new GetQueueUrlCommand({ QueueName: 'alex-jobs' }))).QueueUrl).toBe(
      `${url}/000000000000/alex-jobs`,
    );
    expect(await (await fetch(`${url}/api/jobs`)).json()).toEqual({ route: 'api' });
    eventBridge.destroy();
    sqs.destroy();
  });
});

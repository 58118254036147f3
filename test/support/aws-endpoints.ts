/**
 * The local AWS-compatible endpoints on a loopback port, with real SDK clients signed by key
 * pairs the runtime issued: one for an outside publisher, one internal. Over a standalone bus
 * and queues (nothing consumes them) unless a full runtime is given.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { type AwsEndpointServer, startAwsEndpointServer } from '#infra/local/aws-endpoints/index.ts';
import { ensureKey, type KeyPair, loadKeyStore } from '#infra/local/aws-endpoints/keys.ts';
import type { EndpointRuntime } from '#infra/local/aws-endpoints/local-resources.ts';
import type { ReplayRecord } from '#infra/local/aws-endpoints/replays.ts';
import { standaloneRuntime } from '#infra/local/aws-endpoints/standalone.ts';

export interface TestEndpoints {
  url: string;
  home: string;
  runtime: EndpointRuntime;
  server: AwsEndpointServer;
  outside: KeyPair;
  internal: KeyPair;
  replayStates: ReplayRecord[];
  eventBridge(key?: KeyPair): EventBridgeClient;
  sqs(key?: KeyPair, options?: { endpoint?: boolean }): SQSClient;
  close(): Promise<void>;
}

export async function startTestEndpoints(
  options: { runtime?: EndpointRuntime; home?: string } = {},
): Promise<TestEndpoints> {
  const home = options.home ?? mkdtempSync(join(tmpdir(), 'alex-endpoints-'));
  const outside = ensureKey(home, 'partner-crm');
  const internal = ensureKey(home, 'alex-operator', true);
  const runtime = options.runtime ?? standaloneRuntime();
  const replayStates: ReplayRecord[] = [];
  const server = await startAwsEndpointServer({
    runtime,
    keys: loadKeyStore(home),
    onReplayState: (record) => replayStates.push(record),
  });
  const clients: Array<{ destroy(): void }> = [];
  const credentials = (key: KeyPair) => ({ accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey });
  return {
    url: server.url,
    home,
    runtime,
    server,
    outside,
    internal,
    replayStates,
    eventBridge(key = outside) {
      const client = new EventBridgeClient({
        endpoint: server.url,
        region: 'us-east-1',
        credentials: credentials(key),
      });
      clients.push(client);
      return client;
    },
    sqs(key = outside, { endpoint = true } = {}) {
      // Without an endpoint, the client sends each call to its QueueUrl's host, as on AWS.
      const client = new SQSClient({
        ...(endpoint ? { endpoint: server.url } : {}),
        region: 'us-east-1',
        credentials: credentials(key),
      });
      clients.push(client);
      return client;
    },
    async close() {
      for (const client of clients) client.destroy();
      await server.close();
      if (!options.home) rmSync(home, { recursive: true, force: true });
    },
  };
}

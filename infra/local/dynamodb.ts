/**
 * DynamoDB for the local runtime: dynalite served on a loopback port, in a worker thread of this
 * process, so the real AWS SDK client and the real adapter code (Powertools idempotency, the
 * completion tracker) run against it over HTTP. On disk under the state folder, in memory
 * without one.
 */
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { CreateTableCommand, DynamoDBClient, ResourceInUseException } from '@aws-sdk/client-dynamodb';
import dynalite from 'dynalite';
import { TABLES } from '../topology.ts';

export interface LocalDynamo {
  client: DynamoDBClient;
  endpoint: string;
  close(): Promise<void>;
}

export async function startLocalDynamo(
  path?: string,
  { inWorker = true }: { inWorker?: boolean } = {},
): Promise<LocalDynamo> {
  const { port, stop } = inWorker ? await serveInWorker(path) : await serveInProcess(path);
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 3,
  });
  await ensureTables(client);
  return {
    client,
    endpoint,
    close: async () => {
      client.destroy();
      await stop();
    },
  };
}

interface Served {
  port: number;
  stop: () => Promise<void>;
}

/** dynalite on its own thread, so its work runs on another core than the services'. */
async function serveInWorker(path: string | undefined): Promise<Served> {
  const worker = new Worker(new URL('./dynalite-worker.mjs', import.meta.url), { workerData: { path } });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (message: { port?: number; error?: string }) =>
      message.port ? resolve(message.port) : reject(new Error(`dynalite did not start: ${message.error}`)),
    );
  });
  return {
    port,
    stop: async () => {
      const closed = new Promise<void>((resolve) => worker.once('message', () => resolve()));
      worker.postMessage('close');
      await closed;
      await worker.terminate();
    },
  };
}

async function serveInProcess(path: string | undefined): Promise<Served> {
  const server = dynalite({ path, createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** The tables the services use, with the key schemas the CDK core stack declares too. */
export const TABLE_DEFINITIONS = [
  { name: TABLES.completion, partitionKey: 'pk', sortKey: 'sk' },
  { name: TABLES.idempotency, partitionKey: 'id', sortKey: undefined },
] as const;

async function ensureTables(client: DynamoDBClient): Promise<void> {
  for (const table of TABLE_DEFINITIONS) {
    const keys = [
      { name: table.partitionKey, type: 'HASH' as const },
      ...(table.sortKey ? [{ name: table.sortKey, type: 'RANGE' as const }] : []),
    ];
    try {
      await client.send(
        new CreateTableCommand({
          TableName: table.name,
          BillingMode: 'PAY_PER_REQUEST',
          KeySchema: keys.map((key) => ({ AttributeName: key.name, KeyType: key.type })),
          AttributeDefinitions: keys.map((key) => ({ AttributeName: key.name, AttributeType: 'S' })),
        }),
      );
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
  }
}

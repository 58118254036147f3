/**
 * The publisher side of the ingress benchmark, run as its own process (as another system would
 * be): a real SDK v3 EventBridgeClient sending 10-entry PutEvents requests, a few in flight.
 * Reads its settings from INGRESS_* variables; prints `ready` after warming up, waits for a line
 * on stdin, then prints one JSON line with what it measured.
 */
import { createInterface } from 'node:readline';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';

const env = process.env;
const client = new EventBridgeClient({
  endpoint: env.INGRESS_URL!,
  region: 'us-east-1',
  credentials: { accessKeyId: env.INGRESS_KEY_ID!, secretAccessKey: env.INGRESS_SECRET! },
});
const inFlight = Number(env.INGRESS_IN_FLIGHT);
let sequence = 0;
let accepted = 0;

const command = () =>
  new PutEventsCommand({
    Entries: Array.from({ length: 10 }, () => ({
      Source: 'com.example.bench',
      DetailType: 'AnalysisRequested',
      EventBusName: 'alex-bus',
      Detail: JSON.stringify({
        version: 1,
        jobId: `00000000-0000-4000-8000-${String(sequence++).padStart(12, '0')}`,
        userId: 'household-42',
        requestedAt: '2026-11-21T09:30:00.000Z',
      }),
    })),
  });

async function run(count: number): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: inFlight }, async () => {
      while (next++ < count) {
        const response = await client.send(command());
        accepted += 10 - (response.FailedEntryCount ?? 0);
      }
    }),
  );
}

await run(Number(env.INGRESS_WARM_UP));
process.stdout.write('ready\n');
await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()));
const before = accepted;
const started = performance.now();
await run(Number(env.INGRESS_REQUESTS));
const ms = performance.now() - started;
process.stdout.write(`${JSON.stringify({ measured: accepted - before, accepted, ms })}\n`);
client.destroy();

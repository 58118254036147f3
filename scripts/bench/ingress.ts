/**
 * Ingress through the AWS-compatible endpoint: a real SDK v3 EventBridgeClient sends 10-entry
 * PutEvents requests over loopback (SigV4 signed and verified), a few in flight at once, as a
 * busy publisher would. Afterwards every accepted entry must be in the archive file and in the
 * jobs queue (the AnalysisRequested rule's target); nothing consumes the queue, so the figure is
 * the ingress path alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { startAwsEndpointServer } from '#infra/local/aws-endpoints/index.ts';
import { ensureKey, loadKeyStore } from '#infra/local/aws-endpoints/keys.ts';
import { standaloneRuntime } from '#infra/local/aws-endpoints/standalone.ts';
import { atLeast, type BenchResult, result } from './results.ts';

export const INGRESS_TARGET_ENTRIES_PER_SECOND = 5_000;

export interface IngressStats {
  entriesPerSecond: number;
  accepted: number;
  archived: number;
  routed: number;
  requests: number;
  inFlight: number;
}

export async function measureIngress(
  options: { requests?: number; inFlight?: number; warmUp?: number } = {},
): Promise<IngressStats> {
  const requests = options.requests ?? 1500;
  const inFlight = options.inFlight ?? 8;
  const home = mkdtempSync(join(tmpdir(), 'alex-bench-ingress-'));
  const runtime = standaloneRuntime({ archiveFile: join(home, 'archive.jsonl') });
  const key = ensureKey(home, 'bench-publisher');
  const server = await startAwsEndpointServer({ runtime, keys: loadKeyStore(home) });
  const client = new EventBridgeClient({
    endpoint: server.url,
    region: 'us-east-1',
    credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey },
  });
  let sequence = 0;
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
  let accepted = 0;
  const run = async (count: number) => {
    let next = 0;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next++ < count) {
          const response = await client.send(command());
          accepted += 10 - (response.FailedEntryCount ?? 0);
        }
      }),
    );
  };
  try {
    await run(options.warmUp ?? 100);
    const started = performance.now();
    const acceptedBefore = accepted;
    await run(requests);
    const seconds = (performance.now() - started) / 1000;
    const measured = accepted - acceptedBefore;
    const archived = runtime.archive.read().length;
    const routed = runtime.queues.get('jobs')!.queue.visibleCount;
    return { entriesPerSecond: measured / seconds, accepted, archived, routed, requests, inFlight };
  } finally {
    client.destroy();
    await server.close();
    rmSync(home, { recursive: true, force: true });
  }
}

export function ingressResults(stats: IngressStats): BenchResult[] {
  if (stats.archived !== stats.accepted || stats.routed !== stats.accepted) {
    throw new Error(
      `ingress: ${stats.accepted} entries accepted but ${stats.archived} archived and ${stats.routed} routed to the jobs queue`,
    );
  }
  return [
    result(
      'ingress.putEventsPerSecond',
      stats.entriesPerSecond,
      'entries/s',
      atLeast(INGRESS_TARGET_ENTRIES_PER_SECOND),
      0,
    ),
  ];
}

export function describeIngress(stats: IngressStats): string {
  return (
    `Ingress: ${stats.requests} PutEvents requests of 10 entries, ${stats.inFlight} in flight, SDK v3 client over loopback; ` +
    `all ${stats.accepted} accepted entries archived and routed to the jobs queue.`
  );
}

/**
 * Ingress through the AWS-compatible endpoint: a publisher process (ingress-client.ts, a real SDK
 * v3 EventBridgeClient) sends 10-entry PutEvents requests over loopback, SigV4 signed and
 * verified, a few in flight at once. Afterwards every accepted entry must be in the archive file
 * and in the jobs queue (the AnalysisRequested rule's target); nothing consumes the queue, so the
 * figure is the ingress path alone. The endpoint's own CPU time per request is reported too.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startAwsEndpointServer } from '#infra/local/aws-endpoints/index.ts';
import { ensureKey, loadKeyStore } from '#infra/local/aws-endpoints/keys.ts';
import { standaloneRuntime } from '#infra/local/aws-endpoints/standalone.ts';
import { atLeast, type BenchResult, result } from './results.ts';

export const INGRESS_TARGET_ENTRIES_PER_SECOND = 5_000;
const CLIENT = fileURLToPath(new URL('./ingress-client.ts', import.meta.url));

export interface IngressStats {
  entriesPerSecond: number;
  accepted: number;
  archived: number;
  routed: number;
  requests: number;
  inFlight: number;
  /** CPU time (user + system) of the endpoint process per 10-entry request. */
  serverCpuMsPerRequest: number;
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
  const child = spawn(process.execPath, ['--import', 'tsx', CLIENT], {
    env: {
      ...process.env,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      INGRESS_URL: server.url,
      INGRESS_KEY_ID: key.accessKeyId,
      INGRESS_SECRET: key.secretAccessKey,
      INGRESS_IN_FLIGHT: String(inFlight),
      INGRESS_WARM_UP: String(options.warmUp ?? 100),
      INGRESS_REQUESTS: String(requests),
    },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  try {
    const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
    const nextLine = async () => {
      const line = await lines.next();
      if (line.done) throw new Error('ingress: the publisher process ended early');
      return line.value;
    };
    if ((await nextLine()) !== 'ready') throw new Error('ingress: the publisher process did not warm up');
    const cpuBefore = process.cpuUsage();
    child.stdin.write('go\n');
    const report = JSON.parse(await nextLine()) as { measured: number; accepted: number; ms: number };
    const cpu = process.cpuUsage(cpuBefore);
    return {
      entriesPerSecond: report.measured / (report.ms / 1000),
      accepted: report.accepted,
      archived: runtime.archive.read().length,
      routed: runtime.queues.get('jobs')!.queue.visibleCount,
      requests,
      inFlight,
      serverCpuMsPerRequest: (cpu.user + cpu.system) / 1000 / requests,
    };
  } finally {
    child.kill();
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
    `Ingress: ${stats.requests} PutEvents requests of 10 entries, ${stats.inFlight} in flight, SDK v3 client in its own process over loopback; ` +
    `all ${stats.accepted} accepted entries archived and routed to the jobs queue; ` +
    `the endpoint used ${stats.serverCpuMsPerRequest.toFixed(2)} ms of CPU per request.`
  );
}

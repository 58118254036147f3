/**
 * The HTTP API as a client meets it: `alex serve` started as a user starts it (its own process,
 * its own home folder), a token from the home's issuer, then: the median time from POST
 * /v1/analyses to the AnalysisCompleted event on the job's SSE stream; the server's resident
 * memory when idle; and GET /v1/analyses/{id} of a finished job under 50 connections (autocannon,
 * loopback) — requests per second and p99 latency.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { loadOrCreateSigningKey, signLocalToken } from '#infra/api/local-issuer.ts';
import { buildCli, warmDatabaseTemplate } from '#scripts/build.ts';
import { atLeast, atMost, type BenchResult, median, result } from './results.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLE = join(ROOT, 'examples', 'portfolio.json');

export const API_TARGETS = {
  requestsPerSecond: atLeast(5000),
  latencyP99Ms: atMost(20),
  idleRssMb: atMost(250),
};
const SUBMISSIONS = 5;
const CONNECTIONS = 50;
const DURATION_SECONDS = 10;

export interface ApiMeasurement {
  requestsPerSecond: number;
  latencyP99Ms: number;
  submitToCompletedP50Ms: number;
  idleRssMb: number;
}

/** `alex serve` on a fresh port and `home`, resolved once it prints its URL; `env` adds to the environment. */
export function startServer(
  home: string,
  env: Record<string, string> = {},
): Promise<{ child: ChildProcess; url: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bin/alex.mjs'), 'serve', '--port', '0', '--home', home], {
      env: { ...process.env, ...env, ALEX_HOME: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (chunk) => {
      out += String(chunk);
      const match = /serving (http:\/\/\S+)/.exec(out);
      if (match) resolve({ child, url: match[1]! });
    });
    child.once('exit', (code) => reject(new Error(`bench: alex serve exited with ${code} before serving`)));
  });
}

/** SIGTERM, resolved once the server has exited (at once if it already had). */
export function stopServer(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    if (child.exitCode !== null) return resolve();
    child.once('exit', () => resolve());
    child.kill('SIGTERM');
  });
}

function rssMb(pid: number): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
}

/** POST, then read the job's SSE stream until AnalysisCompleted: the time a client waits. */
async function submitAndFollow(url: string, token: string): Promise<{ ms: number; jobId: string }> {
  const auth = { Authorization: `Bearer ${token}` };
  const started = performance.now();
  const response = await fetch(`${url}/v1/analyses`, { method: 'POST', headers: auth });
  if (response.status !== 202) throw new Error(`POST /v1/analyses answered ${response.status}`);
  const { jobId } = (await response.json()) as { jobId: string };
  const stream = await fetch(`${url}/v1/analyses/${jobId}/events`, { headers: auth });
  const decoder = new TextDecoder();
  let text = '';
  for await (const chunk of stream.body!) {
    text += decoder.decode(chunk as Uint8Array);
    if (text.includes('event: AnalysisCompleted')) break;
    if (text.includes('event: AnalysisFailed')) throw new Error(`job ${jobId} failed`);
  }
  return { ms: performance.now() - started, jobId };
}

export async function measureApi(progress: (message: string) => void): Promise<ApiMeasurement> {
  // From the build, as `npm ci` leaves it: a stale one would make alex serve compile from source
  // (tsx and esbuild in the process, about 80 MB more), which `--only api` would then measure.
  progress('api: building the command line, as npm ci does');
  await buildCli();
  await warmDatabaseTemplate();
  const home = mkdtempSync(join(tmpdir(), 'alex-bench-api-'));
  progress('api: starting alex serve');
  const { child, url } = await startServer(home, { ALEX_API_RATE: '1000000', ALEX_API_BURST: '1000000' });
  try {
    const token = await signLocalToken(await loadOrCreateSigningKey(home), { userId: 'bench', ttlSeconds: 3600 });
    const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
    const put = await fetch(`${url}/v1/portfolio`, { method: 'PUT', headers, body: readFileSync(EXAMPLE, 'utf8') });
    if (put.status !== 200) throw new Error(`PUT /v1/portfolio answered ${put.status}`);
    progress(`api: ${SUBMISSIONS} analyses submitted and followed one at a time (plus one warm-up)`);
    const { jobId } = await submitAndFollow(url, token);
    const times: number[] = [];
    for (let i = 0; i < SUBMISSIONS; i++) times.push((await submitAndFollow(url, token)).ms);

    await new Promise((resolve) => setTimeout(resolve, 2000));
    const idleRssMb = rssMb(child.pid!);

    progress(`api: GET /v1/analyses/{id}, ${CONNECTIONS} connections, ${DURATION_SECONDS} s`);
    const load = await autocannon({
      url: `${url}/v1/analyses/${jobId}`,
      connections: CONNECTIONS,
      duration: DURATION_SECONDS,
      headers: { Authorization: `Bearer ${token}` },
    });
    if (load.non2xx > 0 || load.errors > 0)
      throw new Error(`load run: ${load.non2xx} non-2xx answers and ${load.errors} errors`);
    return {
      requestsPerSecond: load.requests.average,
      latencyP99Ms: load.latency.p99,
      submitToCompletedP50Ms: median(times),
      idleRssMb,
    };
  } finally {
    await stopServer(child);
    rmSync(home, { recursive: true, force: true });
  }
}

export function apiResults(m: ApiMeasurement): BenchResult[] {
  return [
    result('api.requestsPerSecond', m.requestsPerSecond, 'req/s', API_TARGETS.requestsPerSecond, 0),
    result('api.latencyP99Ms', m.latencyP99Ms, 'ms', API_TARGETS.latencyP99Ms, 1),
    result('api.submitToCompletedP50Ms', m.submitToCompletedP50Ms, 'ms', undefined, 0),
    result('serve.idleRssMb', m.idleRssMb, 'MB', API_TARGETS.idleRssMb, 0),
  ];
}

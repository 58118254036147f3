/**
 * observability.overheadRatio: end-to-end analyses per second with tracing on (every handler's
 * span, model-call spans, OTLP/HTTP export to a loopback receiver that reads and acknowledges
 * each request) divided by the same load with tracing off. Rounds alternate off/on, so a busy
 * machine's drift falls on both sides; each side keeps its best round.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { runLoad, startExampleRuntime } from './e2e.ts';
import { atLeast, type BenchResult, result } from './results.ts';

export const OVERHEAD_RATIO_TARGET = 0.9;
const ANALYSES = 60;
const WAVE = 20;
const ROUNDS = 2;

export interface ObservabilityMeasurement {
  untracedPerSecond: number;
  tracedPerSecond: number;
  exportRequests: number;
}

async function analysesPerSecond(): Promise<number> {
  const { runtime, portfolio } = await startExampleRuntime();
  try {
    await runLoad(runtime, portfolio.user.id, 5, 5);
    await runtime.idle();
    const load = await runLoad(runtime, portfolio.user.id, ANALYSES, WAVE);
    await runtime.idle();
    return (load.jobs * 1000) / load.wallMs;
  } finally {
    await runtime.close();
  }
}

export async function measureObservability(progress: (message: string) => void): Promise<ObservabilityMeasurement> {
  let exportRequests = 0;
  const receiver = createServer(async (request, response) => {
    for await (const _chunk of request); // read whole, as a backend would
    exportRequests += 1;
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const endpoint = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
  const untraced: number[] = [];
  const traced: number[] = [];
  try {
    for (let round = 1; round <= ROUNDS; round++) {
      progress(`observability round ${round}/${ROUNDS}: ${ANALYSES} analyses untraced, then traced to ${endpoint}`);
      untraced.push(await analysesPerSecond());
      // Read when the runtime (and its worker threads) start, so set before and removed after.
      process.env.OTEL_EXPORTER_OTLP_ENDPOINT = endpoint;
      try {
        traced.push(await analysesPerSecond());
      } finally {
        delete process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
      }
    }
  } finally {
    receiver.closeAllConnections();
    await new Promise((resolve) => receiver.close(resolve));
  }
  return {
    untracedPerSecond: Math.max(...untraced),
    tracedPerSecond: Math.max(...traced),
    exportRequests,
  };
}

export function observabilityResults(measured: ObservabilityMeasurement): BenchResult[] {
  return [
    result(
      'observability.overheadRatio',
      measured.tracedPerSecond / measured.untracedPerSecond,
      'ratio',
      atLeast(OVERHEAD_RATIO_TARGET),
    ),
  ];
}

export function describeObservability(measured: ObservabilityMeasurement): string {
  return (
    `Observability: ${measured.tracedPerSecond.toFixed(1)} analyses/s traced (OTLP/HTTP to a loopback receiver, ` +
    `${measured.exportRequests} export requests) vs ${measured.untracedPerSecond.toFixed(1)}/s untraced; ` +
    `best of ${ROUNDS} alternating rounds of ${ANALYSES} each.`
  );
}

/**
 * The cost of durable local queues: a message is written and fdatasync'd before send returns.
 * Measured on the journal alone, in a fresh folder under the OS temp dir: one send (one sync),
 * and one bus put fanning out to four queues (one sync for the four).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalQueue } from '#infra/local/queue.ts';
import { QueueJournal } from '#infra/local/queue-journal.ts';
import { atMost, type BenchResult, result } from './results.ts';

const SENDS = 300;
const BODY = JSON.stringify({ detail: 'x'.repeat(2000) });

export function measureDurableQueues(): BenchResult[] {
  const home = mkdtempSync(join(tmpdir(), 'alex-bench-durable-'));
  try {
    const queues: LocalQueue[] = [];
    const journal = new QueueJournal(home, () => Object.fromEntries(queues.map((q) => [q.name, q.peekAll()])));
    for (let i = 0; i < 4; i++)
      queues.push(new LocalQueue(`q${i}`, { visibilityTimeoutMs: 1000, maxReceiveCount: 3, store: journal }));
    const single: number[] = [];
    for (let i = 0; i < SENDS; i++) {
      const start = process.hrtime.bigint();
      queues[0]!.send(BODY);
      single.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    const fanout: number[] = [];
    for (let i = 0; i < SENDS / 4; i++) {
      const start = process.hrtime.bigint();
      journal.batch(() => {
        for (const queue of queues) queue.send(BODY);
      });
      fanout.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    journal.close();
    for (const queue of queues) queue.close();
    return [
      result('durable.send.p50', median(single), 'ms', atMost(2), 3),
      result('durable.send.p95', percentile(single, 0.95), 'ms', undefined, 3),
      result('durable.fanout4.p50', median(fanout), 'ms', atMost(3), 3),
    ];
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;
}

function median(values: number[]): number {
  return percentile(values, 0.5);
}

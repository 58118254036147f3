/**
 * The cost run's counters wrap the runtime's queues: a message sent with a delay (a job's
 * deadline) must still arrive late, or the runtime never settles and every count is off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LocalRuntime } from '#infra/local/runtime.ts';
import { instrument } from '#scripts/bench/usage.ts';

let runtime: LocalRuntime;
beforeAll(async () => {
  runtime = await LocalRuntime.start();
}, 60_000);
afterAll(() => runtime?.close());

describe('the cost run counters', () => {
  it('count a delayed message and keep its delay', () => {
    const usage = instrument(runtime);
    const { queue } = runtime.queues.get('aggregator')!;
    queue.send('{}', {}, 60_000);
    expect(queue.delayedCount).toBe(1);
    expect(queue.isEmpty).toBe(true);
    expect(usage.counts.sqsSendRequests).toBe(1);
  });
});

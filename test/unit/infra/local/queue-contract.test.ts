/**
 * LocalQueue's contract with its store and its listeners, on fake timers: what a send, receive,
 * release, visibility change, dead-lettering, takeAll and close record, and when a message is
 * visible again. The expected calls follow the SQS semantics the module header states.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { LocalQueue, type QueueMessage, type QueueStore } from '#infra/local/queue.ts';

/** A store that records each call as `kind queue id` (and what it saw of the message). */
function recordingStore() {
  const calls: string[] = [];
  const store: QueueStore = {
    put: (queue, message) => calls.push(`put ${queue} ${message.body}`),
    delete: (queue, messageId) => calls.push(`delete ${queue} ${messageId}`),
    received: (queue, message) => calls.push(`received ${queue} ${message.body} ${message.receiveCount}`),
    failed: (queue, message) => calls.push(`failed ${queue} ${message.body} ${message.lastError}`),
  };
  return { calls, store };
}

const queues: LocalQueue[] = [];
function makeQueue(options: { maxReceiveCount?: number; random?: () => number; dlq?: boolean } = {}) {
  const { calls, store } = recordingStore();
  const dlq = new LocalQueue('dlq', { visibilityTimeoutMs: 1_000, maxReceiveCount: Infinity, store });
  const queue = new LocalQueue('work', {
    visibilityTimeoutMs: 100,
    maxReceiveCount: options.maxReceiveCount ?? 3,
    ...(options.dlq === false ? {} : { deadLetterQueue: dlq }),
    ...(options.random ? { random: options.random } : {}),
    store,
  });
  queues.push(queue, dlq);
  return { queue, dlq, calls };
}

beforeEach(() => {
  vi.useFakeTimers({ now: 1_000_000 });
});
afterEach(() => {
  for (const queue of queues.splice(0)) queue.close();
  vi.useRealTimers();
});

const bodies = (messages: QueueMessage[]) => messages.map((message) => message.body);

describe('LocalQueue send and receive', () => {
  it('stores a sent message before send returns, with what the sender gave', () => {
    const { queue, calls } = makeQueue();
    const id = queue.send('a', { kind: 'x' }, 0, { traceHeader: 'Root=1-abc', messageAttributes: {} });
    expect(calls).toEqual(['put work a']);
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const [message] = queue.peekAll();
    expect(message).toEqual({
      messageId: id,
      body: 'a',
      sentAt: 1_000_000,
      receiveCount: 0,
      attributes: { kind: 'x' },
      traceHeader: 'Root=1-abc',
      messageAttributes: {},
    });
    expect(queue.send('b')).not.toBe(id);
  });

  it('hands out messages in the order sent unless told to pick at random', () => {
    const { queue } = makeQueue();
    for (const body of ['a', 'b', 'c']) queue.send(body);
    expect(queue.receive(3).map((r) => r.message.body)).toEqual(['a', 'b', 'c']);

    const last = makeQueue({ random: () => 0.99 }).queue;
    for (const body of ['a', 'b', 'c']) last.send(body);
    // 0.99 picks the last of 3, then the last of 2, then the only one.
    expect(last.receive(3).map((r) => r.message.body)).toEqual(['c', 'b', 'a']);
  });

  it('counts every receive and keeps the time of the first, recording each', () => {
    const { queue, calls } = makeQueue();
    queue.send('a');
    const [first] = queue.receive(1);
    expect(first!.message.firstReceivedAt).toBe(1_000_000);
    expect(queue.changeVisibility(first!.receiptHandle, 0)).toBe(true);
    vi.advanceTimersByTime(5);
    const [second] = queue.receive(1);
    expect(second!.message.receiveCount).toBe(2);
    expect(second!.message.firstReceivedAt).toBe(1_000_000);
    expect(second!.receiptHandle).not.toBe(first!.receiptHandle);
    expect(calls).toEqual(['put work a', 'received work a 1', 'received work a 2']);
  });

  it('receives nothing when asked for none', () => {
    const { queue } = makeQueue();
    queue.send('a');
    expect(queue.receive(0)).toEqual([]);
    expect(queue.visibleCount).toBe(1);
  });

  it('deletes by receipt handle once, recording the message id', () => {
    const { queue, calls } = makeQueue();
    const id = queue.send('a');
    const [received] = queue.receive(1);
    expect(queue.delete('no-such-handle')).toBe(false);
    expect(queue.delete(received!.receiptHandle)).toBe(true);
    expect(queue.delete(received!.receiptHandle)).toBe(false);
    expect(calls.filter((call) => call.startsWith('delete'))).toEqual([`delete work ${id}`]);
    // A deleted message never comes back, however long one waits.
    vi.advanceTimersByTime(10_000);
    expect(queue.peekAll()).toEqual([]);
  });
});

describe('LocalQueue visibility', () => {
  it('brings a released message back one visibility timeout after the release, with its error', () => {
    const { queue, calls } = makeQueue();
    queue.send('a');
    const [received] = queue.receive(1);
    vi.advanceTimersByTime(500); // the handler ran long: the timer starts when it lets go
    queue.release(received!.receiptHandle, 'boom');
    expect(calls.at(-1)).toBe('failed work a boom');
    vi.advanceTimersByTime(99);
    expect(queue.visibleCount).toBe(0);
    expect(queue.inFlightCount).toBe(1);
    vi.advanceTimersByTime(1);
    expect(queue.visibleCount).toBe(1);
    expect(queue.inFlightCount).toBe(0);
    expect(queue.receive(1)[0]!.message.lastError).toBe('boom');
  });

  it('keeps the first release of a delivery and at most 2,000 characters of its error', () => {
    const { queue } = makeQueue();
    queue.send('a');
    const [received] = queue.receive(1);
    queue.release(received!.receiptHandle, `${'x'.repeat(1_999)}yz`);
    queue.release(received!.receiptHandle, 'second');
    queue.release('no-such-handle', 'ignored');
    vi.advanceTimersByTime(100);
    const error = queue.receive(1)[0]!.message.lastError!;
    expect(error).toHaveLength(2_000);
    expect(error.endsWith('xy')).toBe(true);
  });

  it('makes an in-flight message visible after the time a visibility change asks for', () => {
    const { queue } = makeQueue();
    queue.send('a');
    const [received] = queue.receive(1);
    queue.release(received!.receiptHandle, 'boom'); // due back in 100 ms …
    expect(queue.changeVisibility(received!.receiptHandle, 1_000)).toBe(true); // … now in 1,000
    vi.advanceTimersByTime(999);
    expect(queue.visibleCount).toBe(0);
    vi.advanceTimersByTime(1);
    expect(queue.visibleCount).toBe(1);
    expect(queue.changeVisibility(received!.receiptHandle, 0)).toBe(false); // no longer in flight
    expect(queue.changeVisibility('no-such-handle', 0)).toBe(false);
  });

  it('tells its listeners when a message becomes visible or leaves, until they unsubscribe', () => {
    const { queue } = makeQueue();
    const listener = vi.fn();
    const unsubscribe = queue.onChange(listener);
    queue.send('a');
    expect(listener).toHaveBeenCalledTimes(1);
    const [received] = queue.receive(1);
    queue.changeVisibility(received!.receiptHandle, 10);
    vi.advanceTimersByTime(10);
    expect(listener).toHaveBeenCalledTimes(2);
    const [again] = queue.receive(1);
    queue.delete(again!.receiptHandle);
    expect(listener).toHaveBeenCalledTimes(3);
    queue.send('later', {}, 50);
    expect(listener).toHaveBeenCalledTimes(3); // not visible yet
    vi.advanceTimersByTime(50);
    expect(listener).toHaveBeenCalledTimes(4);
    unsubscribe();
    queue.send('b');
    expect(listener).toHaveBeenCalledTimes(4);
  });

  it('counts messages in flight, but not delayed ones, as not empty', () => {
    const { queue } = makeQueue();
    expect(queue.isEmpty).toBe(true);
    queue.send('later', {}, 50);
    expect(queue.isEmpty).toBe(true);
    expect(queue.delayedCount).toBe(1);
    queue.send('a');
    expect(queue.isEmpty).toBe(false);
    queue.receive(1);
    expect(queue.visibleCount).toBe(0);
    expect(queue.isEmpty).toBe(false);
  });

  it('sends without a delay straight to the visible messages, and with one at the time it ends', () => {
    const { queue } = makeQueue();
    queue.send('now', {}, 0);
    expect(queue.peekAll()[0]!.notBefore).toBeUndefined();
    expect(queue.visibleCount).toBe(1);
    queue.send('later', {}, 250);
    expect(queue.peekAll()[1]!.notBefore).toBe(1_000_250);
    vi.advanceTimersByTime(249);
    expect(queue.visibleCount).toBe(1);
    vi.advanceTimersByTime(1);
    expect(queue.visibleCount).toBe(2);
    expect(queue.delayedCount).toBe(0);
  });

  it('places a restored message without recording it again, and one whose delay passed at once', () => {
    const { queue, calls } = makeQueue();
    const message = { messageId: 'm1', body: 'r', sentAt: 0, receiveCount: 1, attributes: {}, notBefore: 999_000 };
    queue.restore(message);
    expect(calls).toEqual([]);
    expect(queue.visibleCount).toBe(1);
    expect(queue.delayedCount).toBe(0);
  });
});

describe('LocalQueue dead letters', () => {
  it('moves a message on the receive after its last allowed one, putting before deleting', () => {
    const { queue, dlq, calls } = makeQueue({ maxReceiveCount: 1 });
    const id = queue.send('poison');
    const [received] = queue.receive(1);
    queue.changeVisibility(received!.receiptHandle, 0);
    vi.advanceTimersByTime(1);
    calls.length = 0;
    expect(queue.receive(1)).toEqual([]);
    expect(calls).toEqual(['put dlq poison', `delete work ${id}`]);
    const [dead] = dlq.peekAll();
    expect(dead!.messageId).toBe(id);
    expect(dead!.attributes).toEqual({
      sourceQueue: 'work',
      reason: 'received 1 times without success: no error recorded',
    });
    expect(queue.peekAll()).toEqual([]);
  });

  it('keeps the reason a message already carries, and moves on to the next message in the same receive', () => {
    const { queue, dlq } = makeQueue({ maxReceiveCount: 0 });
    queue.send('dead again', { reason: 'first death' });
    queue.send('dead too');
    expect(queue.receive(1)).toEqual([]);
    const reasons = dlq.peekAll().map((message) => message.attributes.reason);
    expect(reasons).toEqual(['first death', 'received 0 times without success: no error recorded']);
  });

  it('redelivers without limit when the queue has no dead-letter queue', () => {
    const { queue } = makeQueue({ maxReceiveCount: 1, dlq: false });
    queue.send('a');
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const [received] = queue.receive(1);
      expect(received!.message.receiveCount).toBe(attempt);
      queue.changeVisibility(received!.receiptHandle, 0);
      vi.advanceTimersByTime(1);
    }
  });
});

describe('LocalQueue takeAll and close', () => {
  it('takes every message, visible, in flight and delayed, deleting each from the store', () => {
    const { queue, calls } = makeQueue();
    queue.send('visible');
    queue.send('in flight');
    queue.send('delayed', {}, 500);
    queue.receive(2); // both visible ones are in flight now
    queue.send('ready');
    const [second] = queue.receive(1);
    queue.release(second!.receiptHandle, 'boom');
    queue.send('waiting');
    const listener = vi.fn();
    queue.onChange(listener);
    calls.length = 0;

    const taken = queue.takeAll();
    expect(bodies(taken)).toEqual(['waiting', 'visible', 'in flight', 'ready', 'delayed']);
    expect(calls).toEqual(taken.map((message) => `delete work ${message.messageId}`));
    expect(listener).toHaveBeenCalledTimes(1);
    expect(queue.peekAll()).toEqual([]);
    expect([queue.visibleCount, queue.inFlightCount, queue.delayedCount]).toEqual([0, 0, 0]);
    // Nothing taken comes back: not the released message, not the delayed one.
    vi.advanceTimersByTime(10_000);
    expect(queue.peekAll()).toEqual([]);
  });

  it('lists visible messages first, then those in flight, then delayed ones', () => {
    const { queue } = makeQueue();
    queue.send('in flight');
    queue.receive(1);
    queue.send('delayed', {}, 500);
    queue.send('visible');
    expect(bodies(queue.peekAll())).toEqual(['visible', 'in flight', 'delayed']);
  });

  it('brings nothing back after close', () => {
    const { queue } = makeQueue();
    queue.send('a');
    queue.send('later', {}, 50);
    const [received] = queue.receive(1);
    queue.release(received!.receiptHandle, 'boom');
    queue.close();
    vi.advanceTimersByTime(10_000);
    expect(queue.visibleCount).toBe(0);
    expect(queue.inFlightCount).toBe(1);
  });

  it('brings nothing back that is released or sent with a delay after close', () => {
    const { queue } = makeQueue();
    queue.send('a');
    const [received] = queue.receive(1);
    queue.close();
    queue.release(received!.receiptHandle, 'boom');
    queue.send('later', {}, 50);
    vi.advanceTimersByTime(10_000);
    expect(queue.visibleCount).toBe(0);
    expect(queue.inFlightCount).toBe(1);
  });

  it('takes every message from a queue without a store', () => {
    const queue = new LocalQueue('plain', { visibilityTimeoutMs: 100, maxReceiveCount: 3 });
    queues.push(queue);
    queue.send('a');
    expect(bodies(queue.takeAll())).toEqual(['a']);
  });
});

describe('LocalQueue timers', () => {
  it('waits out a delay with one timer, not by polling', () => {
    const { queue } = makeQueue();
    const timers = vi.spyOn(globalThis, 'setTimeout');
    queue.send('later', {}, 250);
    vi.advanceTimersByTime(250);
    expect(queue.visibleCount).toBe(1);
    expect(timers).toHaveBeenCalledTimes(1);
    expect(timers.mock.calls[0]![1]).toBe(250);
    timers.mockRestore();
  });
});

import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { Poller } from '#infra/local/poller.ts';
import { LocalQueue } from '#infra/local/queue.ts';

const queues: LocalQueue[] = [];
function makeQueue(visibilityTimeoutMs = 20, maxReceiveCount = 3) {
  const dlq = new LocalQueue('work-dlq', { visibilityTimeoutMs: 1000, maxReceiveCount: Number.POSITIVE_INFINITY });
  const queue = new LocalQueue('work', { visibilityTimeoutMs, maxReceiveCount, deadLetterQueue: dlq });
  queues.push(queue, dlq);
  return { queue, dlq };
}
afterEach(() => {
  for (const queue of queues.splice(0)) queue.close();
});
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('LocalQueue', () => {
  it('hides a received message until it is deleted or released', () => {
    const { queue } = makeQueue();
    queue.send('a');
    const [received] = queue.receive(10);
    expect(received!.message.body).toBe('a');
    expect(received!.message.receiveCount).toBe(1);
    expect(queue.receive(10)).toEqual([]);
    expect(queue.delete(received!.receiptHandle)).toBe(true);
    expect(queue.isEmpty).toBe(true);
    expect(queue.delete(received!.receiptHandle)).toBe(false);
  });

  it('brings a released message back after the visibility timeout, not before', async () => {
    const { queue } = makeQueue(30);
    queue.send('a');
    const [received] = queue.receive(1);
    queue.release(received!.receiptHandle, 'boom');
    await sleep(10);
    expect(queue.receive(1)).toEqual([]);
    await sleep(40);
    const [again] = queue.receive(1);
    expect(again!.message.receiveCount).toBe(2);
    expect(again!.message.lastError).toBe('boom');
  });

  it('moves a message to the DLQ with its last error once it has been received maxReceiveCount times', async () => {
    const { queue, dlq } = makeQueue(1, 3);
    queue.send('poison');
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const [received] = queue.receive(1);
      expect(received!.message.receiveCount).toBe(attempt);
      queue.release(received!.receiptHandle, `failure ${attempt}`);
      await sleep(5);
    }
    expect(queue.receive(1)).toEqual([]);
    expect(queue.isEmpty).toBe(true);
    const [dead] = dlq.peekAll();
    expect(dead!.body).toBe('poison');
    expect(dead!.attributes.sourceQueue).toBe('work');
    expect(dead!.attributes.reason).toBe('received 3 times without success: failure 3');
  });

  it('takes at most the batch size', () => {
    const { queue } = makeQueue();
    for (let i = 0; i < 25; i += 1) queue.send(String(i));
    expect(queue.receive(10)).toHaveLength(10);
    expect(queue.visibleCount).toBe(15);
    expect(queue.inFlightCount).toBe(10);
  });
});

describe('Poller', () => {
  it('deletes the records that succeed and redelivers only the reported failures', async () => {
    const { queue, dlq } = makeQueue(5);
    const seen: string[] = [];
    const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
      seen.push(...event.Records.map((r) => `${r.body}#${r.attributes.ApproximateReceiveCount}`));
      expect(event.Records[0]!.eventSourceARN).toBe('arn:aws:sqs:us-east-1:000000000000:work');
      // "b" fails on its first delivery only.
      return {
        batchItemFailures: event.Records.filter(
          (r) => r.body === 'b' && r.attributes.ApproximateReceiveCount === '1',
        ).map((r) => ({ itemIdentifier: r.messageId })),
      };
    };
    const poller = new Poller(queue, handler, {
      functionName: 'fn',
      batchSize: 10,
      concurrency: 1,
      timeoutMs: 1000,
      memoryMb: 128,
      region: 'us-east-1',
      account: '000000000000',
    });
    for (const body of ['a', 'b', 'c']) queue.send(body);
    poller.start();
    while (!queue.isEmpty || poller.busy) await sleep(2);
    poller.stop();
    expect(seen.sort()).toEqual(['a#1', 'b#1', 'b#2', 'c#1']);
    expect(dlq.isEmpty).toBe(true);
  });

  it('fails the whole batch when the function throws or times out, with the reason kept', async () => {
    const { queue, dlq } = makeQueue(1, 1);
    const poller = new Poller(queue, () => new Promise(() => undefined), {
      functionName: 'slow',
      batchSize: 10,
      concurrency: 1,
      timeoutMs: 20,
      memoryMb: 128,
      region: 'us-east-1',
      account: '000000000000',
    });
    queue.send('x');
    poller.start();
    while (dlq.isEmpty) await sleep(5);
    poller.stop();
    expect(dlq.peekAll()[0]!.attributes.reason).toMatch(/slow timed out after 20 ms/);
  });
});

describe('LocalQueue delays', () => {
  it('keeps a delayed message invisible until its delay has passed, and lists it meanwhile', async () => {
    const { queue } = makeQueue();
    queue.send('later', {}, 40);
    expect(queue.receive(1)).toEqual([]);
    expect(queue.delayedCount).toBe(1);
    expect(queue.peekAll().map((m) => m.body)).toEqual(['later']);
    await sleep(60);
    expect(queue.receive(1)[0]!.message.body).toBe('later');
  });

  it('restores a persisted delayed message with the delay it had left', async () => {
    const { queue } = makeQueue();
    queue.enqueue({
      messageId: 'm1',
      body: 'restored',
      sentAt: Date.now(),
      receiveCount: 0,
      attributes: {},
      notBefore: Date.now() + 30,
    });
    expect(queue.receive(1)).toEqual([]);
    await sleep(50);
    expect(queue.receive(1)[0]!.message.messageId).toBe('m1');
  });
});

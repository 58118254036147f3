import { appendFileSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalQueue, type QueueMessage } from '#infra/local/queue.ts';
import { JOURNAL_FILE, loadQueueState, QueueJournal, SNAPSHOT_FILE, stateRecord } from '#infra/local/queue-journal.ts';
import { StateDamagedError } from '#infra/local/state-errors.ts';

const freshHome = () => mkdtempSync(join(tmpdir(), 'alex-journal-'));

/** A queue and its DLQ on a journal, as the runtime wires them. */
function open(home: string) {
  const queues: LocalQueue[] = [];
  const journal = new QueueJournal(home, () =>
    Object.fromEntries(queues.map((queue) => [queue.name, queue.peekAll()] as [string, QueueMessage[]])),
  );
  const dlq = new LocalQueue('work-dlq', { visibilityTimeoutMs: 1000, maxReceiveCount: Infinity, store: journal });
  const queue = new LocalQueue('work', {
    visibilityTimeoutMs: 10,
    maxReceiveCount: 2,
    deadLetterQueue: dlq,
    store: journal,
  });
  queues.push(queue, dlq);
  return { journal, queue, dlq };
}

const bodies = (messages: Iterable<QueueMessage> | undefined) => [...(messages ?? [])].map((m) => m.body).sort();

describe('durable queue journal', () => {
  it('keeps every accepted message that was not deleted, in flight or delayed, without a clean close', () => {
    const home = freshHome();
    const { queue } = open(home);
    queue.send('a');
    queue.send('b');
    queue.send('later', {}, 60_000);
    const [received] = queue.receive(1);
    queue.send('c');
    const [done] = queue.receive(1);
    queue.delete(done!.receiptHandle);
    // No close: the process is "killed" here. a was received (in flight), b was deleted.
    const { state, journalRecords } = loadQueueState(home, { repairTornTail: true });
    expect(journalRecords).toBeGreaterThan(0);
    expect(received!.message.body).toBe('a');
    expect(bodies(state.get('work')?.values())).toEqual(['a', 'c', 'later']);
    expect(state.get('work')!.get(received!.message.messageId)!.receiveCount).toBe(1);
    expect(
      state.get('work')!.get(queue.peekAll().find((m) => m.body === 'later')!.messageId)!.notBefore,
    ).toBeGreaterThan(Date.now());
  });

  it('syncs a message to disk before send returns (one sync per put, one per batch)', () => {
    const home = freshHome();
    const { journal, queue } = open(home);
    queue.send('a');
    expect(journal.syncs).toBe(1);
    expect(readFileSync(join(home, JOURNAL_FILE), 'utf8')).toContain('"body":"a"');
    journal.batch(() => {
      queue.send('b');
      queue.send('c');
    });
    expect(journal.syncs).toBe(2);
  });

  it('records a move to the DLQ and a redrive, so neither is lost nor repeated', () => {
    const home = freshHome();
    const { queue, dlq } = open(home);
    queue.send('poison');
    for (let i = 0; i < 2; i++) {
      const [r] = queue.receive(1);
      queue.release(r!.receiptHandle, `boom ${i}`);
      (queue as unknown as { returnToQueue(h: string): void }).returnToQueue(r!.receiptHandle);
    }
    expect(queue.receive(1)).toEqual([]);
    const { state } = loadQueueState(home, { repairTornTail: true });
    expect(bodies(state.get('work')?.values())).toEqual([]);
    expect(bodies(state.get('work-dlq')?.values())).toEqual(['poison']);
    expect([...state.get('work-dlq')!.values()][0]!.attributes.reason).toMatch(/boom 1/);
    expect(dlq.peekAll()).toHaveLength(1);
  });

  it('cuts a torn last record back to the last complete one and says so', () => {
    const home = freshHome();
    const { queue } = open(home);
    queue.send('a');
    appendFileSync(join(home, JOURNAL_FILE), '{"op":"put","q":"work","m":{"messageId":"x","bo');
    const before = statSync(join(home, JOURNAL_FILE)).size;
    const { state, notices } = loadQueueState(home, { repairTornTail: true });
    expect(bodies(state.get('work')?.values())).toEqual(['a']);
    expect(notices).toEqual([expect.stringMatching(/queues\.journal: cut a torn last record \(\d+ bytes\)/)]);
    expect(statSync(join(home, JOURNAL_FILE)).size).toBeLessThan(before);
    expect(readFileSync(join(home, JOURNAL_FILE), 'utf8').endsWith('\n')).toBe(true);
  });

  it('names the file, the line and the recovery for a damaged record that is not the last', () => {
    const home = freshHome();
    writeFileSync(join(home, JOURNAL_FILE), 'garbage\n{"op":"del","q":"work","id":"x"}\n');
    expect(() => loadQueueState(home, { repairTornTail: true })).toThrow(StateDamagedError);
    expect(() => loadQueueState(home, { repairTornTail: true })).toThrow(
      /queues\.journal: line 1 is not valid JSON; run `alex doctor --repair`/,
    );
  });

  it.each([
    ['emptied', ''],
    ['truncated', '{"alex-jobs":[{"messageId":"a","bo'],
  ])('stops on an %s snapshot with one line naming it', (_, text) => {
    const home = freshHome();
    writeFileSync(join(home, SNAPSHOT_FILE), text);
    expect(() => loadQueueState(home, { repairTornTail: true })).toThrow(/queues\.json: is (empty|not valid JSON)/);
  });

  it('compacts into an atomic snapshot and an empty journal; replaying over it changes nothing', () => {
    const home = freshHome();
    const { journal, queue } = open(home);
    queue.send('a');
    queue.send('b');
    const journalText = readFileSync(join(home, JOURNAL_FILE), 'utf8');
    journal.close();
    expect(readFileSync(join(home, JOURNAL_FILE), 'utf8')).toBe('');
    // A crash between writing the snapshot and emptying the journal: both are read.
    writeFileSync(join(home, JOURNAL_FILE), journalText);
    const { state } = loadQueueState(home, { repairTornTail: true });
    expect(bodies(stateRecord(state).work)).toEqual(['a', 'b']);
  });
});

/**
 * Durable local queues: every queue of a home shares one append-only journal
 * (`<home>/queues.journal`, one JSON record per line) on top of a snapshot (`<home>/queues.json`).
 * A message is accepted only once its `put` record is written and fdatasync'd, so it survives
 * kill -9 and power loss; deletes, receive counts and errors are written without a sync (a lost
 * delete means one more delivery, which every consumer is idempotent against). Opening replays
 * snapshot + journal; a torn last record (a write cut by a crash) is cut back and said so; any
 * other damage stops with StateDamagedError. Compacting writes a new snapshot atomically (temp,
 * fsync, rename) and only then empties the journal, so a crash in between replays records that
 * the snapshot already holds, and replaying is idempotent (put = upsert, del = remove).
 */
import {
  closeSync,
  existsSync,
  fdatasyncSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readFileSync,
  renameSync,
  statSync,
  truncateSync,
  writeSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import type { QueueMessage, QueueStore } from './queue.ts';
import { StateDamagedError } from './state-errors.ts';

export const SNAPSHOT_FILE = 'queues.json';
export const JOURNAL_FILE = 'queues.journal';
/** Past this size the journal is folded into the snapshot while running (a long `alex serve`). */
const COMPACT_AT_BYTES = 8 * 1024 * 1024;

export type JournalRecord =
  | { op: 'put'; q: string; m: QueueMessage }
  | { op: 'del'; q: string; id: string }
  | { op: 'recv'; q: string; id: string; n: number; at: number }
  | { op: 'err'; q: string; id: string; e: string };

export type QueueState = Map<string, Map<string, QueueMessage>>;

export interface LoadedQueues {
  state: QueueState;
  /** Records found in the journal: a clean close leaves none, so any means the last owner died. */
  journalRecords: number;
  notices: string[];
}

/** Reads snapshot + journal without changing anything (except nothing: a torn tail is only reported). */
export function loadQueueState(home: string, { repairTornTail }: { repairTornTail: boolean }): LoadedQueues {
  const notices: string[] = [];
  const state = readSnapshot(join(home, SNAPSHOT_FILE));
  const journal = join(home, JOURNAL_FILE);
  let journalRecords = 0;
  if (existsSync(journal)) {
    const text = readFileSync(journal, 'utf8');
    const end = text.lastIndexOf('\n') + 1;
    if (end < text.length) {
      const torn = Buffer.byteLength(text.slice(end));
      if (repairTornTail) {
        truncateSync(journal, Buffer.byteLength(text.slice(0, end)));
        notices.push(`${journal}: cut a torn last record (${torn} bytes) left by an interrupted write`);
      } else notices.push(`${journal}: ignoring a torn last record (${torn} bytes); the next command will cut it`);
    }
    const lines = text.slice(0, end).split('\n');
    lines.pop();
    lines.forEach((line, index) => {
      apply(state, parseRecord(line, journal, index + 1));
      journalRecords += 1;
    });
  }
  return { state, journalRecords, notices };
}

function readSnapshot(file: string): QueueState {
  const state: QueueState = new Map();
  if (!existsSync(file)) return state;
  const text = readFileSync(file, 'utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    const problem = text.trim() === '' ? 'is empty' : `is not valid JSON (${(error as Error).message})`;
    throw new StateDamagedError(file, `${problem}, so the queued messages cannot be read`, REPAIR);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
    throw new StateDamagedError(file, 'is not a JSON object of queues', REPAIR);
  for (const [queue, messages] of Object.entries(parsed)) {
    if (!Array.isArray(messages) || !messages.every(isMessage))
      throw new StateDamagedError(file, `queue "${queue}" is not a list of messages`, REPAIR);
    state.set(queue, new Map(messages.map((message) => [message.messageId, message])));
  }
  return state;
}

const REPAIR =
  'run `alex doctor --repair` to set it aside (its messages are lost; unfinished jobs then end at their deadlines)';

function parseRecord(line: string, file: string, lineNumber: number): JournalRecord {
  let record: JournalRecord;
  try {
    record = JSON.parse(line) as JournalRecord;
  } catch {
    throw new StateDamagedError(file, `line ${lineNumber} is not valid JSON`, REPAIR);
  }
  const ok =
    typeof record === 'object' &&
    record !== null &&
    typeof record.q === 'string' &&
    (record.op === 'put' ? isMessage(record.m) : typeof record.id === 'string');
  if (!ok) throw new StateDamagedError(file, `line ${lineNumber} is not a queue record`, REPAIR);
  return record;
}

function isMessage(value: unknown): value is QueueMessage {
  const message = value as QueueMessage;
  return (
    typeof message === 'object' &&
    message !== null &&
    typeof message.messageId === 'string' &&
    typeof message.body === 'string' &&
    typeof message.receiveCount === 'number' &&
    typeof message.attributes === 'object'
  );
}

export function apply(state: QueueState, record: JournalRecord): void {
  let queue = state.get(record.q);
  if (!queue) state.set(record.q, (queue = new Map()));
  if (record.op === 'put') {
    queue.set(record.m.messageId, record.m);
    return;
  }
  const message = queue.get(record.id);
  if (record.op === 'del') queue.delete(record.id);
  else if (message && record.op === 'recv') {
    message.receiveCount = record.n;
    message.firstReceivedAt ??= record.at;
  } else if (message && record.op === 'err') message.lastError = record.e;
}

/** The journal a running owner appends to. `snapshot` supplies every queue's messages for compaction. */
export class QueueJournal implements QueueStore {
  private readonly fd: number;
  private bytes: number;
  private batchDepth = 0;
  private unsynced = false;
  private closed = false;
  /** fdatasync calls made, for the benchmark. */
  syncs = 0;

  constructor(
    private readonly home: string,
    private readonly snapshot: () => Record<string, QueueMessage[]>,
  ) {
    const file = join(home, JOURNAL_FILE);
    this.fd = openSync(file, 'a', 0o600);
    this.bytes = statSync(file).size;
  }

  put(queue: string, message: QueueMessage): void {
    this.write({ op: 'put', q: queue, m: message }, true);
  }

  delete(queue: string, messageId: string): void {
    this.write({ op: 'del', q: queue, id: messageId }, false);
  }

  received(queue: string, message: QueueMessage): void {
    this.write(
      { op: 'recv', q: queue, id: message.messageId, n: message.receiveCount, at: message.firstReceivedAt! },
      false,
    );
  }

  failed(queue: string, message: QueueMessage): void {
    this.write({ op: 'err', q: queue, id: message.messageId, e: message.lastError ?? '' }, false);
  }

  /** Runs `work` with one sync at its end for every put inside it (a bus put fanning out to rules). */
  batch<T>(work: () => T): T {
    this.batchDepth += 1;
    try {
      return work();
    } finally {
      this.batchDepth -= 1;
      if (this.batchDepth === 0 && this.unsynced) this.sync();
    }
  }

  /** Folds the journal into a new snapshot and empties it. */
  compact(): void {
    if (this.closed) return;
    writeSnapshot(this.home, this.snapshot());
    ftruncateSync(this.fd, 0);
    this.bytes = 0;
  }

  /** Compacts and closes: a clean close leaves an empty journal. */
  close(): void {
    if (this.closed) return;
    this.compact();
    this.closed = true;
    closeSync(this.fd);
  }

  private write(record: JournalRecord, durable: boolean): void {
    if (this.closed) return;
    const line = `${JSON.stringify(record)}\n`;
    writeSync(this.fd, line);
    this.bytes += Buffer.byteLength(line);
    if (durable) {
      if (this.batchDepth > 0) this.unsynced = true;
      else this.sync();
    }
    if (this.bytes > COMPACT_AT_BYTES && this.batchDepth === 0) this.compact();
  }

  private sync(): void {
    fdatasyncSync(this.fd);
    this.syncs += 1;
    this.unsynced = false;
  }
}

/** Writes the snapshot so a reader sees the old one or the new one, never half of either. */
export function writeSnapshot(home: string, state: Record<string, QueueMessage[]>): void {
  const file = join(home, SNAPSHOT_FILE);
  const temporary = `${file}.${process.pid}.tmp`;
  const fd = openSync(temporary, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(state));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temporary, file);
  syncFolder(dirname(file));
}

/** Makes a rename in `folder` durable (a no-op where folders cannot be opened). */
export function syncFolder(folder: string): void {
  try {
    const fd = openSync(folder, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Not supported here; the rename is still atomic.
  }
}

export function stateRecord(state: QueueState): Record<string, QueueMessage[]> {
  return Object.fromEntries([...state].map(([queue, messages]) => [queue, [...messages.values()]]));
}

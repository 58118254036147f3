/**
 * The local bus archive: every event put on the bus, in order, as one JSON line each in
 * `<home>/archive.jsonl`, like an EventBridge archive with no event pattern. Replayed events
 * are not archived again (they carry `replay-name`). A last line cut by a crash is cut back
 * when an owner opens the archive (and said so), so the next append starts on a line of its
 * own; a reader that does not own the home skips it instead. A damaged line elsewhere is named.
 */
import { appendFileSync, existsSync, readFileSync, statSync, truncateSync } from 'node:fs';
import type { EventEnvelope } from '#events/envelope.ts';
import { StateDamagedError } from './state-errors.ts';

export const ARCHIVE_REPAIR =
  'run `alex doctor --repair` to move the damaged lines to archive.damaged.jsonl and keep the rest';

export class EventArchive {
  private pending: string[] = [];
  /** Without a file (tests), the archive lives in memory. */
  private readonly memory: string[] = [];

  constructor(
    private readonly file: string | undefined,
    options: { repairTornTail?: boolean; onNotice?: (line: string) => void } = {},
  ) {
    if (file && options.repairTornTail) {
      const cut = cutTornTail(file);
      if (cut > 0) options.onNotice?.(`${file}: cut a torn last event (${cut} bytes) left by an interrupted write`);
    }
  }

  /** Archives an event given as its envelope's JSON text (the bus has it serialised already). */
  append(envelopeJson: string): void {
    this.pending.push(envelopeJson);
    // Batch writes within one turn of the event loop: one append per burst, not per event.
    if (this.pending.length === 1) queueMicrotask(() => this.flush());
  }

  flush(): void {
    if (this.pending.length === 0) return;
    if (!this.file) {
      this.memory.push(...this.pending);
      this.pending = [];
      return;
    }
    appendFileSync(this.file, this.pending.join('\n') + '\n');
    this.pending = [];
  }

  /** Every archived event, oldest first. */
  read(): EventEnvelope[] {
    this.flush();
    if (!this.file) return this.memory.map((line) => JSON.parse(line) as EventEnvelope);
    return existsSync(this.file) ? parseArchive(readFileSync(this.file, 'utf8'), this.file).events : [];
  }
}

export interface ParsedArchive {
  events: EventEnvelope[];
  /** 1-based numbers of complete lines that are not events. */
  damagedLines: number[];
  /** Bytes after the last newline: a write in progress or cut by a crash. */
  tornTailBytes: number;
}

/** Parses archive text; with `file`, a damaged complete line throws StateDamagedError naming it. */
export function parseArchive(text: string, file?: string): ParsedArchive {
  const end = text.lastIndexOf('\n') + 1;
  const lines = text.slice(0, end).split('\n');
  lines.pop();
  const events: EventEnvelope[] = [];
  const damagedLines: number[] = [];
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    const event = parseLine(line);
    if (event) events.push(event);
    else if (file) throw new StateDamagedError(file, `line ${index + 1} is not an archived event`, ARCHIVE_REPAIR);
    else damagedLines.push(index + 1);
  });
  return { events, damagedLines, tornTailBytes: Buffer.byteLength(text.slice(end)) };
}

function parseLine(line: string): EventEnvelope | undefined {
  try {
    const event = JSON.parse(line) as EventEnvelope;
    return typeof event === 'object' && event !== null && typeof event['detail-type'] === 'string' ? event : undefined;
  } catch {
    return undefined;
  }
}

/** Cuts bytes after the last newline; returns how many were cut. */
export function cutTornTail(file: string): number {
  if (!existsSync(file) || statSync(file).size === 0) return 0;
  const text = readFileSync(file);
  const end = text.lastIndexOf(0x0a) + 1;
  if (end === text.length) return 0;
  truncateSync(file, end);
  return text.length - end;
}

/**
 * The local bus archive: every event put on the bus, in order, as one JSON line each in
 * `<home>/archive.jsonl`, like an EventBridge archive with no event pattern. Replayed events
 * are not archived again (they carry `replay-name`).
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { EventEnvelope } from '#events/envelope.ts';

export class EventArchive {
  private pending: string[] = [];
  /** Without a file (tests), the archive lives in memory. */
  private readonly memory: string[] = [];

  constructor(private readonly file: string | undefined) {}

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
    const lines = this.file ? (existsSync(this.file) ? readFileSync(this.file, 'utf8').split('\n') : []) : this.memory;
    return lines.filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as EventEnvelope);
  }
}

/**
 * The encoded answers of finished jobs, kept so pollers of a job that can no longer change cost
 * no database reads. Bounded by bytes as well as entries: a finished job's answer carries its
 * whole result (about 60 KB for the example portfolio), so a count alone let a long-running
 * server keep 60 MB of them. Least recently used goes first.
 */

export interface CachedAnswer {
  userId: string;
  body: Uint8Array<ArrayBuffer>;
  etag: string;
}

export const ANSWER_CACHE_LIMITS = { entries: 1000, bytes: 8 * 1024 * 1024 };

export class AnswerCache {
  private readonly answers = new Map<string, CachedAnswer>();
  private bytes = 0;

  constructor(private readonly limits = ANSWER_CACHE_LIMITS) {}

  get(jobId: string): CachedAnswer | undefined {
    const answer = this.answers.get(jobId);
    if (answer) {
      // Delete-then-set keeps the map in least-recently-used order for eviction.
      this.answers.delete(jobId);
      this.answers.set(jobId, answer);
    }
    return answer;
  }

  set(jobId: string, answer: CachedAnswer): void {
    this.delete(jobId);
    if (answer.body.byteLength > this.limits.bytes) return;
    while (this.answers.size >= this.limits.entries || this.bytes + answer.body.byteLength > this.limits.bytes)
      this.delete(this.answers.keys().next().value!);
    this.answers.set(jobId, answer);
    this.bytes += answer.body.byteLength;
  }

  /** Entries and bytes held, for tests and diagnostics. */
  get size(): { entries: number; bytes: number } {
    return { entries: this.answers.size, bytes: this.bytes };
  }

  private delete(jobId: string): void {
    const answer = this.answers.get(jobId);
    if (!answer) return;
    this.answers.delete(jobId);
    this.bytes -= answer.body.byteLength;
  }
}

/**
 * Okapi BM25 over the passages' terms (tokens.ts), in memory: k1 = 1.2, b = 0.75, and the
 * non-negative idf ln(1 + (N − df + 0.5) / (df + 0.5)) used by Lucene. Postings per term make a
 * query cost what its terms' passages cost, not the whole collection: about a millisecond over
 * ten thousand passages.
 */
import { terms } from './tokens.ts';

export const BM25_K1 = 1.2;
export const BM25_B = 0.75;

export interface RankedKey {
  key: string;
  score: number;
}

export class Bm25Index {
  private readonly keys: string[] = [];
  private readonly lengths: number[] = [];
  /** term -> [passage number, term frequency] pairs. */
  private readonly postings = new Map<string, Array<[number, number]>>();
  private totalLength = 0;

  constructor(documents: Iterable<{ key: string; text: string }> = []) {
    for (const document of documents) this.add(document.key, document.text);
  }

  get size(): number {
    return this.keys.length;
  }

  add(key: string, text: string): void {
    const number = this.keys.length;
    const tokens = terms(text);
    this.keys.push(key);
    this.lengths.push(tokens.length);
    this.totalLength += tokens.length;
    const frequencies = new Map<string, number>();
    for (const token of tokens) frequencies.set(token, (frequencies.get(token) ?? 0) + 1);
    for (const [term, frequency] of frequencies) {
      let list = this.postings.get(term);
      if (!list) this.postings.set(term, (list = []));
      list.push([number, frequency]);
    }
  }

  /** Idf of a term in this collection (0 for an unknown term). */
  idf(term: string): number {
    const df = this.postings.get(term)?.length ?? 0;
    if (df === 0) return 0;
    return Math.log(1 + (this.keys.length - df + 0.5) / (df + 0.5));
  }

  /** The topK passages by BM25 score, best first; ties by insertion order. Passages scoring 0 are left out. */
  search(query: string, topK: number): RankedKey[] {
    const scores = new Map<number, number>();
    const average = this.totalLength / Math.max(1, this.keys.length);
    for (const term of new Set(terms(query))) {
      const list = this.postings.get(term);
      if (!list) continue;
      const idf = this.idf(term);
      for (const [number, frequency] of list) {
        const norm = frequency + BM25_K1 * (1 - BM25_B + (BM25_B * this.lengths[number]!) / average);
        scores.set(number, (scores.get(number) ?? 0) + (idf * frequency * (BM25_K1 + 1)) / norm);
      }
    }
    return [...scores]
      .filter(([, score]) => score > 0)
      .sort((a, b) => b[1] - a[1] || a[0] - b[0])
      .slice(0, topK)
      .map(([number, score]) => ({ key: this.keys[number]!, score }));
  }
}

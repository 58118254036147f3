/**
 * The retrievers' arithmetic against hand calculations: BM25 on a three-passage collection
 * (scores worked out with a calculator from the Okapi formula), reciprocal rank fusion with k = 60
 * (1/61, 1/62 …), FNV-1a against the published test vectors, and the offline embedder's
 * properties (unit length, deterministic, closer for shared words and word pieces).
 */
import { describe, expect, it } from 'vitest';
import { Bm25Index } from '#services/researcher/bm25.ts';
import { reciprocalRankFusion } from '#services/researcher/fusion.ts';
import { fnv1a, OfflineHashingEmbedder } from '#services/researcher/offline-embedder.ts';
import { stem, terms } from '#services/researcher/tokens.ts';

const cosine = (a: Float32Array, b: Float32Array) => a.reduce((sum, value, i) => sum + value * b[i]!, 0);

describe('terms', () => {
  it('folds case and accents, drops stop words and strips plural and simple suffixes', () => {
    expect(terms('The Withdrawals of Café owners, rebalancing yearly')).toEqual([
      'withdrawal',
      'cafe',
      'owner',
      'rebalanc',
      'year',
    ]);
    expect(stem('bus')).toBe('bus');
    expect(stem('classes')).toBe('class');
    expect(stem('policies')).toBe('policy');
  });
});

describe('BM25', () => {
  // N = 3, lengths 2, 3, 2 (average 7/3); "apple" is in two passages: idf = ln(1 + 1.5 / 2.5) = 0.470004.
  // d1: tf 1, length 2 -> 0.470004 × 2.2 / (1 + 1.2 × (0.25 + 0.75 × 2 / (7/3))) = 0.499176
  // d2: tf 2, length 3 -> 0.470004 × 2 × 2.2 / (2 + 1.2 × (0.25 + 0.75 × 3 / (7/3))) = 0.598186
  const index = new Bm25Index([
    { key: 'd1', text: 'apple banana' },
    { key: 'd2', text: 'apple apple cherry' },
    { key: 'd3', text: 'cherry date' },
  ]);

  it('scores by the Okapi formula with k1 = 1.2 and b = 0.75, best first', () => {
    expect(index.idf('apple')).toBeCloseTo(0.470004, 5);
    const ranked = index.search('apple', 10);
    expect(ranked.map((r) => r.key)).toEqual(['d2', 'd1']);
    expect(ranked[0]!.score).toBeCloseTo(0.598186, 5);
    expect(ranked[1]!.score).toBeCloseTo(0.499176, 5);
  });

  it('leaves out passages that share no term with the query and honours topK', () => {
    expect(index.search('durian', 10)).toEqual([]);
    expect(index.search('apple cherry', 1)).toHaveLength(1);
  });
});

describe('reciprocal rank fusion', () => {
  it('sums 1 / (60 + rank) over the rankings that hold a key', () => {
    const fused = reciprocalRankFusion([
      ['a', 'b', 'c'],
      ['b', 'c', 'd'],
    ]);
    expect(fused.map((f) => f.key)).toEqual(['b', 'c', 'a', 'd']);
    const expected = [1 / 62 + 1 / 61, 1 / 63 + 1 / 62, 1 / 61, 1 / 63];
    fused.forEach((f, i) => expect(f.score).toBeCloseTo(expected[i]!, 12));
    expect(fused[0]!.score).toBeCloseTo(0.0325225, 7);
  });
});

describe('the offline hashing embedder', () => {
  it('hashes with 32-bit FNV-1a (published test vectors)', () => {
    expect(fnv1a('')).toBe(0x811c9dc5);
    expect(fnv1a('a')).toBe(0xe40c292c);
    expect(fnv1a('foobar')).toBe(0xbf9cf968);
  });

  it('names itself for what it is, and returns unit vectors of its dimension, the same every time', async () => {
    const embedder = new OfflineHashingEmbedder(256);
    expect(embedder.name).toBe('offline-hashing-v1');
    const [a, b] = await embedder.embed(['Bonds pay interest.', 'Bonds pay interest.'], 'passage');
    expect(a).toHaveLength(256);
    expect(Math.hypot(...a!)).toBeCloseTo(1, 6);
    expect(Array.from(a!)).toEqual(Array.from(b!));
  });

  it('puts texts sharing words or word pieces closer than unrelated ones', async () => {
    const embedder = new OfflineHashingEmbedder();
    const [query, shared, pieces, unrelated] = await embedder.embed(
      [
        'retirement withdrawal rate',
        'A safe withdrawal rate in retirement',
        'retiring and withdrawing',
        'Cherry trees blossom in spring',
      ],
      'query',
    );
    expect(cosine(query!, shared!)).toBeGreaterThan(cosine(query!, pieces!));
    expect(cosine(query!, pieces!)).toBeGreaterThan(cosine(query!, unrelated!));
  });

  it('gives a text with no terms the zero vector', async () => {
    const [zero] = await new OfflineHashingEmbedder(32).embed(['the of and'], 'query');
    expect(Array.from(zero!).every((v) => v === 0)).toBe(true);
  });

  it('refuses a dimension outside 16..4096', () => {
    expect(() => new OfflineHashingEmbedder(8)).toThrow(/dimension 8/);
  });
});

/**
 * What every VectorStore adapter (services/researcher/ports.ts) must do alike: pgvector in PGlite
 * locally, S3 Vectors on AWS. `makeStore` returns a new, empty store (its own index) on each call,
 * so the cases share nothing; the adapter's own file may add cases beside these. Expected scores
 * are cosines of hand-picked vectors (1, 1/√2, 0, -1), worked out on paper, not read from a run.
 */
import { describe, expect, it } from 'vitest';
import {
  EmbedderMismatchError,
  MAX_TOP_K,
  type PassageMetadata,
  type VectorRecord,
  type VectorStore,
} from '#services/researcher/ports.ts';

const EMBEDDER = { name: 'contract-test-v1', dimension: 4 };
/** S3 Vectors keeps float32 and answers a distance; a cosine survives that to well within this. */
const CLOSE = 4;

function metadata(documentId: string, start: number, more: Partial<PassageMetadata> = {}): PassageMetadata {
  return {
    documentId,
    source: `notes/${documentId}.md`,
    title: `About ${documentId}`,
    start,
    end: start + 100,
    ...more,
  };
}

function record(key: string, values: readonly number[], meta = metadata(key.split('#')[0]!, 0)): VectorRecord {
  const length = Math.hypot(...values);
  return { key, vector: Float32Array.from(values, (v) => v / length), metadata: meta };
}

/** Four passages whose cosines with the query [1, 0, 0, 0] are 1, 1/√2, 0 and -1. */
const SAME = record('a#0', [1, 0, 0, 0], metadata('a', 0, { date: '2024-03-01' }));
const HALF = record('a#1', [1, 1, 0, 0], metadata('a', 80));
const ORTHOGONAL = record('b#0', [0, 1, 0, 0], metadata('b', 0, { title: 'Withdrawal rates — “4 %” & more' }));
const OPPOSITE = record('c#0', [-1, 0, 0, 0], metadata('c', 0));
const QUERY = Float32Array.from([1, 0, 0, 0]);

/** A deterministic spread of unit vectors for the bulk case (a small LCG; no Math.random). */
function spread(count: number, dimension: number): VectorRecord[] {
  let seed = 12345;
  const next = () => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed / 2 ** 31 - 0.5;
  };
  return Array.from({ length: count }, (_, i) =>
    record(
      `bulk#${i}`,
      Array.from({ length: dimension }, () => next()),
      metadata('bulk', i * 10),
    ),
  );
}

export function describeVectorStoreContract(name: string, makeStore: () => Promise<VectorStore>): void {
  describe(`VectorStore contract: ${name}`, () => {
    async function filled(records: readonly VectorRecord[] = [SAME, HALF, ORTHOGONAL, OPPOSITE], embedder = EMBEDDER) {
      const store = await makeStore();
      await store.ensureIndex(embedder);
      await store.put(records);
      return store;
    }

    describe('ensureIndex', () => {
      it('creates the index with the embedder identity, which identity() then reports', async () => {
        const store = await makeStore();
        expect(await store.identity()).toBeUndefined();
        await store.ensureIndex(EMBEDDER);
        expect(await store.identity()).toEqual(EMBEDDER);
      });

      it('accepts the same identity again and keeps what was stored', async () => {
        const store = await filled();
        await store.ensureIndex({ ...EMBEDDER });
        expect((await store.query(QUERY, 1)).map((m) => m.key)).toEqual(['a#0']);
      });

      it('refuses an embedder with another name, naming both', async () => {
        const store = await filled();
        const refusal = store.ensureIndex({ name: 'other-embedder-v2', dimension: 4 });
        await expect(refusal).rejects.toBeInstanceOf(EmbedderMismatchError);
        await expect(refusal).rejects.toThrow(/contract-test-v1.*other-embedder-v2/);
      });

      it('refuses an embedder with another dimension, naming both', async () => {
        const store = await filled();
        const refusal = store.ensureIndex({ name: EMBEDDER.name, dimension: 8 });
        await expect(refusal).rejects.toBeInstanceOf(EmbedderMismatchError);
        await expect(refusal).rejects.toThrow(/dimension 4.*dimension 8/);
        expect(await store.identity()).toEqual(EMBEDDER);
      });
    });

    describe('query', () => {
      it('an empty index answers no matches', async () => {
        const store = await makeStore();
        await store.ensureIndex(EMBEDDER);
        expect(await store.query(QUERY, 10)).toEqual([]);
      });

      it('answers best first with cosine similarity scores', async () => {
        const store = await filled();
        const matches = await store.query(QUERY, 4);
        expect(matches.map((m) => m.key)).toEqual(['a#0', 'a#1', 'b#0', 'c#0']);
        const expected = [1, Math.SQRT1_2, 0, -1];
        matches.forEach((match, i) => expect(match.score).toBeCloseTo(expected[i]!, CLOSE));
      });

      it('returns each passage metadata intact, an absent date staying absent', async () => {
        const store = await filled();
        const byKey = new Map((await store.query(QUERY, 4)).map((m) => [m.key, m.metadata]));
        expect(byKey.get('a#0')).toEqual(SAME.metadata);
        expect(byKey.get('a#1')).toEqual(HALF.metadata);
        expect(byKey.get('a#1')).not.toHaveProperty('date');
        expect(byKey.get('b#0')).toEqual(ORTHOGONAL.metadata);
      });

      it('returns at most topK matches, and all of them when fewer are stored', async () => {
        const store = await filled();
        expect((await store.query(QUERY, 2)).map((m) => m.key)).toEqual(['a#0', 'a#1']);
        expect(await store.query(QUERY, MAX_TOP_K)).toHaveLength(4);
      });

      it(`refuses a topK below 1, above ${MAX_TOP_K} or fractional, naming topK`, async () => {
        const store = await filled();
        for (const topK of [0, MAX_TOP_K + 1, 2.5]) {
          await expect(store.query(QUERY, topK)).rejects.toThrow(/topK/);
        }
      });
    });

    describe('put and delete', () => {
      it('put replaces a record with the same key: its new vector and metadata, once', async () => {
        const store = await filled();
        const moved = record('a#0', [0, 0, 1, 0], metadata('a', 500, { title: 'Revised' }));
        await store.put([moved]);
        const matches = await store.query(Float32Array.from([0, 0, 1, 0]), 10);
        expect(matches.filter((m) => m.key === 'a#0')).toHaveLength(1);
        expect(matches[0]).toMatchObject({ key: 'a#0', metadata: moved.metadata });
        expect(matches[0]!.score).toBeCloseTo(1, CLOSE);
      });

      it('refuses a vector whose length is not the index dimension, naming the key', async () => {
        const store = await filled();
        const wrong = { ...SAME, key: 'z#0', vector: Float32Array.from([1, 0, 0]) };
        await expect(store.put([wrong])).rejects.toThrow(/z#0/);
      });

      it('delete removes the keys given and ignores keys it does not hold', async () => {
        const store = await filled();
        await store.delete(['a#0', 'c#0', 'never#9']);
        expect((await store.query(QUERY, 10)).map((m) => m.key)).toEqual(['a#1', 'b#0']);
      });

      it('takes 600 records in one put (adapters split it into calls) and finds each', async () => {
        // 16 dimensions, so no two of the 600 random directions come near enough to tie.
        const records = spread(600, 16);
        const store = await filled(records, { name: 'contract-test-bulk-v1', dimension: 16 });
        for (const probe of [records[0]!, records[299]!, records[599]!]) {
          const [best] = await store.query(probe.vector, 1);
          expect(best?.key).toBe(probe.key);
          expect(best?.score).toBeCloseTo(1, CLOSE);
        }
        expect(await store.query(records[0]!.vector, MAX_TOP_K)).toHaveLength(MAX_TOP_K);
      });
    });
  });
}

/**
 * Ingest and search on the real local parts (PGlite, pgvector, the offline embedder): a document
 * added once, unchanged, changed (its passages replaced, stale vectors gone) and removed; the
 * three search modes; and the vector-only search the reporter uses on AWS, quoting metadata text.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SqlDatabase, SqlParams } from '#services/common/sql-database.ts';
import { removeDocument } from '#services/researcher/ingest.ts';
import { listDocuments } from '#services/researcher/knowledge-store.ts';
import { KnowledgeSearch } from '#services/researcher/search.ts';
import { VectorSearch } from '#services/researcher/vector-search.ts';
import { openTestKnowledge, type TestKnowledge } from '#test/support/knowledge.ts';

const LONG = Array.from(
  { length: 40 },
  (_, i) => `Sentence number ${i} explains how rebalancing brings a drifted portfolio back to its target mix.`,
).join(' ');

let kb: TestKnowledge;
beforeAll(async () => {
  kb = await openTestKnowledge();
}, 60_000);
afterAll(async () => {
  await kb?.close();
});

describe('ingest', () => {
  it('adds a document once, finds it unchanged, and replaces the passages of a changed one', async () => {
    const [added] = await kb.add([{ documentId: 'notes/rebalancing.md', content: `# Rebalancing\n\n${LONG}` }]);
    expect(added).toMatchObject({ outcome: 'added', title: 'Rebalancing' });
    expect(added!.passages).toBeGreaterThan(2);
    const [same] = await kb.add([{ documentId: 'notes/rebalancing.md', content: `# Rebalancing\n\n${LONG}\n` }]);
    expect(same).toMatchObject({ outcome: 'unchanged', passages: added!.passages });

    const [changed] = await kb.add([
      { documentId: 'notes/rebalancing.md', content: '# Rebalancing\n\nSell what grew, buy what shrank.' },
    ]);
    expect(changed).toMatchObject({ outcome: 'replaced', passages: 1 });
    // The stale vectors of passages 1.. are gone: nothing but passage 0 answers any query.
    const [vector] = await kb.ports.embedder.embed(['rebalancing drifted portfolio'], 'query');
    expect((await kb.ports.store.query(vector!, 10)).map((m) => m.key)).toEqual(['notes/rebalancing.md#0']);
  });

  it('removes a document, its passages and its vectors', async () => {
    await kb.add([{ documentId: 'notes/gone.md', content: '# Gone\n\nTemporary note about lighthouses.' }]);
    expect(await removeDocument(kb.ports, 'notes/gone.md')).toBe(true);
    expect((await listDocuments(kb.db)).map((d) => d.documentId)).not.toContain('notes/gone.md');
    expect(await kb.knowledge.search('lighthouses', 5, 'bm25')).toEqual([]);
    expect(await removeDocument(kb.ports, 'notes/gone.md')).toBe(false);
  });
});

describe('search', () => {
  beforeAll(async () => {
    await kb.add([
      { documentId: 'notes/bonds.md', content: '# Bonds\n\nBond prices fall when interest rates rise.' },
      { documentId: 'notes/retirees.md', content: '# Spending\n\nRetirees often spend less as they age.' },
    ]);
  });

  it('answers by BM25, by vector and hybrid, each hit naming document, passage, text and score', async () => {
    for (const mode of ['bm25', 'vector', 'hybrid'] as const) {
      const [best] = await kb.knowledge.search('interest rates and bond prices', 3, mode);
      expect(best, mode).toMatchObject({
        key: 'notes/bonds.md#0',
        documentId: 'notes/bonds.md',
        passage: 0,
        title: 'Bonds',
        source: 'notes/bonds.md',
        text: 'Bonds\n\nBond prices fall when interest rates rise.',
      });
      expect(best!.score).toBeGreaterThan(0);
    }
  });

  it('finds a word by its pieces only through the embedder: "retirement" reaches "retirees"', async () => {
    expect((await kb.knowledge.search('retirement', 3, 'bm25')).map((h) => h.documentId)).toEqual([]);
    const [best] = await kb.knowledge.search('retirement', 3, 'vector');
    expect(best?.documentId).toBe('notes/retirees.md');
  });

  it('searches the vector store alone, quoting the text each vector carries (the reporter on AWS)', async () => {
    const [best] = await new VectorSearch(kb.ports.embedder, kb.ports.store).search('bond prices', 2);
    expect(best).toMatchObject({ documentId: 'notes/bonds.md', passage: 0, title: 'Bonds' });
    expect(best!.text).toContain('Bond prices fall');
  });

  it('answers several queries as one search each would, reading the catalogue version once for all', async () => {
    const queries = ['interest rates and bond prices', 'retirement', 'lighthouses'];
    const versionReads: string[] = [];
    const counting: SqlDatabase = Object.create(kb.db, {
      query: {
        value: (sql: string, params?: SqlParams) => {
          if (sql.includes('FROM knowledge_documents')) versionReads.push(sql);
          return kb.db.query(sql, params);
        },
      },
    });
    const search = new KnowledgeSearch(counting, kb.ports.embedder, kb.ports.store);
    const one = [];
    for (const query of queries) one.push(await kb.knowledge.search(query, 3));
    expect(one[0]![0]?.documentId).toBe('notes/bonds.md');
    expect(await search.searchAll(queries, 3)).toEqual(one);
    expect(versionReads).toHaveLength(1);
  });

  it('refuses a topK outside 1..100 and answers an empty query with nothing', async () => {
    await expect(kb.knowledge.search('bonds', 0)).rejects.toThrow(/topK/);
    expect(await kb.knowledge.search('   ', 5)).toEqual([]);
  });
});

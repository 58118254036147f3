/**
 * Knowledge search over the researcher's catalogue: BM25 over the passages (an index in memory,
 * rebuilt when the catalogue's version changes), nearest neighbours from the vector store, and
 * hybrid ranking by reciprocal rank fusion of the two. The lexical index and the passages'
 * texts are read from PostgreSQL once per version, so a query costs one version read (one for
 * all of a `searchAll`), one embedding, one vector query and the fusion.
 */

import type { SqlExecutor } from '#services/common/sql-database.ts';
import { Bm25Index } from './bm25.ts';
import { reciprocalRankFusion } from './fusion.ts';
import { indexedText } from './ingest.ts';
import { allPassages, catalogueVersion, type StoredPassage } from './knowledge-store.ts';
import {
  checkTopK,
  type Embedder,
  EmbedderMismatchError,
  type KnowledgeHit,
  type KnowledgePort,
  MAX_TOP_K,
  type VectorStore,
} from './ports.ts';

export type SearchMode = 'hybrid' | 'bm25' | 'vector';

/** How deep each ranking goes before fusion: deeper than any topK asked, within the store's limit. */
const CANDIDATES = 50;

interface Catalogue {
  version: string;
  passages: Map<string, StoredPassage>;
  lexical: Bm25Index;
}

export class KnowledgeSearch implements KnowledgePort {
  private cached: Promise<Catalogue> | undefined;

  constructor(
    private readonly db: SqlExecutor,
    private readonly embedder: Embedder,
    private readonly store: VectorStore,
  ) {}

  async search(query: string, topK: number, mode: SearchMode = 'hybrid'): Promise<KnowledgeHit[]> {
    checkTopK(topK);
    return this.searchIn(await this.catalogue(), query, topK, mode);
  }

  /** One catalogue read for all the queries: a report's questions cost one version check, not one each. */
  async searchAll(queries: readonly string[], topK: number, mode: SearchMode = 'hybrid'): Promise<KnowledgeHit[][]> {
    checkTopK(topK);
    const catalogue = await this.catalogue();
    const answers: KnowledgeHit[][] = [];
    for (const query of queries) answers.push(await this.searchIn(catalogue, query, topK, mode));
    return answers;
  }

  private async searchIn(catalogue: Catalogue, query: string, topK: number, mode: SearchMode): Promise<KnowledgeHit[]> {
    if (catalogue.passages.size === 0 || query.trim() === '') return [];
    const depth = Math.max(topK, CANDIDATES);
    const lexical = mode === 'vector' ? [] : catalogue.lexical.search(query, depth);
    const vector = mode === 'bm25' ? [] : await this.nearest(query, Math.min(depth, MAX_TOP_K));
    const ranked =
      mode === 'hybrid'
        ? reciprocalRankFusion([lexical.map((r) => r.key), vector.map((r) => r.key)])
        : mode === 'bm25'
          ? lexical
          : vector;
    const hits: KnowledgeHit[] = [];
    for (const { key, score } of ranked) {
      // A vector whose passage is gone (a removal that crashed half-way) is skipped, never cited.
      const passage = catalogue.passages.get(key);
      if (!passage) continue;
      hits.push({
        key,
        documentId: passage.documentId,
        passage: passage.ordinal,
        title: passage.title,
        source: passage.source,
        ...(passage.date ? { date: passage.date } : {}),
        text: passage.text,
        score,
      });
      if (hits.length === topK) break;
    }
    return hits;
  }

  private async nearest(query: string, topK: number): Promise<Array<{ key: string; score: number }>> {
    const identity = await this.store.identity();
    if (!identity) return [];
    if (identity.name !== this.embedder.name || identity.dimension !== this.embedder.dimension) {
      throw new EmbedderMismatchError('passages', identity, this.embedder);
    }
    const [vector] = await this.embedder.embed([query], 'query');
    // A query of stop words alone has no direction: nothing is near it.
    if (!vector?.some((value) => value !== 0)) return [];
    return this.store.query(vector, topK);
  }

  private async catalogue(): Promise<Catalogue> {
    const version = await catalogueVersion(this.db);
    const cached = this.cached && (await this.cached.catch(() => undefined));
    if (cached?.version === version) return cached;
    this.cached = (async () => {
      const passages = await allPassages(this.db);
      return {
        version,
        passages: new Map(passages.map((p) => [p.key, p])),
        lexical: new Bm25Index(passages.map((p) => ({ key: p.key, text: indexedText(p.title, p.text) }))),
      };
    })();
    return this.cached;
  }
}

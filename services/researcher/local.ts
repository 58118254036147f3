/**
 * The researcher's ports on the local runtime: the offline hashing embedder and pgvector in the
 * runtime's PGlite, and knowledge search (hybrid) over the same. One embedder and one store per
 * database, shared by the researcher's handler and the reporter's searches.
 */
import type { VectorPorts } from '../common/context.ts';
import type { SqlDatabase } from '../common/sql-database.ts';
import { OfflineHashingEmbedder } from './offline-embedder.ts';
import { PgvectorStore } from './pgvector-store.ts';
import { KnowledgeSearch } from './search.ts';

export interface LocalResearch {
  vectors: VectorPorts;
  knowledge: KnowledgeSearch;
}

export function localResearch(db: SqlDatabase): LocalResearch {
  const embedder = new OfflineHashingEmbedder();
  const store = new PgvectorStore(db);
  return {
    vectors: { embedder, store: async () => store },
    knowledge: new KnowledgeSearch(db, embedder, store),
  };
}

/**
 * A knowledge base on a fresh in-memory PGlite (migrated, pgvector loaded), with documents
 * added through the researcher's own ingest: the real embedder, store and search, no bus.
 */
import { migrate, migratedTemplate } from '#infra/storage/migrate.ts';
import { openPglite } from '#infra/storage/pglite.ts';
import type { SqlDatabase } from '#services/common/sql-database.ts';
import {
  type IngestOutcome,
  ingestDocument,
  type ResearchPorts,
  type Submission,
} from '#services/researcher/ingest.ts';
import { localResearch } from '#services/researcher/local.ts';
import type { KnowledgeSearch } from '#services/researcher/search.ts';

export interface TestKnowledge {
  db: SqlDatabase;
  ports: ResearchPorts;
  knowledge: KnowledgeSearch;
  add(documents: ReadonlyArray<Omit<Submission, 'source' | 'format'> & Partial<Submission>>): Promise<IngestOutcome[]>;
  close(): Promise<void>;
}

export async function openTestKnowledge(): Promise<TestKnowledge> {
  const db = await openPglite(undefined, await migratedTemplate());
  await migrate(db);
  const research = localResearch(db);
  const ports = { db, embedder: research.vectors.embedder, store: await research.vectors.store() };
  return {
    db,
    ports,
    knowledge: research.knowledge,
    add: async (documents) => {
      const outcomes: IngestOutcome[] = [];
      for (const document of documents) {
        outcomes.push(
          await ingestDocument(ports, {
            source: document.documentId,
            format: 'markdown',
            ...document,
          }),
        );
      }
      return outcomes;
    },
    close: () => db.close(),
  };
}

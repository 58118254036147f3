/**
 * The pgvector store inside PGlite passes the vector store contract, one index per case in one
 * migrated database (a PGlite start costs seconds); and the database really holds pgvector with
 * an HNSW index on cosine distance, which is what makes the local store more than a table scan.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate, migratedTemplate } from '#infra/storage/migrate.ts';
import { openPglite } from '#infra/storage/pglite.ts';
import type { SqlDatabase } from '#services/common/sql-database.ts';
import { PgvectorStore } from '#services/researcher/pgvector-store.ts';
import { describeVectorStoreContract } from '#test/support/vector-store-contract.ts';

let db: SqlDatabase;
let made = 0;

beforeAll(async () => {
  db = await openPglite(undefined, await migratedTemplate());
  await migrate(db);
}, 60_000);
afterAll(async () => {
  await db?.close();
});

describeVectorStoreContract('pgvector in PGlite', async () => new PgvectorStore(db, `contract_${++made}`));

describe('pgvector in PGlite', () => {
  it('loads the vector extension and builds an HNSW index with vector_cosine_ops', async () => {
    const store = new PgvectorStore(db, 'hnsw_probe');
    await store.ensureIndex({ name: 'probe-v1', dimension: 3 });
    const [extension] = await db.query<{ extname: string }>(
      "SELECT extname FROM pg_extension WHERE extname = 'vector'",
    );
    expect(extension?.extname).toBe('vector');
    const [index] = await db.query<{ indexdef: string }>(
      "SELECT indexdef FROM pg_indexes WHERE indexname = 'knowledge_vectors_hnsw_probe_hnsw'",
    );
    expect(index?.indexdef).toMatch(/USING hnsw \(embedding vector_cosine_ops\)/);
  });

  it('refuses an index name that could not be a table name', () => {
    expect(() => new PgvectorStore(db, 'x; DROP TABLE jobs')).toThrow(/lower-case letters/);
  });
});

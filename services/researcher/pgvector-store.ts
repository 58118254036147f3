/**
 * The VectorStore port on pgvector, through the SqlDatabase port: locally inside PGlite (which
 * loads the extension, infra/storage/pglite.ts), and on any PostgreSQL with pgvector. One table
 * per index, `knowledge_vectors_<index>`, with a typed `vector(<dimension>)` column and an HNSW
 * index on cosine distance; made by ensureIndex, since the dimension comes from the embedder. The
 * identity each index was built with is a row of knowledge_vector_indexes (schemas/migrations).
 */
import { json, type SqlDatabase, type SqlExecutor } from '#services/common/sql-database.ts';
import {
  checkTopK,
  type EmbedderIdentity,
  EmbedderMismatchError,
  type PassageMetadata,
  type VectorMatch,
  type VectorRecord,
  type VectorStore,
} from './ports.ts';

/** Rows per INSERT: one statement carries them as a jsonb array, far below any statement limit. */
const PUT_BATCH = 500;
/** pgvector's HNSW returns at most ef_search rows (default 40): raise it for larger topK. */
const DEFAULT_EF_SEARCH = 40;
const INDEX_NAME = /^[a-z][a-z0-9_]{0,39}$/;

export const DEFAULT_VECTOR_INDEX = 'passages';

export class PgvectorStore implements VectorStore {
  private readonly table: string;
  private known: EmbedderIdentity | undefined;

  constructor(
    private readonly db: SqlDatabase,
    private readonly index: string = DEFAULT_VECTOR_INDEX,
  ) {
    if (!INDEX_NAME.test(index)) {
      throw new Error(`vector index name "${index}" must be lower-case letters, digits and _ (at most 40)`);
    }
    this.table = `knowledge_vectors_${index}`;
  }

  async identity(): Promise<EmbedderIdentity | undefined> {
    if (this.known) return this.known;
    const [row] = await this.db.query<{ embedder: string; dimension: number }>(
      'SELECT embedder, dimension FROM knowledge_vector_indexes WHERE index_name = :index',
      { index: this.index },
    );
    this.known = row && { name: row.embedder, dimension: row.dimension };
    return this.known;
  }

  async ensureIndex(embedder: EmbedderIdentity): Promise<void> {
    if (!Number.isInteger(embedder.dimension) || embedder.dimension < 1 || embedder.dimension > 2000) {
      // HNSW in pgvector indexes at most 2,000 dimensions of `vector`.
      throw new Error(`embedder ${embedder.name}: dimension ${embedder.dimension} must be 1 to 2000 for pgvector`);
    }
    await this.db.query('CREATE EXTENSION IF NOT EXISTS vector');
    const built = await this.db.transaction(async (tx) => {
      await tx.query(
        `INSERT INTO knowledge_vector_indexes (index_name, embedder, dimension) VALUES (:index, :name, :dimension)
         ON CONFLICT (index_name) DO NOTHING`,
        { index: this.index, name: embedder.name, dimension: embedder.dimension },
      );
      const [row] = await tx.query<{ embedder: string; dimension: number }>(
        'SELECT embedder, dimension FROM knowledge_vector_indexes WHERE index_name = :index',
        { index: this.index },
      );
      const identity = { name: row!.embedder, dimension: row!.dimension };
      if (identity.name !== embedder.name || identity.dimension !== embedder.dimension) {
        throw new EmbedderMismatchError(this.index, identity, embedder);
      }
      await createTable(tx, this.table, identity.dimension);
      return identity;
    });
    this.known = built;
  }

  async put(records: readonly VectorRecord[]): Promise<void> {
    const identity = await this.requireIndex();
    for (const record of records) {
      if (record.vector.length !== identity.dimension) {
        throw new Error(
          `vector ${record.key}: has ${record.vector.length} dimensions, the index ${this.index} takes ${identity.dimension}`,
        );
      }
    }
    for (let i = 0; i < records.length; i += PUT_BATCH) {
      const rows = records.slice(i, i + PUT_BATCH).map((r) => ({
        key: r.key,
        embedding: vectorLiteral(r.vector),
        metadata: r.metadata,
      }));
      await this.db.query(
        `INSERT INTO ${this.table} (key, embedding, metadata)
         SELECT key, embedding::vector, metadata FROM jsonb_to_recordset(:rows)
           AS r(key text, embedding text, metadata jsonb)
         ON CONFLICT (key) DO UPDATE SET embedding = EXCLUDED.embedding, metadata = EXCLUDED.metadata`,
        { rows: json(rows) },
      );
    }
  }

  async delete(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.requireIndex();
    await this.db.query(`DELETE FROM ${this.table} WHERE key IN (SELECT jsonb_array_elements_text(:keys))`, {
      keys: json(keys),
    });
  }

  async query(vector: Float32Array, topK: number): Promise<VectorMatch[]> {
    checkTopK(topK);
    const identity = await this.requireIndex();
    if (vector.length !== identity.dimension) {
      throw new Error(
        `query vector: has ${vector.length} dimensions, the index ${this.index} takes ${identity.dimension}`,
      );
    }
    const sql = `SELECT key, 1 - (embedding <=> :q::vector) AS score, metadata FROM ${this.table}
                 ORDER BY embedding <=> :q::vector LIMIT :k`;
    const params = { q: vectorLiteral(vector), k: topK };
    const rows =
      topK <= DEFAULT_EF_SEARCH
        ? await this.db.query<MatchRow>(sql, params)
        : await this.db.transaction(async (tx) => {
            await tx.query(`SET LOCAL hnsw.ef_search = ${topK}`);
            return tx.query<MatchRow>(sql, params);
          });
    return rows.map((row) => ({ key: row.key, score: row.score, metadata: row.metadata }));
  }

  private async requireIndex(): Promise<EmbedderIdentity> {
    const identity = await this.identity();
    if (!identity) throw new Error(`vector index ${this.index} does not exist yet: call ensureIndex first`);
    return identity;
  }
}

interface MatchRow extends Record<string, unknown> {
  key: string;
  score: number;
  metadata: PassageMetadata;
}

async function createTable(tx: SqlExecutor, table: string, dimension: number): Promise<void> {
  await tx.query(
    `CREATE TABLE IF NOT EXISTS ${table} (
       key text PRIMARY KEY,
       embedding vector(${dimension}) NOT NULL,
       metadata jsonb NOT NULL
     )`,
  );
  await tx.query(`CREATE INDEX IF NOT EXISTS ${table}_hnsw ON ${table} USING hnsw (embedding vector_cosine_ops)`);
}

/** pgvector's text form, `[0.1,0.2]`; a float32 prints exactly enough digits to read back the same. */
function vectorLiteral(vector: Float32Array): string {
  return `[${Array.from(vector).join(',')}]`;
}

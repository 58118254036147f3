/**
 * The researcher's catalogue in PostgreSQL (schemas/migrations/0006_knowledge.sql): one row per
 * document with its content hash, one per passage with its text and offsets. The vectors live in
 * the vector store; this is what lexical search, listings and citations read.
 */
import { json, type SqlExecutor } from '#services/common/sql-database.ts';

export interface StoredDocument {
  documentId: string;
  source: string;
  title: string;
  date?: string;
  contentHash: string;
  passageCount: number;
  chars: number;
  addedAt: string;
}

export interface StoredPassage {
  key: string;
  documentId: string;
  ordinal: number;
  start: number;
  end: number;
  text: string;
  title: string;
  source: string;
  date?: string;
}

interface DocumentRow extends Record<string, unknown> {
  document_id: string;
  source: string;
  title: string;
  doc_date: string | null;
  content_hash: string;
  passage_count: number;
  chars: number;
  added_at: string;
}

const DOCUMENT_COLUMNS = 'document_id, source, title, doc_date, content_hash, passage_count, chars, added_at';

function documentOf(row: DocumentRow): StoredDocument {
  return {
    documentId: row.document_id,
    source: row.source,
    title: row.title,
    ...(row.doc_date ? { date: row.doc_date } : {}),
    contentHash: row.content_hash,
    passageCount: row.passage_count,
    chars: row.chars,
    addedAt: row.added_at,
  };
}

export async function getDocument(db: SqlExecutor, documentId: string): Promise<StoredDocument | undefined> {
  const [row] = await db.query<DocumentRow>(
    `SELECT ${DOCUMENT_COLUMNS} FROM knowledge_documents WHERE document_id = :documentId`,
    { documentId },
  );
  return row && documentOf(row);
}

/** Documents whose id is `prefix` or lies under it (`docs/knowledge` holds `docs/knowledge/a.md`). */
export async function listDocuments(db: SqlExecutor, prefix?: string): Promise<StoredDocument[]> {
  const rows = await db.query<DocumentRow>(
    `SELECT ${DOCUMENT_COLUMNS} FROM knowledge_documents
     WHERE :prefix::text IS NULL OR document_id = :prefix OR starts_with(document_id, :under)
     ORDER BY document_id`,
    { prefix: prefix ?? null, under: prefix === undefined ? null : `${prefix.replace(/\/+$/, '')}/` },
  );
  return rows.map(documentOf);
}

/** The keys of a document's passages, in order. */
export async function passageKeys(db: SqlExecutor, documentId: string): Promise<string[]> {
  const rows = await db.query<{ passage_key: string }>(
    'SELECT passage_key FROM knowledge_passages WHERE document_id = :documentId ORDER BY ordinal',
    { documentId },
  );
  return rows.map((row) => row.passage_key);
}

/** Replaces the document's row and all its passages (one transaction: the caller's `tx`). */
export async function replaceDocument(
  tx: SqlExecutor,
  document: Omit<StoredDocument, 'addedAt' | 'passageCount'>,
  passages: ReadonlyArray<{ key: string; ordinal: number; start: number; end: number; text: string }>,
): Promise<void> {
  await tx.query('DELETE FROM knowledge_documents WHERE document_id = :documentId', {
    documentId: document.documentId,
  });
  await tx.query(
    `INSERT INTO knowledge_documents (document_id, source, title, doc_date, content_hash, passage_count, chars)
     VALUES (:documentId, :source, :title, :date::date, :contentHash, :passageCount, :chars)`,
    {
      documentId: document.documentId,
      source: document.source,
      title: document.title,
      date: document.date ?? null,
      contentHash: document.contentHash,
      passageCount: passages.length,
      chars: document.chars,
    },
  );
  // One statement per few hundred passages: the rows travel as one jsonb array.
  for (let i = 0; i < passages.length; i += 500) {
    await tx.query(
      `INSERT INTO knowledge_passages (passage_key, document_id, ordinal, start_offset, end_offset, body)
       SELECT p.key, :documentId, p.ordinal, p.start, p."end", p.text
       FROM jsonb_to_recordset(:passages) AS p(key text, ordinal integer, start integer, "end" integer, text text)`,
      { documentId: document.documentId, passages: json(passages.slice(i, i + 500)) },
    );
  }
}

export async function deleteDocument(tx: SqlExecutor, documentId: string): Promise<void> {
  await tx.query('DELETE FROM knowledge_documents WHERE document_id = :documentId', { documentId });
}

/**
 * What changes whenever any document does: a cache of all passages (the lexical index) is
 * rebuilt when this differs. The hashes of every document, so a replace with the same count shows.
 */
export async function catalogueVersion(db: SqlExecutor): Promise<string> {
  const [row] = await db.query<{ version: string | null }>(
    `SELECT count(*)::text || ':' || coalesce(md5(string_agg(document_id || '=' || content_hash, ',' ORDER BY document_id)), '')
       AS version FROM knowledge_documents`,
  );
  return row?.version ?? '';
}

export async function allPassages(db: SqlExecutor): Promise<StoredPassage[]> {
  const rows = await db.query<{
    passage_key: string;
    document_id: string;
    ordinal: number;
    start_offset: number;
    end_offset: number;
    body: string;
    title: string;
    source: string;
    doc_date: string | null;
  }>(
    `SELECT p.passage_key, p.document_id, p.ordinal, p.start_offset, p.end_offset, p.body, d.title, d.source, d.doc_date
     FROM knowledge_passages p JOIN knowledge_documents d USING (document_id)
     ORDER BY p.document_id, p.ordinal`,
  );
  return rows.map((row) => ({
    key: row.passage_key,
    documentId: row.document_id,
    ordinal: row.ordinal,
    start: row.start_offset,
    end: row.end_offset,
    text: row.body,
    title: row.title,
    source: row.source,
    ...(row.doc_date ? { date: row.doc_date } : {}),
  }));
}

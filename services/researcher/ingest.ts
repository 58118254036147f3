/**
 * Adding and removing documents. The order makes a retry safe: vectors are put first (put
 * replaces by key) and stale ones deleted, and only then is the catalogue written, content hash
 * last of all in the same transaction, so a crash anywhere before it leaves the old hash and the
 * retry does the whole work again. An unchanged document (same hash) costs one read.
 */
import { InvalidInputError } from '#events/errors.ts';
import type { SqlDatabase } from '#services/common/sql-database.ts';
import { type DocumentFormat, parseDocument } from './documents.ts';
import { deleteDocument, getDocument, passageKeys, replaceDocument } from './knowledge-store.ts';
import { MAX_PASSAGES, type Passage, splitPassages } from './passages.ts';
import type { Embedder, VectorRecord, VectorStore } from './ports.ts';

/** What the researcher works with: its catalogue, its embedder and its vector store. */
export interface ResearchPorts {
  db: SqlDatabase;
  embedder: Embedder;
  store: VectorStore;
}

export interface Submission {
  documentId: string;
  source: string;
  format: DocumentFormat;
  content: string;
}

export interface IngestOutcome {
  documentId: string;
  title: string;
  outcome: 'added' | 'replaced' | 'unchanged';
  passages: number;
}

/** Texts per embed call: Bedrock embeds one text a request, so larger batches gain nothing. */
const EMBED_BATCH = 64;

export async function ingestDocument(ports: ResearchPorts, submission: Submission): Promise<IngestOutcome> {
  const parsed = parseDocument(submission.source, submission.format, submission.content);
  const existing = await getDocument(ports.db, submission.documentId);
  if (existing?.contentHash === parsed.contentHash) {
    return {
      documentId: submission.documentId,
      title: existing.title,
      outcome: 'unchanged',
      passages: existing.passageCount,
    };
  }
  const passages = splitPassages(parsed.text);
  if (passages.length > MAX_PASSAGES) {
    throw new InvalidInputError(
      `${submission.source}: makes ${passages.length} passages; the limit is ${MAX_PASSAGES}: split it into smaller documents`,
    );
  }
  const previous = existing ? await passageKeys(ports.db, submission.documentId) : [];
  await indexPassages(
    ports,
    {
      documentId: submission.documentId,
      source: submission.source,
      title: parsed.title,
      ...(parsed.date ? { date: parsed.date } : {}),
      contentHash: parsed.contentHash,
      chars: parsed.text.length,
    },
    passages,
    previous,
  );
  return {
    documentId: submission.documentId,
    title: parsed.title,
    outcome: existing ? 'replaced' : 'added',
    passages: passages.length,
  };
}

export interface IndexedDocument {
  documentId: string;
  source: string;
  title: string;
  date?: string;
  contentHash: string;
  chars: number;
}

/** What each passage is indexed as, lexically and by vector: its document's title, then its text. */
export function indexedText(title: string, text: string): string {
  return `${title}\n\n${text}`;
}

/** Embeds and stores a document's passages, drops `previous` keys no longer used, then writes the catalogue. */
export async function indexPassages(
  ports: ResearchPorts,
  document: IndexedDocument,
  passages: readonly Passage[],
  previous: readonly string[] = [],
): Promise<void> {
  await ports.store.ensureIndex(ports.embedder);
  const rows = passages.map((passage) => ({ ...passage, key: `${document.documentId}#${passage.ordinal}` }));
  for (let i = 0; i < rows.length; i += EMBED_BATCH) {
    const batch = rows.slice(i, i + EMBED_BATCH);
    const vectors = await ports.embedder.embed(
      batch.map((row) => indexedText(document.title, row.text)),
      'passage',
    );
    const records: VectorRecord[] = batch.map((row, j) => ({
      key: row.key,
      vector: vectors[j]!,
      metadata: {
        documentId: document.documentId,
        source: document.source,
        title: document.title,
        ...(document.date ? { date: document.date } : {}),
        start: row.start,
        end: row.end,
        text: row.text,
      },
    }));
    await ports.store.put(records);
  }
  const kept = new Set(rows.map((row) => row.key));
  const stale = previous.filter((key) => !kept.has(key));
  if (stale.length > 0) await ports.store.delete(stale);
  await ports.db.transaction((tx) => replaceDocument(tx, document, rows));
}

/** Removes a document's vectors, then its catalogue rows; false when there was no such document. */
export async function removeDocument(ports: ResearchPorts, documentId: string): Promise<boolean> {
  const keys = await passageKeys(ports.db, documentId);
  if (keys.length > 0 && (await ports.store.identity())) await ports.store.delete(keys);
  const existed = (await getDocument(ports.db, documentId)) !== undefined;
  await ports.db.transaction((tx) => deleteDocument(tx, documentId));
  return existed;
}

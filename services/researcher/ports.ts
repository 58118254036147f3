/**
 * The researcher's ports: an embedder turns text into vectors, a vector store keeps passages'
 * vectors with their metadata and answers nearest-neighbour queries. Locally: the offline
 * feature-hashing embedder and pgvector inside PGlite; on AWS: Bedrock Titan Text Embeddings V2
 * (or a SageMaker endpoint) and S3 Vectors. One contract suite (test/support/vector-store-contract.ts)
 * runs against every store adapter.
 */
import { InvalidInputError, NonRetryableError } from '#events/errors.ts';

/** What an index was built with; a store refuses vectors from any other embedder. */
export interface EmbedderIdentity {
  /** e.g. `offline-hashing-v1`, `amazon.titan-embed-text-v2:0`, `sagemaker:<endpoint>`. */
  name: string;
  dimension: number;
}

export interface Embedder extends EmbedderIdentity {
  /** One L2-normalised vector per text, in order. `purpose` lets asymmetric models differ. */
  embed(texts: readonly string[], purpose: 'passage' | 'query'): Promise<Float32Array[]>;
}

/** The metadata stored beside each passage's vector (small: S3 Vectors limits it). */
export interface PassageMetadata {
  documentId: string;
  /** Where the document came from: a path relative to what was added, or a URL. */
  source: string;
  title: string;
  /** The document's date (ISO yyyy-mm-dd) when known. */
  date?: string;
  /** Character offsets of the passage in the document's normalised text. */
  start: number;
  end: number;
  /**
   * The passage's text, so a query can quote it without a database (the reporter has none). At
   * most about 1,500 characters (passages.ts); on S3 Vectors a non-filterable metadata key.
   */
  text?: string;
}

export interface VectorRecord {
  /** `<documentId>#<passage index>`. */
  key: string;
  vector: Float32Array;
  metadata: PassageMetadata;
}

export interface VectorMatch {
  key: string;
  /** Cosine similarity in [-1, 1]; higher is closer. */
  score: number;
  metadata: PassageMetadata;
}

export interface VectorStore {
  /** The identity the index was created with, or undefined when it does not exist yet. */
  identity(): Promise<EmbedderIdentity | undefined>;
  /** Creates the index for this embedder, or checks an existing one matches (else a clear error). */
  ensureIndex(embedder: EmbedderIdentity): Promise<void>;
  /** Inserts or replaces by key. Adapters split into calls within the service's limits. */
  put(records: readonly VectorRecord[]): Promise<void>;
  delete(keys: readonly string[]): Promise<void>;
  /** The topK nearest by cosine similarity, best first. */
  query(vector: Float32Array, topK: number): Promise<VectorMatch[]>;
}

/** The most matches one query may ask for (S3 Vectors' QueryVectors limit; every adapter keeps it). */
export const MAX_TOP_K = 100;

/**
 * An index built with one embedder cannot answer vectors from another: their spaces differ. The
 * fix is to use the same embedder, or to remove the index and add the documents again.
 */
export class EmbedderMismatchError extends NonRetryableError {
  override name = 'EmbedderMismatchError';
  readonly code = 'EmbedderMismatch';
  constructor(
    readonly index: string,
    readonly built: EmbedderIdentity,
    readonly offered: EmbedderIdentity,
  ) {
    super(
      `the vector index "${index}" was built with ${built.name} (dimension ${built.dimension}), not ` +
        `${offered.name} (dimension ${offered.dimension}): configure the same embedder, or remove the index and add ` +
        'the documents again',
    );
  }
}

/** Refuses a topK the adapters cannot serve, naming the limit. */
export function checkTopK(topK: number): void {
  if (!Number.isInteger(topK) || topK < 1 || topK > MAX_TOP_K) {
    throw new InvalidInputError(`topK: must be a whole number from 1 to ${MAX_TOP_K}, not ${topK}`);
  }
}

/** A passage a knowledge search found: what a citation names and quotes. */
export interface KnowledgeHit {
  /** `<documentId>#<passage index>`. */
  key: string;
  documentId: string;
  /** The passage's index in its document, from 0. */
  passage: number;
  title: string;
  source: string;
  date?: string;
  text: string;
  /** The ranking's score: the fused reciprocal-rank score for hybrid search, higher is better. */
  score: number;
}

/**
 * What the reporter asks of the knowledge base: the passages most relevant to a question. Optional
 * in a service's context: without it a report simply cites nothing. Locally it runs in the main
 * thread (hybrid: the offline embedder with pgvector, and BM25); on AWS it queries S3 Vectors.
 */
export interface KnowledgePort {
  search(query: string, topK: number): Promise<KnowledgeHit[]>;
  /**
   * Several searches answered as `search` would, against one reading of the catalogue (one
   * version check, one round trip from a worker); optional, a caller falls back to `search`.
   */
  searchAll?(queries: readonly string[], topK: number): Promise<KnowledgeHit[][]>;
}

/** Every query's hits, in order: by the port's `searchAll` where it has one, else one `search` each. */
export function searchEach(port: KnowledgePort, queries: readonly string[], topK: number): Promise<KnowledgeHit[][]> {
  return port.searchAll ? port.searchAll(queries, topK) : Promise.all(queries.map((query) => port.search(query, topK)));
}

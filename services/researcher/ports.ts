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

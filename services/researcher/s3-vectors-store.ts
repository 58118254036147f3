/**
 * The VectorStore on AWS: one Amazon S3 Vectors index (float32, cosine). The embedder's name rides
 * on the index as the tag `alex:embedder` (the dimension is the index's own), so a store built by
 * one embedder refuses another. Every record is checked against the service's limits before the
 * first call, so a refused put writes nothing; puts and deletes are split into calls within them.
 */
import {
  ConflictException,
  CreateIndexCommand,
  DeleteVectorsCommand,
  GetIndexCommand,
  ListTagsForResourceCommand,
  NotFoundException,
  PutVectorsCommand,
  QueryVectorsCommand,
  type S3VectorsClient,
} from '@aws-sdk/client-s3vectors';
import { InvalidInputError } from '#events/errors.ts';
import {
  checkTopK,
  type EmbedderIdentity,
  EmbedderMismatchError,
  type PassageMetadata,
  type VectorMatch,
  type VectorRecord,
  type VectorStore,
} from './ports.ts';
import {
  checkEmbedderTag,
  checkRecord,
  EMBEDDER_TAG,
  NON_FILTERABLE_KEYS,
  S3_VECTORS_LIMITS,
  toWire,
} from './s3-vectors-limits.ts';

export interface S3VectorsStoreOptions {
  client: S3VectorsClient;
  vectorBucketName: string;
  indexName: string;
}

interface IndexFacts extends EmbedderIdentity {
  arn: string;
}

export class S3VectorsStore implements VectorStore {
  /** What GetIndex and the tag said; an index's dimension and embedder never change once made. */
  private facts?: IndexFacts;

  constructor(private readonly options: S3VectorsStoreOptions) {}

  private get target() {
    return { vectorBucketName: this.options.vectorBucketName, indexName: this.options.indexName };
  }

  private get label(): string {
    return `${this.options.vectorBucketName}/${this.options.indexName}`;
  }

  async identity(): Promise<EmbedderIdentity | undefined> {
    const facts = await this.read();
    return facts && { name: facts.name, dimension: facts.dimension };
  }

  async ensureIndex(embedder: EmbedderIdentity): Promise<void> {
    const existing = await this.read();
    if (existing) return this.check(existing, embedder);
    checkEmbedderTag(embedder.name);
    try {
      await this.options.client.send(
        new CreateIndexCommand({
          ...this.target,
          dataType: 'float32',
          dimension: embedder.dimension,
          distanceMetric: 'cosine',
          metadataConfiguration: { nonFilterableMetadataKeys: [...NON_FILTERABLE_KEYS] },
          tags: { [EMBEDDER_TAG]: embedder.name },
        }),
      );
    } catch (error) {
      // Another writer created it first: theirs stands, and must match ours like any existing one.
      if (!(error instanceof ConflictException)) throw error;
    }
    const created = await this.read();
    if (!created) throw new Error(`the vector index ${this.label} was created but GetIndex does not find it`);
    this.check(created, embedder);
  }

  async put(records: readonly VectorRecord[]): Promise<void> {
    if (records.length === 0) return;
    const facts = await this.required();
    // All checked first: a refusal names the record and nothing has been written.
    const wire = records.map((record) => {
      checkRecord(record, facts.dimension);
      return toWire(record);
    });
    for (const batch of batches(wire)) {
      await this.options.client.send(new PutVectorsCommand({ ...this.target, vectors: batch }));
    }
  }

  async delete(keys: readonly string[]): Promise<void> {
    for (let i = 0; i < keys.length; i += S3_VECTORS_LIMITS.deleteVectors) {
      const chunk = keys.slice(i, i + S3_VECTORS_LIMITS.deleteVectors);
      await this.options.client.send(new DeleteVectorsCommand({ ...this.target, keys: chunk }));
    }
  }

  async query(vector: Float32Array, topK: number): Promise<VectorMatch[]> {
    checkTopK(topK);
    const facts = await this.required();
    if (vector.length !== facts.dimension) {
      throw new InvalidInputError(
        `query vector: has ${vector.length} dimensions, the index ${this.label} has ${facts.dimension}; ` +
          `embed the query with ${facts.name}`,
      );
    }
    const answer = await this.options.client.send(
      new QueryVectorsCommand({
        ...this.target,
        topK,
        queryVector: { float32: Array.from(vector) },
        returnMetadata: true,
        returnDistance: true,
      }),
    );
    // Cosine distance is 1 − cos θ, so the similarity the port promises is 1 − distance.
    return (answer.vectors ?? []).map((match) => ({
      key: match.key!,
      score: 1 - (match.distance ?? 1),
      metadata: fromWire(match.metadata),
    }));
  }

  private check(facts: IndexFacts, embedder: EmbedderIdentity): void {
    if (facts.name !== embedder.name || facts.dimension !== embedder.dimension) {
      throw new EmbedderMismatchError(this.label, { name: facts.name, dimension: facts.dimension }, embedder);
    }
  }

  private async required(): Promise<IndexFacts> {
    const facts = await this.read();
    if (!facts) {
      throw new InvalidInputError(
        `vector index ${this.label}: does not exist; add documents first (ensureIndex creates it)`,
      );
    }
    return facts;
  }

  /** GetIndex then the index's tags; undefined when there is no such index yet. */
  private async read(): Promise<IndexFacts | undefined> {
    if (this.facts) return this.facts;
    let index: { indexArn?: string; dimension?: number; distanceMetric?: string } | undefined;
    try {
      index = (await this.options.client.send(new GetIndexCommand(this.target))).index;
    } catch (error) {
      if (error instanceof NotFoundException) return undefined;
      throw error;
    }
    if (!index?.indexArn || index.dimension === undefined)
      throw new Error(`GetIndex ${this.label}: no ARN or dimension`);
    const { tags } = await this.options.client.send(new ListTagsForResourceCommand({ resourceArn: index.indexArn }));
    // An index made outside Alex has no tag: it matches no embedder, so it is refused, not guessed at.
    const name = tags?.[EMBEDDER_TAG] ?? `an untagged index (distance ${index.distanceMetric})`;
    this.facts = { arn: index.indexArn, name, dimension: index.dimension };
    return this.facts;
  }
}

/** Within the count limit and, for wide vectors, the request payload limit (sized as the JSON sent). */
function* batches<T>(vectors: readonly T[]): Generator<T[]> {
  // The envelope (bucket, index names, braces) is small; this margin keeps a batch clear of the limit.
  const budget = S3_VECTORS_LIMITS.payloadBytes - 64 * 1024;
  let batch: T[] = [];
  let bytes = 0;
  for (const vector of vectors) {
    const size = Buffer.byteLength(JSON.stringify(vector), 'utf8') + 1;
    if (batch.length === S3_VECTORS_LIMITS.putVectors || (batch.length > 0 && bytes + size > budget)) {
      yield batch;
      batch = [];
      bytes = 0;
    }
    batch.push(vector);
    bytes += size;
  }
  if (batch.length > 0) yield batch;
}

function fromWire(metadata: unknown): PassageMetadata {
  const m = (metadata ?? {}) as Record<string, unknown>;
  return {
    documentId: String(m.documentId),
    source: String(m.source),
    title: String(m.title),
    ...(typeof m.date === 'string' ? { date: m.date } : {}),
    start: Number(m.start),
    end: Number(m.end),
  };
}

/**
 * Amazon S3 Vectors' limits, checked before a call so a record the service would refuse is named
 * with its key and nothing of its batch is written. From "Limitations and restrictions",
 * https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-vectors-limitations.html (the GA
 * figures; the preview's were lower), and the 2025-07-15 API model's shape constraints.
 */
import type { PutInputVector } from '@aws-sdk/client-s3vectors';
import { InvalidInputError } from '#events/errors.ts';
import type { VectorRecord } from './ports.ts';

export const S3_VECTORS_LIMITS = {
  putVectors: 500,
  deleteVectors: 500,
  topK: 100,
  maxDimension: 4096,
  /** VectorKey: 1 to 1,024 characters. */
  keyLength: 1024,
  /** MetadataKey: 1 to 63 characters. */
  metadataKeyLength: 63,
  metadataKeys: 50,
  nonFilterableKeys: 10,
  filterableMetadataBytes: 2 * 1024,
  totalMetadataBytes: 40 * 1024,
  payloadBytes: 20 * 1024 * 1024,
  /** TagValue: up to 256 characters of letters, digits, spaces and `_.:/=+-@`. */
  tagValueLength: 256,
} as const;

/** The index tag that names the embedder the index was built with. */
export const EMBEDDER_TAG = 'alex:embedder';

/**
 * Shown with a match but never filtered on, so they count only against the 40 KB total, not the
 * 2 KB filterable budget: a long title, URL or passage text cannot push a passage over the smaller limit.
 */
export const NON_FILTERABLE_KEYS = ['source', 'title', 'text'] as const;

const TAG_VALUE = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;

export function checkEmbedderTag(name: string): void {
  if (name.length < 1 || name.length > S3_VECTORS_LIMITS.tagValueLength || !TAG_VALUE.test(name)) {
    throw new InvalidInputError(
      `embedder name "${name}": must be 1 to ${S3_VECTORS_LIMITS.tagValueLength} letters, digits, spaces or ` +
        '_.:/=+-@ to be stored as the vector index tag; rename the embedder',
    );
  }
}

/** The metadata's size as the UTF-8 length of its JSON: the service does not publish its own measure. */
export function metadataBytes(metadata: Record<string, unknown>): number {
  return Buffer.byteLength(JSON.stringify(metadata), 'utf8');
}

/** Refuses a record S3 Vectors would refuse, naming its key, the limit and the fix. */
export function checkRecord(record: VectorRecord, dimension: number): void {
  const { key, vector } = record;
  const where = `passage ${key.slice(0, 80)}`;
  if (key.length < 1 || key.length > S3_VECTORS_LIMITS.keyLength) {
    throw new InvalidInputError(`${where}: key must be 1 to ${S3_VECTORS_LIMITS.keyLength} characters`);
  }
  if (vector.length !== dimension) {
    throw new InvalidInputError(
      `${where}: vector has ${vector.length} dimensions, the index has ${dimension}; embed it with the index's embedder`,
    );
  }
  if (!vector.every(Number.isFinite)) throw new InvalidInputError(`${where}: vector holds a non-finite number`);
  const metadata = wireMetadata(record);
  const keys = Object.keys(metadata);
  if (keys.length > S3_VECTORS_LIMITS.metadataKeys) {
    throw new InvalidInputError(`${where}: ${keys.length} metadata keys, at most ${S3_VECTORS_LIMITS.metadataKeys}`);
  }
  const filterable = Object.fromEntries(
    Object.entries(metadata).filter(([name]) => !(NON_FILTERABLE_KEYS as readonly string[]).includes(name)),
  );
  const filterableBytes = metadataBytes(filterable);
  if (filterableBytes > S3_VECTORS_LIMITS.filterableMetadataBytes) {
    throw new InvalidInputError(
      `${where}: filterable metadata (documentId, date, offsets) takes ${filterableBytes} bytes, over S3 Vectors' ` +
        `${S3_VECTORS_LIMITS.filterableMetadataBytes}; shorten the document id`,
    );
  }
  const totalBytes = metadataBytes(metadata);
  if (totalBytes > S3_VECTORS_LIMITS.totalMetadataBytes) {
    throw new InvalidInputError(
      `${where}: metadata takes ${totalBytes} bytes, over S3 Vectors' ${S3_VECTORS_LIMITS.totalMetadataBytes}; ` +
        'shorten the title or source',
    );
  }
}

function wireMetadata({ metadata: m }: VectorRecord): Record<string, string | number> {
  return {
    documentId: m.documentId,
    source: m.source,
    title: m.title,
    ...(m.date === undefined ? {} : { date: m.date }),
    start: m.start,
    end: m.end,
  };
}

export function toWire(record: VectorRecord): PutInputVector & { data: { float32: number[] } } {
  return { key: record.key, data: { float32: Array.from(record.vector) }, metadata: wireMetadata(record) };
}

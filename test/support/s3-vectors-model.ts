/**
 * What the loopback S3 Vectors server (s3-vectors-server.ts) holds and checks: its stored index,
 * the service's published limits, its error shapes and the distances. The limits are written out
 * here from the service's own pages, separately from the adapter's, so the two are checked against
 * each other. https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-vectors-limitations.html
 */

export type MetadataValue = string | number | boolean | (string | number | boolean)[];
export type Metadata = Record<string, MetadataValue>;

export interface Index {
  bucket: string;
  name: string;
  arn: string;
  /** Epoch seconds: restJson1's default timestamp format. */
  creationTime: number;
  dimension: number;
  distanceMetric: 'cosine' | 'euclidean';
  nonFilterable: Set<string>;
  tags: Record<string, string>;
  vectors: Map<string, { data: Float32Array; metadata?: Metadata }>;
}

export const LIMITS = {
  putVectors: 500,
  deleteVectors: 500,
  getVectors: 100,
  topK: 100,
  maxDimension: 4096,
  keyLength: 1024,
  metadataKeys: 50,
  metadataKeyLength: 63,
  nonFilterableKeys: 10,
  filterableMetadataBytes: 2 * 1024,
  totalMetadataBytes: 40 * 1024,
  payloadBytes: 20 * 1024 * 1024,
} as const;

/** An error as the model shapes it: the type in `x-amzn-errortype`, `message` (and `fieldList`) in the body. */
export class ServiceError extends Error {
  constructor(
    readonly type: string,
    readonly status: number,
    message: string,
    readonly fieldList?: { path: string; message: string }[],
  ) {
    super(message);
  }

  body(): Record<string, unknown> {
    return { message: this.message, ...(this.fieldList ? { fieldList: this.fieldList } : {}) };
  }
}

/** ValidationException has no httpStatusCode in the model: restJson1's default for a client error, 400. */
export function validation(message: string, path?: string): ServiceError {
  return new ServiceError('ValidationException', 400, message, path ? [{ path, message }] : undefined);
}

/** The service does not publish how it sizes metadata; the UTF-8 length of its JSON is a close reading. */
export function metadataBytes(metadata: Metadata): number {
  return Buffer.byteLength(JSON.stringify(metadata), 'utf8');
}

export function distance(metric: Index['distanceMetric'], a: Float32Array, b: Float32Array): number {
  if (metric === 'cosine') return cosineDistance(a, b);
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i]! - b[i]!) ** 2;
  return Math.sqrt(sum);
}

/** 1 − cos θ, S3 Vectors' cosine distance: 0 for the same direction, 2 for opposite ones. */
export function cosineDistance(a: Float32Array, b: Float32Array): number {
  let dot = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    aa += a[i]! * a[i]!;
    bb += b[i]! * b[i]!;
  }
  const norms = Math.sqrt(aa) * Math.sqrt(bb);
  return norms === 0 ? 1 : 1 - dot / norms;
}

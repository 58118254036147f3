/**
 * A loopback Amazon S3 Vectors, so the real S3VectorsClient runs against it: the restJson1 wire
 * format of botocore's s3vectors 2025-07-15 model (POST /CreateVectorBucket, /CreateIndex, /GetIndex,
 * /PutVectors, /GetVectors, /DeleteVectors, /QueryVectors; GET /tags/{resourceArn}), SigV4 verified
 * against the loopback test key, the service's limits enforced on its own (not shared with the
 * adapter, so a test catches an adapter that forgets one), errors as the model's shapes.
 */
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { SigV4Error, verifySigV4 } from '#infra/local/aws-endpoints/sigv4.ts';
import { listen, loopbackClientConfig, shutDown } from './loopback.ts';
import {
  distance,
  type Index,
  LIMITS,
  type Metadata,
  metadataBytes,
  ServiceError,
  validation,
} from './s3-vectors-model.ts';

export { LIMITS } from './s3-vectors-model.ts';

export const ACCOUNT = '123456789012';
const REGION = loopbackClientConfig('').region;
const SECRETS: Record<string, string> = {
  [loopbackClientConfig('').credentials.accessKeyId]: loopbackClientConfig('').credentials.secretAccessKey,
};

export interface S3VectorsCall {
  operation: string;
  body: Record<string, any>;
  /** The error type answered, or undefined when the call succeeded. */
  error?: string;
}

export interface S3VectorsServer {
  url: string;
  calls: S3VectorsCall[];
  /** The stored indexes by `<bucket>/<index>`, to check what a call left behind. */
  indexes: Map<string, Index>;
  /** The next call to `operation` fails with this error shape and status (then it is forgotten). */
  failNext(operation: string, type: string, status: number): void;
  close(): Promise<void>;
}

export function bucketArn(bucket: string): string {
  return `arn:aws:s3vectors:${REGION}:${ACCOUNT}:bucket/${bucket}`;
}

export async function startS3VectorsServer(options: { buckets?: readonly string[] } = {}): Promise<S3VectorsServer> {
  const buckets = new Set(options.buckets ?? []);
  const indexes = new Map<string, Index>();
  const calls: S3VectorsCall[] = [];
  const failures = new Map<string, { type: string; status: number }>();
  const operations: Record<string, (body: Record<string, any>) => unknown> = {
    CreateVectorBucket: (body) => {
      const name = nameOf(body.vectorBucketName, 'vectorBucketName');
      if (buckets.has(name)) throw new ServiceError('ConflictException', 409, `Vector bucket ${name} already exists`);
      buckets.add(name);
      return { vectorBucketArn: bucketArn(name) };
    },
    CreateIndex: (body) => createIndex(body, buckets, indexes),
    GetIndex: (body) => {
      const index = findIndex(body, buckets, indexes);
      return {
        index: {
          vectorBucketName: index.bucket,
          indexName: index.name,
          indexArn: index.arn,
          creationTime: index.creationTime,
          dataType: 'float32',
          dimension: index.dimension,
          distanceMetric: index.distanceMetric,
          ...(index.nonFilterable.size > 0
            ? { metadataConfiguration: { nonFilterableMetadataKeys: [...index.nonFilterable] } }
            : {}),
        },
      };
    },
    PutVectors: (body) => putVectors(findIndex(body, buckets, indexes), body),
    GetVectors: (body) => {
      const index = findIndex(body, buckets, indexes);
      const keys = keyList(body.keys, LIMITS.getVectors);
      const found = keys.flatMap((key) => {
        const stored = index.vectors.get(key);
        if (!stored) return [];
        return [
          {
            key,
            ...(body.returnData ? { data: { float32: [...stored.data] } } : {}),
            ...(body.returnMetadata && stored.metadata ? { metadata: stored.metadata } : {}),
          },
        ];
      });
      return { vectors: found };
    },
    DeleteVectors: (body) => {
      const index = findIndex(body, buckets, indexes);
      for (const key of keyList(body.keys, LIMITS.deleteVectors)) index.vectors.delete(key);
      return {};
    },
    QueryVectors: (body) => queryVectors(findIndex(body, buckets, indexes), body),
  };

  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks);
    const [path = '/', query = ''] = (req.url ?? '/').split('?');
    const tags = /^\/tags\/(.+)$/.exec(path);
    const operation = tags ? (req.method === 'GET' ? 'ListTagsForResource' : 'TagResource') : path.slice(1);
    let body: Record<string, any> = {};
    try {
      verify(req, path, query, raw);
      if (raw.length > LIMITS.payloadBytes) {
        throw validation(`Request payload of ${raw.length} bytes exceeds ${LIMITS.payloadBytes} bytes`);
      }
      body = raw.length === 0 ? {} : JSON.parse(raw.toString('utf8'));
      const injected = failures.get(operation);
      if (injected) {
        failures.delete(operation);
        throw new ServiceError(injected.type, injected.status, `injected ${injected.type}`);
      }
      let result: unknown;
      if (tags) result = tagOperation(req.method ?? '', decodeURIComponent(tags[1]!), body, indexes);
      else {
        const run = req.method === 'POST' ? operations[operation] : undefined;
        if (!run) throw new ServiceError('UnknownOperationException', 404, `no route ${req.method} ${path}`);
        result = run(body);
      }
      calls.push({ operation, body });
      send(res, 200, {}, result);
    } catch (error) {
      const failure = asServiceError(error);
      calls.push({ operation, body, error: failure.type });
      send(res, failure.status, { 'x-amzn-errortype': failure.type }, failure.body());
    }
  });
  return {
    url: await listen(server),
    calls,
    indexes,
    failNext: (operation, type, status) => failures.set(operation, { type, status }),
    close: () => shutDown(server),
  };
}

function verify(req: IncomingMessage, path: string, query: string, body: Buffer): void {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  try {
    verifySigV4(
      { method: req.method ?? 'GET', path, query, headers, body },
      { secretOf: (id) => SECRETS[id], region: REGION, service: 's3vectors' },
    );
  } catch (error) {
    if (error instanceof SigV4Error) {
      const type = error.failure === 'MissingAuthenticationToken' ? 'AccessDeniedException' : error.failure;
      throw new ServiceError(type, 403, error.message);
    }
    throw error;
  }
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-amzn-requestid': randomUUID(), ...headers });
  res.end(JSON.stringify(body));
}

function asServiceError(error: unknown): ServiceError {
  if (error instanceof ServiceError) return error;
  if (error instanceof SyntaxError) return validation('The request body is not valid JSON');
  return new ServiceError('InternalServerException', 500, String(error));
}

const NAME = /^[a-z0-9][a-z0-9-.]{1,61}[a-z0-9]$/;

function nameOf(value: unknown, field: string): string {
  if (typeof value !== 'string' || !NAME.test(value)) {
    throw validation(`${field} must be 3 to 63 lowercase letters, digits, hyphens or dots`, field);
  }
  return value;
}

/** Either bucket and index names, or the index ARN, as the model's GetIndexInput allows. */
function findIndex(body: Record<string, any>, buckets: Set<string>, indexes: Map<string, Index>): Index {
  let bucket: string;
  let name: string;
  if (typeof body.indexArn === 'string') {
    const match = /:bucket\/([^/]+)\/index\/([^/]+)$/.exec(body.indexArn);
    if (!match) throw validation('indexArn is not a vector index ARN', 'indexArn');
    [bucket, name] = [match[1]!, match[2]!];
  } else {
    bucket = nameOf(body.vectorBucketName, 'vectorBucketName');
    name = nameOf(body.indexName, 'indexName');
  }
  if (!buckets.has(bucket)) throw new ServiceError('NotFoundException', 404, `Vector bucket ${bucket} not found`);
  const index = indexes.get(`${bucket}/${name}`);
  if (!index) throw new ServiceError('NotFoundException', 404, `Index ${name} not found in ${bucket}`);
  return index;
}

function createIndex(body: Record<string, any>, buckets: Set<string>, indexes: Map<string, Index>): unknown {
  const bucket = nameOf(body.vectorBucketName, 'vectorBucketName');
  const name = nameOf(body.indexName, 'indexName');
  if (!buckets.has(bucket)) throw new ServiceError('NotFoundException', 404, `Vector bucket ${bucket} not found`);
  if (body.dataType !== 'float32') throw validation('dataType must be float32', 'dataType');
  const dimension = body.dimension;
  if (!Number.isInteger(dimension) || dimension < 1 || dimension > LIMITS.maxDimension) {
    throw validation(`dimension must be from 1 to ${LIMITS.maxDimension}`, 'dimension');
  }
  if (body.distanceMetric !== 'cosine' && body.distanceMetric !== 'euclidean') {
    throw validation('distanceMetric must be cosine or euclidean', 'distanceMetric');
  }
  const nonFilterable: unknown[] = body.metadataConfiguration?.nonFilterableMetadataKeys ?? [];
  if (
    nonFilterable.length > LIMITS.nonFilterableKeys ||
    nonFilterable.some((key) => typeof key !== 'string' || key.length < 1 || key.length > LIMITS.metadataKeyLength)
  ) {
    throw validation(
      `at most ${LIMITS.nonFilterableKeys} non-filterable keys of 1 to ${LIMITS.metadataKeyLength} characters`,
      'metadataConfiguration.nonFilterableMetadataKeys',
    );
  }
  const id = `${bucket}/${name}`;
  if (indexes.has(id)) throw new ServiceError('ConflictException', 409, `Index ${name} already exists`);
  const index: Index = {
    bucket,
    name,
    arn: `${bucketArn(bucket)}/index/${name}`,
    creationTime: Math.floor(Date.now() / 1000),
    dimension,
    distanceMetric: body.distanceMetric,
    nonFilterable: new Set(nonFilterable as string[]),
    tags: { ...(body.tags ?? {}) },
    vectors: new Map(),
  };
  indexes.set(id, index);
  return { indexArn: index.arn };
}

function keyList(value: unknown, max: number): string[] {
  if (!Array.isArray(value) || value.length < 1 || value.length > max) {
    throw validation(`keys must hold 1 to ${max} keys`, 'keys');
  }
  for (const key of value) {
    if (typeof key !== 'string' || key.length < 1 || key.length > LIMITS.keyLength) {
      throw validation(`each key must be 1 to ${LIMITS.keyLength} characters`, 'keys');
    }
  }
  return value as string[];
}

function vectorData(value: any, dimension: number, field: string): Float32Array {
  const values = value?.float32;
  if (!Array.isArray(values)) throw validation(`${field} must be {"float32": [...]}`, field);
  if (values.length !== dimension) {
    throw validation(`${field} has ${values.length} dimensions; the index has ${dimension}`, field);
  }
  if (values.some((v) => typeof v !== 'number' || !Number.isFinite(v))) {
    throw validation(`${field} must hold finite numbers`, field);
  }
  return Float32Array.from(values);
}

/** Checks the whole request before storing any of it: a refused call changes nothing. */
function putVectors(index: Index, body: Record<string, any>): unknown {
  const vectors = body.vectors;
  if (!Array.isArray(vectors) || vectors.length < 1 || vectors.length > LIMITS.putVectors) {
    throw validation(`vectors must hold 1 to ${LIMITS.putVectors} vectors`, 'vectors');
  }
  const checked = vectors.map((vector: any, i: number) => {
    const field = `vectors[${i}]`;
    keyList([vector?.key], 1);
    const data = vectorData(vector.data, index.dimension, `${field}.data`);
    const metadata = checkMetadata(vector.metadata, index, `${field}.metadata`);
    return { key: vector.key as string, data, metadata };
  });
  for (const { key, data, metadata } of checked) index.vectors.set(key, { data, metadata });
  return {};
}

function checkMetadata(value: unknown, index: Index, field: string): Metadata | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw validation(`${field} must be a JSON object`, field);
  }
  const metadata = value as Metadata;
  const keys = Object.keys(metadata);
  if (keys.length > LIMITS.metadataKeys) {
    throw validation(`${field} has ${keys.length} keys; at most ${LIMITS.metadataKeys} are allowed`, field);
  }
  for (const key of keys) {
    const v = metadata[key];
    const ok = (x: unknown) => ['string', 'number', 'boolean'].includes(typeof x);
    if (!(ok(v) || (Array.isArray(v) && v.every(ok)))) {
      throw validation(`${field}.${key} must be a string, number, boolean or a list of them`, `${field}.${key}`);
    }
  }
  const filterable = Object.fromEntries(Object.entries(metadata).filter(([key]) => !index.nonFilterable.has(key)));
  if (metadataBytes(filterable) > LIMITS.filterableMetadataBytes) {
    throw validation(`${field}: filterable metadata exceeds ${LIMITS.filterableMetadataBytes} bytes`, field);
  }
  if (metadataBytes(metadata) > LIMITS.totalMetadataBytes) {
    throw validation(`${field}: metadata exceeds ${LIMITS.totalMetadataBytes} bytes`, field);
  }
  return metadata;
}

function queryVectors(index: Index, body: Record<string, any>): unknown {
  const topK = body.topK;
  if (!Number.isInteger(topK) || topK < 1 || topK > LIMITS.topK) {
    throw validation(`topK must be from 1 to ${LIMITS.topK}`, 'topK');
  }
  if (body.filter !== undefined) throw validation('this loopback server does not evaluate filters', 'filter');
  const query = vectorData(body.queryVector, index.dimension, 'queryVector');
  const ranked = [...index.vectors.entries()]
    .map(([key, stored]) => ({ key, stored, distance: distance(index.distanceMetric, query, stored.data) }))
    .sort((a, b) => a.distance - b.distance || (a.key < b.key ? -1 : 1))
    .slice(0, topK);
  return {
    distanceMetric: index.distanceMetric,
    vectors: ranked.map(({ key, stored, distance }) => ({
      key,
      ...(body.returnDistance ? { distance } : {}),
      ...(body.returnMetadata && stored.metadata ? { metadata: stored.metadata } : {}),
    })),
  };
}

function tagOperation(method: string, arn: string, body: Record<string, any>, indexes: Map<string, Index>): unknown {
  const index = [...indexes.values()].find((candidate) => candidate.arn === arn);
  if (!index) throw new ServiceError('NotFoundException', 404, `No resource ${arn}`);
  if (method === 'GET') return { tags: index.tags };
  Object.assign(index.tags, body.tags ?? {});
  return {};
}

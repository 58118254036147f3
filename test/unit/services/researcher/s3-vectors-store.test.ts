/**
 * The S3 Vectors adapter through the real S3VectorsClient against the loopback server: the vector
 * store contract, one index per case; then how it splits calls, what it refuses before calling, how it records and checks the embedder, and that
 * the server itself enforces the service's limits (so the adapter's checks are not the only ones).
 */
import {
  CreateIndexCommand,
  PutVectorsCommand,
  QueryVectorsCommand,
  S3VectorsClient,
  ValidationException,
} from '@aws-sdk/client-s3vectors';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbedderMismatchError, type VectorRecord } from '#services/researcher/ports.ts';
import { S3VectorsStore } from '#services/researcher/s3-vectors-store.ts';
import { loopbackClientConfig } from '#test/support/loopback.ts';
import { type S3VectorsServer, startS3VectorsServer } from '#test/support/s3-vectors-server.ts';
import { describeVectorStoreContract } from '#test/support/vector-store-contract.ts';

const BUCKET = 'alex-knowledge';
let server: S3VectorsServer;
let client: S3VectorsClient;
let indexes = 0;

beforeAll(async () => {
  server = await startS3VectorsServer({ buckets: [BUCKET] });
  client = new S3VectorsClient({ ...loopbackClientConfig(server.url), maxAttempts: 3 });
});
afterAll(async () => {
  client.destroy();
  await server.close();
});

function newStore(): { store: S3VectorsStore; indexName: string } {
  const indexName = `test-index-${++indexes}`;
  return { store: new S3VectorsStore({ client, vectorBucketName: BUCKET, indexName }), indexName };
}

function unit(i: number, dimension = 2): VectorRecord {
  const vector = new Float32Array(dimension);
  vector[i % dimension] = 1;
  return {
    key: `doc#${i}`,
    vector,
    metadata: { documentId: 'doc', source: 'notes/doc.md', title: 'Doc', start: i * 10, end: i * 10 + 9 },
  };
}

function callsTo(operation: string, since: number) {
  return server.calls.slice(since).filter((call) => call.operation === operation);
}

describeVectorStoreContract('S3 Vectors through the loopback server', async () => newStore().store);

describe('S3VectorsStore', () => {
  it('creates a float32 cosine index tagged with the embedder, title and source non-filterable', async () => {
    const { store, indexName } = newStore();
    await store.ensureIndex({ name: 'amazon.titan-embed-text-v2:0', dimension: 256 });
    const index = server.indexes.get(`${BUCKET}/${indexName}`)!;
    expect(index).toMatchObject({ dimension: 256, distanceMetric: 'cosine' });
    expect(index.tags).toEqual({ 'alex:embedder': 'amazon.titan-embed-text-v2:0' });
    expect([...index.nonFilterable].sort()).toEqual(['source', 'text', 'title']);
  });

  it('a second store on the same index reads the embedder back from the tag', async () => {
    const { store, indexName } = newStore();
    await store.ensureIndex({ name: 'sagemaker:bge-small', dimension: 3 });
    const again = new S3VectorsStore({ client, vectorBucketName: BUCKET, indexName });
    expect(await again.identity()).toEqual({ name: 'sagemaker:bge-small', dimension: 3 });
    await expect(again.ensureIndex({ name: 'offline-hashing-v1', dimension: 3 })).rejects.toBeInstanceOf(
      EmbedderMismatchError,
    );
  });

  it('refuses an index made without the embedder tag rather than guessing', async () => {
    const { store, indexName } = newStore();
    await client.send(
      new CreateIndexCommand({
        vectorBucketName: BUCKET,
        indexName,
        dataType: 'float32',
        dimension: 2,
        distanceMetric: 'cosine',
      }),
    );
    await expect(store.ensureIndex({ name: 'contract-test-v1', dimension: 2 })).rejects.toThrow(/untagged index/);
  });

  it('scores a match as 1 − the cosine distance: [3, 4] against [4, 3] is 24/25', async () => {
    const { store } = newStore();
    await store.ensureIndex({ name: 'hand-v1', dimension: 2 });
    await store.put([{ ...unit(0), vector: Float32Array.from([0.6, 0.8]) }]);
    const [match] = await store.query(Float32Array.from([0.8, 0.6]), 1);
    expect(match!.score).toBeCloseTo(0.96, 5);
  });

  it('splits 1,234 records into PutVectors calls of 500, 500 and 234', async () => {
    const { store } = newStore();
    await store.ensureIndex({ name: 'split-v1', dimension: 2 });
    const since = server.calls.length;
    await store.put(Array.from({ length: 1234 }, (_, i) => unit(i)));
    expect(callsTo('PutVectors', since).map((call) => call.body.vectors.length)).toEqual([500, 500, 234]);
  });

  it('splits 1,001 deletions into DeleteVectors calls of 500, 500 and 1, and makes none for no keys', async () => {
    const { store } = newStore();
    await store.ensureIndex({ name: 'split-v1', dimension: 2 });
    const since = server.calls.length;
    await store.delete(Array.from({ length: 1001 }, (_, i) => `doc#${i}`));
    await store.delete([]);
    expect(callsTo('DeleteVectors', since).map((call) => call.body.keys.length)).toEqual([500, 500, 1]);
  });

  it('splits wide vectors by the 20 MiB payload limit as well as by count', async () => {
    const { store } = newStore();
    await store.ensureIndex({ name: 'wide-v1', dimension: 4096 });
    const since = server.calls.length;
    // 1/3 as a float32 prints as 0.3333333432674408: ~76 KB of JSON a vector, ~23 MB for 300.
    const dense = (i: number) => ({ ...unit(i), vector: new Float32Array(4096).fill(1 / 3) });
    await store.put(Array.from({ length: 300 }, (_, i) => dense(i)));
    const sizes = callsTo('PutVectors', since).map((call) => call.body.vectors.length);
    expect(sizes.length).toBe(2);
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(300);
    expect(server.calls.slice(since).every((call) => call.error === undefined)).toBe(true);
  });

  it('refuses filterable metadata over 2 KB before any call, naming the key, and writes none of the batch', async () => {
    const { store, indexName } = newStore();
    await store.ensureIndex({ name: 'limits-v1', dimension: 2 });
    const long = { ...unit(1), key: 'long#0', metadata: { ...unit(1).metadata, documentId: 'd'.repeat(2100) } };
    const since = server.calls.length;
    await expect(store.put([unit(0), long])).rejects.toThrow(/long#0: filterable metadata .* 2048/);
    expect(callsTo('PutVectors', since)).toEqual([]);
    expect(server.indexes.get(`${BUCKET}/${indexName}`)!.vectors.size).toBe(0);
  });

  it('stores a 30 KB title (non-filterable) but refuses one that takes the metadata over 40 KB', async () => {
    const { store } = newStore();
    await store.ensureIndex({ name: 'limits-v1', dimension: 2 });
    const titled = (title: string) => ({ ...unit(0), metadata: { ...unit(0).metadata, title } });
    await store.put([titled('t'.repeat(30 * 1024))]);
    expect((await store.query(Float32Array.from([1, 0]), 1))[0]!.metadata.title).toHaveLength(30 * 1024);
    await expect(store.put([titled('t'.repeat(41 * 1024))])).rejects.toThrow(/doc#0: metadata takes .* 40960/);
  });

  it('refuses a query before the index exists, saying to add documents first', async () => {
    const { store } = newStore();
    await expect(store.query(Float32Array.from([1, 0]), 5)).rejects.toThrow(/does not exist; add documents first/);
  });

  it('retries a throttled PutVectors (TooManyRequestsException is retryable) and stores the batch', async () => {
    const { store, indexName } = newStore();
    await store.ensureIndex({ name: 'retry-v1', dimension: 2 });
    server.failNext('PutVectors', 'TooManyRequestsException', 429);
    await store.put([unit(0), unit(1)]);
    expect(server.indexes.get(`${BUCKET}/${indexName}`)!.vectors.size).toBe(2);
  });
});

describe('the loopback S3 Vectors server enforces the service limits itself', () => {
  const target = { vectorBucketName: BUCKET, indexName: 'server-limits' };
  beforeAll(async () => {
    await new S3VectorsStore({ client, ...target }).ensureIndex({ name: 'server-v1', dimension: 2 });
  });
  const vector = (key: string, metadata: Record<string, string | number> = {}) => ({
    key,
    data: { float32: [1, 0] },
    metadata,
  });

  it('answers ValidationException to 501 vectors in one PutVectors', async () => {
    const vectors = Array.from({ length: 501 }, (_, i) => vector(`k${i}`));
    await expect(client.send(new PutVectorsCommand({ ...target, vectors }))).rejects.toBeInstanceOf(
      ValidationException,
    );
  });

  it('answers ValidationException to topK 101 and to a query of the wrong dimension', async () => {
    const query = (topK: number, float32: number[]) =>
      client.send(new QueryVectorsCommand({ ...target, topK, queryVector: { float32 } }));
    await expect(query(101, [1, 0])).rejects.toBeInstanceOf(ValidationException);
    await expect(query(5, [1, 0, 0])).rejects.toThrow(/3 dimensions; the index has 2/);
  });

  it('answers ValidationException to 51 metadata keys and to filterable metadata over 2 KB', async () => {
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, i]));
    await expect(client.send(new PutVectorsCommand({ ...target, vectors: [vector('a', many)] }))).rejects.toThrow(
      /51 keys/,
    );
    const big = { note: 'x'.repeat(2100) };
    await expect(client.send(new PutVectorsCommand({ ...target, vectors: [vector('b', big)] }))).rejects.toThrow(
      /filterable metadata exceeds 2048/,
    );
  });

  it('refuses a request without a SigV4 signature', async () => {
    const response = await fetch(`${server.url}/GetIndex`, { method: 'POST', body: JSON.stringify(target) });
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('AccessDeniedException');
  });
});

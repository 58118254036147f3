/**
 * The SageMaker endpoint embedder through the real SageMakerRuntimeClient against the loopback
 * InvokeEndpoint server, which answers the letter-count stand-in (letter-embedding.ts) unnormalised,
 * as many endpoints do, so every expected vector is worked out by hand.
 */
import { SageMakerRuntimeClient } from '@aws-sdk/client-sagemaker-runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { RetryableError } from '#events/errors.ts';
import { SageMakerEmbedder, type SageMakerEmbedderOptions } from '#services/researcher/sagemaker-embedder.ts';
import { loopbackClientConfig } from '#test/support/loopback.ts';
import {
  letterEmbeddings,
  modelError,
  modelNotReady,
  type SageMakerScript,
  type SageMakerServer,
  startSageMakerServer,
} from '#test/support/sagemaker-server.ts';

let server: SageMakerServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function endpoint(script: SageMakerScript, options: Partial<SageMakerEmbedderOptions> = {}) {
  server = await startSageMakerServer(script);
  const client = new SageMakerRuntimeClient({ ...loopbackClientConfig(server.url), maxAttempts: 2 });
  const embedder = new SageMakerEmbedder({ endpointName: 'alex-embeddings', dimension: 26, client, ...options });
  return { embedder, server };
}

describe('SageMakerEmbedder', () => {
  it('is named for its endpoint and sends batches as {"inputs": [...]} in JSON', async () => {
    const { embedder, server } = await endpoint(letterEmbeddings(26), { batchSize: 2, concurrency: 1 });
    expect(embedder.name).toBe('sagemaker:alex-embeddings');
    await embedder.embed(['a', 'b', 'c'], 'passage');
    expect(server.invocations.map((call) => [call.endpointName, call.contentType, call.body])).toEqual([
      ['alex-embeddings', 'application/json', { inputs: ['a', 'b'] }],
      ['alex-embeddings', 'application/json', { inputs: ['c'] }],
    ]);
  });

  it('normalises each vector and keeps the order of the texts: "abb" is [1, 2, 0, …]/√5', async () => {
    const { embedder } = await endpoint(letterEmbeddings(26), { batchSize: 1, concurrency: 3 });
    const [abb, c, ab] = await embedder.embed(['abb', 'c', 'ab'], 'query');
    expect(abb![0]).toBeCloseTo(1 / Math.sqrt(5), 6);
    expect(abb![1]).toBeCloseTo(2 / Math.sqrt(5), 6);
    expect(c![2]).toBeCloseTo(1, 6);
    expect(ab![0]).toBeCloseTo(Math.SQRT1_2, 6);
  });

  it('takes the input key and the query and passage prefixes an asymmetric model needs', async () => {
    const { embedder, server } = await endpoint(letterEmbeddings(26, 'texts'), {
      inputKey: 'texts',
      queryPrefix: 'query: ',
      passagePrefix: 'passage: ',
    });
    await embedder.embed(['x'], 'query');
    await embedder.embed(['y'], 'passage');
    expect(server.invocations.map((call) => call.body)).toEqual([{ texts: ['query: x'] }, { texts: ['passage: y'] }]);
  });

  it('reads {"embeddings": [[…]]} as well as a bare list', async () => {
    const { embedder } = await endpoint((request) => ({
      status: 200,
      body: { embeddings: request.body.inputs.map(() => [0, 0, 5, ...new Array(23).fill(0)]) },
    }));
    const [vector] = await embedder.embed(['z'], 'passage');
    expect(vector![2]).toBe(1);
  });

  it('refuses token-level output, saying to deploy with pooling', async () => {
    const { embedder } = await endpoint((request) => ({
      status: 200,
      body: request.body.inputs.map(() => [new Array(26).fill(1), new Array(26).fill(1)]),
    }));
    await expect(embedder.embed(['a'], 'passage')).rejects.toThrow(/one vector per token: deploy it with pooling/);
  });

  it('refuses an answer of another dimension or count, naming the endpoint', async () => {
    const wrong = await endpoint(letterEmbeddings(24));
    await expect(wrong.embedder.embed(['a'], 'passage')).rejects.toThrow(/alex-embeddings answered 24 values, not 26/);
    await wrong.server.close();
    const short = await endpoint(() => ({ status: 200, body: [] }));
    await expect(short.embedder.embed(['a'], 'passage')).rejects.toThrow(/answered 0 vectors for 1 texts/);
  });

  it('gives a RetryableError when the model is not ready after the SDK retries; a ModelError stays as it is', async () => {
    const busy = await endpoint(() => modelNotReady());
    await expect(busy.embedder.embed(['a'], 'passage')).rejects.toBeInstanceOf(RetryableError);
    expect(busy.server.invocations).toHaveLength(2);
    await busy.server.close();
    const broken = await endpoint(() => modelError('bad input'));
    const failure = broken.embedder.embed(['a'], 'passage');
    await expect(failure).rejects.not.toBeInstanceOf(RetryableError);
    await expect(failure).rejects.toThrow(/bad input/);
  });

  it('refuses an endpoint name SageMaker would not accept', () => {
    expect(() => new SageMakerEmbedder({ endpointName: 'bad_name', dimension: 8 })).toThrow(/endpoint name "bad_name"/);
  });
});

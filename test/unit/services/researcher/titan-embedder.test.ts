/**
 * The Titan Text Embeddings V2 embedder through the real BedrockRuntimeClient against the loopback
 * Bedrock server's InvokeModel route, which answers the letter-count stand-in (letter-embedding.ts),
 * so every expected vector is worked out by hand.
 */
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { afterEach, describe, expect, it } from 'vitest';
import { RetryableError } from '#events/errors.ts';
import { TITAN_EMBED_V2, TitanEmbedder } from '#services/researcher/titan-embedder.ts';
import {
  type BedrockServer,
  type InvokeScript,
  startBedrockServer,
  textAnswer,
  throttled,
  titanEmbeddingAnswer,
} from '#test/support/bedrock-server.ts';
import { loopbackClientConfig } from '#test/support/loopback.ts';

let server: BedrockServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function titan(invoke: InvokeScript, options: { dimension?: 256 | 512 | 1024; maxAttempts?: number } = {}) {
  server = await startBedrockServer(() => textAnswer('unused'), { invoke });
  const client = new BedrockRuntimeClient({
    ...loopbackClientConfig(server.url),
    maxAttempts: options.maxAttempts ?? 3,
  });
  return { embedder: new TitanEmbedder({ client, dimension: options.dimension ?? 256 }), server };
}

describe('TitanEmbedder', () => {
  it('asks amazon.titan-embed-text-v2:0 for one text a call, with the dimensions and normalize: true', async () => {
    const { embedder, server } = await titan(titanEmbeddingAnswer, { dimension: 512 });
    await embedder.embed(['one', 'two'], 'passage');
    expect(server.invocations.map((call) => call.modelId)).toEqual([TITAN_EMBED_V2, TITAN_EMBED_V2]);
    expect(server.invocations.map((call) => call.body).sort((a, b) => (a.inputText < b.inputText ? -1 : 1))).toEqual([
      { inputText: 'one', dimensions: 512, normalize: true },
      { inputText: 'two', dimensions: 512, normalize: true },
    ]);
    expect(server.invocations[0]!.headers['content-type']).toBe('application/json');
  });

  it('returns the answers in the order of the texts: "aab" is [2, 1, 0, …]/√5, "b" is [0, 1, 0, …]', async () => {
    const { embedder } = await titan(titanEmbeddingAnswer);
    const [aab, b] = await embedder.embed(['aab', 'b'], 'query');
    expect(aab).toHaveLength(256);
    expect(aab![0]).toBeCloseTo(2 / Math.sqrt(5), 6);
    expect(aab![1]).toBeCloseTo(1 / Math.sqrt(5), 6);
    expect(b![1]).toBeCloseTo(1, 6);
    expect(aab!.slice(2).every((v) => v === 0)).toBe(true);
  });

  it('normalises an answer that is not unit length', async () => {
    const { embedder } = await titan((request) => ({
      status: 200,
      body: { embedding: [3, 4, ...new Array(254).fill(0)], inputTextTokenCount: 1 },
    }));
    const [vector] = await embedder.embed(['x'], 'passage');
    expect([vector![0], vector![1]]).toEqual([Math.fround(0.6), Math.fround(0.8)]);
  });

  it('refuses an answer of another dimension, naming what came back', async () => {
    const { embedder } = await titan(() => ({ status: 200, body: { embedding: [1, 0, 0], inputTextTokenCount: 1 } }));
    await expect(embedder.embed(['x'], 'passage')).rejects.toThrow(/answered 3 values, not 256/);
  });

  it('refuses an empty text and one over 50,000 characters before calling, naming the text', async () => {
    const { embedder, server } = await titan(titanEmbeddingAnswer);
    await expect(embedder.embed(['fine', '  '], 'passage')).rejects.toThrow(/texts\[1\]: is empty/);
    await expect(embedder.embed(['a'.repeat(50_001)], 'passage')).rejects.toThrow(/texts\[0\]: 50001 characters/);
    expect(server.invocations).toEqual([]);
  });

  it('refuses a dimension the model does not offer', () => {
    expect(() => new TitanEmbedder({ dimension: 384 as 256 })).toThrow(/384 is not offered.*256, 512 or 1024/);
  });

  it('retries throttling within the SDK, then gives a RetryableError for the queue to retry', async () => {
    const { embedder, server } = await titan((request, i) => (i === 0 ? throttled() : titanEmbeddingAnswer(request)));
    expect(await embedder.embed(['a'], 'passage')).toHaveLength(1);
    expect(server.invocations).toHaveLength(2);
    await server.close();
    const always = await titan(() => throttled(), { maxAttempts: 2 });
    await expect(always.embedder.embed(['a'], 'passage')).rejects.toBeInstanceOf(RetryableError);
    expect(always.server.invocations).toHaveLength(2);
  });
});

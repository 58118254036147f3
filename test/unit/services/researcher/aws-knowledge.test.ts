/**
 * Knowledge settings to a function's environment and back: the index is named for the embedder, the
 * factory builds the configured embedder and S3 Vectors store, and the two work together through
 * the real SDK clients against the loopback Bedrock and S3 Vectors servers, with the endpoints and
 * credentials given the standard SDK way (AWS_ENDPOINT_URL_*), as on a deployed function.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { knowledgeFromEnv } from '#services/researcher/aws-knowledge.ts';
import { awsVectorPorts } from '#services/researcher/aws-vectors.ts';
import {
  type AwsKnowledgeSettings,
  KNOWLEDGE_ENV,
  knowledgeEnvironment,
  vectorIndexName,
} from '#services/researcher/knowledge-settings.ts';
import { SageMakerEmbedder } from '#services/researcher/sagemaker-embedder.ts';
import { TitanEmbedder } from '#services/researcher/titan-embedder.ts';
import {
  type BedrockServer,
  startBedrockServer,
  textAnswer,
  titanEmbeddingAnswer,
} from '#test/support/bedrock-server.ts';
import { loopbackClientConfig } from '#test/support/loopback.ts';
import { type S3VectorsServer, startS3VectorsServer } from '#test/support/s3-vectors-server.ts';

const INDEX_NAME = /^[a-z0-9][a-z0-9-.]{1,61}[a-z0-9]$/;

describe('vectorIndexName', () => {
  it('is passages-<embedder>-<dimension>, folded to what S3 Vectors allows', () => {
    expect(vectorIndexName({ name: 'amazon.titan-embed-text-v2:0', dimension: 512 })).toBe(
      'passages-amazon.titan-embed-text-v2-0-512',
    );
    expect(vectorIndexName({ name: 'sagemaker:My_Endpoint', dimension: 384 })).toBe(
      'passages-sagemaker-my-endpoint-384',
    );
  });

  it('keeps a long name within 63 characters and tells two long names apart', () => {
    const long = (end: string) => ({ name: `sagemaker:${'e'.repeat(60)}${end}`, dimension: 1024 });
    const [a, b] = [vectorIndexName(long('a')), vectorIndexName(long('b'))];
    expect(a).toMatch(INDEX_NAME);
    expect(a.length).toBeLessThanOrEqual(63);
    expect(a).not.toBe(b);
  });
});

describe('knowledgeFromEnv', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('is undefined where no vector bucket is set: the local runtime uses its own store', () => {
    expect(knowledgeFromEnv({})).toBeUndefined();
  });

  it('builds a SageMaker embedder from the stack environment, prefixes and input key included', () => {
    const settings: AwsKnowledgeSettings = {
      embedder: 'sagemaker',
      endpointName: 'e5-base',
      dimension: 768,
      inputKey: 'texts',
      queryPrefix: 'query: ',
      passagePrefix: 'passage: ',
    };
    const env = knowledgeEnvironment(settings, 'alex-knowledge');
    expect(env[KNOWLEDGE_ENV.sagemakerQueryPrefix]).toBe('query: ');
    const built = knowledgeFromEnv({ ...env, AWS_REGION: 'eu-west-1' })!;
    expect(built.embedder).toBeInstanceOf(SageMakerEmbedder);
    expect({ name: built.embedder.name, dimension: built.embedder.dimension }).toEqual({
      name: 'sagemaker:e5-base',
      dimension: 768,
    });
  });

  it('gives the deployed researcher Titan and S3 Vectors, or refuses with what to set when the stack set nothing', async () => {
    const ports = awsVectorPorts({
      ...knowledgeEnvironment(
        { embedder: 'bedrock', modelId: 'amazon.titan-embed-text-v2:0', dimension: 512 },
        'alex-knowledge',
      ),
      AWS_REGION: 'eu-west-1',
    });
    expect(ports.embedder).toBeInstanceOf(TitanEmbedder);
    expect(ports.embedder.dimension).toBe(512);
    const unset = awsVectorPorts({});
    await expect(unset.embedder.embed(['x'], 'passage')).rejects.toThrow(/ALEX_VECTOR_BUCKET is not set/);
    await expect(unset.store()).rejects.toThrow(/needs.knowledge 'write'/);
  });

  it('names the variable that is missing or wrong', () => {
    const base = { [KNOWLEDGE_ENV.vectorBucket]: 'alex-knowledge', AWS_REGION: 'eu-west-1' };
    expect(() => knowledgeFromEnv({ ...base, [KNOWLEDGE_ENV.embedder]: 'sagemaker' })).toThrow(
      /ALEX_SAGEMAKER_ENDPOINT/,
    );
    expect(() => knowledgeFromEnv({ ...base, [KNOWLEDGE_ENV.embeddingDimension]: '300' })).toThrow(
      /ALEX_EMBEDDING_DIMENSION/,
    );
    expect(() => knowledgeFromEnv({ ...base, [KNOWLEDGE_ENV.embedder]: 'openai' })).toThrow(/ALEX_KNOWLEDGE_EMBEDDER/);
  });
});

describe('knowledge on AWS, end to end through the loopback servers', () => {
  let bedrock: BedrockServer;
  let vectors: S3VectorsServer;
  beforeAll(async () => {
    bedrock = await startBedrockServer(() => textAnswer('unused'), { invoke: titanEmbeddingAnswer });
    vectors = await startS3VectorsServer({ buckets: ['alex-knowledge'] });
  });
  afterAll(async () => {
    await bedrock.close();
    await vectors.close();
  });

  it('embeds passages with Titan, stores them in the named index, and finds the closest for a query', async () => {
    const { credentials, region } = loopbackClientConfig('');
    const env = knowledgeEnvironment(
      { embedder: 'bedrock', modelId: 'amazon.titan-embed-text-v2:0', dimension: 256 },
      'alex-knowledge',
    );
    for (const [name, value] of Object.entries({
      ...env,
      AWS_REGION: region,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_ENDPOINT_URL_BEDROCK_RUNTIME: bedrock.url,
      AWS_ENDPOINT_URL_S3VECTORS: vectors.url,
    })) {
      vi.stubEnv(name, value);
    }
    const { embedder, store } = knowledgeFromEnv()!;
    expect(embedder).toBeInstanceOf(TitanEmbedder);
    await store.ensureIndex(embedder);
    const texts = ['aaaa', 'bbbb', 'abab'];
    const passages = await embedder.embed(texts, 'passage');
    await store.put(
      passages.map((vector, i) => ({
        key: `letters#${i}`,
        vector,
        metadata: { documentId: 'letters', source: 'letters.md', title: 'Letters', start: i * 5, end: i * 5 + 4 },
      })),
    );
    expect(vectors.indexes.has('alex-knowledge/passages-amazon.titan-embed-text-v2-0-256')).toBe(true);
    const [query] = await embedder.embed(['aab'], 'query');
    const matches = await store.query(query!, 3);
    // "aab" is [2, 1]/√5: against "aaaa" [1, 0] 2/√5, against "abab" [1, 1]/√2 3/√10, against "bbbb" 1/√5.
    expect(matches.map((m) => m.key)).toEqual(['letters#2', 'letters#0', 'letters#1']);
    expect(matches.map((m) => m.score)).toEqual(
      [3 / Math.sqrt(10), 2 / Math.sqrt(5), 1 / Math.sqrt(5)].map((s) => expect.closeTo(s, 5)),
    );
  });
});

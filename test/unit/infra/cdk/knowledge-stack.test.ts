/**
 * The knowledge base on AWS, synthesized: the writing service's stack owns the S3 vector bucket and
 * its index (float32, cosine, the embedder's dimension and name); only that service may put and
 * delete vectors, the reader may only query; each may call the embedding model and nothing else of
 * Bedrock or SageMaker. The reporter is given `knowledge: read` here until its declaration says so.
 */
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig } from '#infra/cdk/config.ts';
import { KNOWLEDGE_VECTOR_BUCKET, STACK_NAMES } from '#infra/cdk/names.ts';
import { TemplateLinter } from '#infra/cdk/template-lint.ts';
import { aggregator } from '#services/aggregator/service.ts';
import { SERVICE_REGISTRY } from '#services/index.ts';
import { reporter } from '#services/reporter/service.ts';
import { type Synthesized, synthesize } from './synth.ts';

const registered = (name: string) => SERVICE_REGISTRY.find((entry) => entry.service.name === name)!;
const READER = {
  ...registered('reporter'),
  service: { ...reporter, needs: { ...reporter.needs, knowledge: 'read' as const } },
};
const SERVICES = [registered('aggregator'), READER, registered('researcher')];
const WRITER_STACK = STACK_NAMES.service('researcher');
const READER_STACK = STACK_NAMES.service('reporter');
const OTHER_STACK = STACK_NAMES.service(aggregator.name);
const TITAN_INDEX = 'passages-amazon.titan-embed-text-v2-0-1024';

let titan: Synthesized;
let sagemaker: Synthesized;

beforeAll(() => {
  titan = synthesize({}, { services: SERVICES });
  sagemaker = synthesize(
    { knowledge: { embedder: 'sagemaker', endpointName: 'Bge-Small-Endpoint', dimension: 384 }, vpc: true },
    { services: SERVICES },
  );
}, 240_000);

function resources(synth: Synthesized, stack: string, type: string): Array<Record<string, any>> {
  return Object.values(synth.template(stack).Resources as Record<string, any>)
    .filter((r) => r.Type === type)
    .map((r) => r.Properties);
}

/** The function role's statements (the Role's inline policies and its attached AWS::IAM::Policy). */
function statements(synth: Synthesized, stack: string): Array<Record<string, any>> {
  return resources(synth, stack, 'AWS::IAM::Policy').flatMap((p) => p.PolicyDocument.Statement);
}

function withAction(synth: Synthesized, stack: string, prefix: string) {
  return statements(synth, stack).filter((s) => [s.Action].flat().some((a: string) => a.startsWith(prefix)));
}

function environment(synth: Synthesized, stack: string): Record<string, string> {
  const [fn] = resources(synth, stack, 'AWS::Lambda::Function');
  return fn!.Environment.Variables;
}

describe('the knowledge base stack', () => {
  it("puts one vector bucket (SSE-S3) and one float32 cosine index in the writer's stack, and none elsewhere", () => {
    expect(resources(titan, WRITER_STACK, 'AWS::S3Vectors::VectorBucket')).toEqual([
      {
        VectorBucketName: KNOWLEDGE_VECTOR_BUCKET,
        EncryptionConfiguration: { SseType: 'AES256' },
        Tags: expect.any(Array),
      },
    ]);
    const [index, ...more] = resources(titan, WRITER_STACK, 'AWS::S3Vectors::Index');
    expect(more).toEqual([]);
    expect(index).toMatchObject({
      VectorBucketName: KNOWLEDGE_VECTOR_BUCKET,
      IndexName: TITAN_INDEX,
      DataType: 'float32',
      Dimension: 1024,
      DistanceMetric: 'cosine',
      MetadataConfiguration: { NonFilterableMetadataKeys: ['source', 'title'] },
    });
    expect(index!.Tags).toContainEqual({ Key: 'alex:embedder', Value: 'amazon.titan-embed-text-v2:0' });
    for (const stack of [READER_STACK, OTHER_STACK, STACK_NAMES.core]) {
      const types = Object.values(titan.template(stack).Resources as Record<string, any>).map((r) => r.Type);
      expect(
        types.filter((type) => type.startsWith('AWS::S3Vectors::')),
        stack,
      ).toEqual([]);
    }
  });

  it('lets only the writer put and delete vectors, on the index only', () => {
    const [write, ...more] = withAction(titan, WRITER_STACK, 's3vectors:');
    expect(more).toEqual([]);
    expect([write!.Action].flat().sort()).toEqual([
      's3vectors:DeleteVectors',
      's3vectors:GetIndex',
      's3vectors:GetVectors',
      's3vectors:ListTagsForResource',
      's3vectors:PutVectors',
      's3vectors:QueryVectors',
    ]);
    expect(JSON.stringify(write!.Resource)).toContain(`:bucket/${KNOWLEDGE_VECTOR_BUCKET}/index/${TITAN_INDEX}"`);
    for (const stack of [READER_STACK, OTHER_STACK]) {
      const actions = withAction(titan, stack, 's3vectors:').flatMap((s) => [s.Action].flat());
      expect(
        actions.filter((a) => /Put|Delete|Create|\*/.test(a)),
        stack,
      ).toEqual([]);
    }
  });

  it('lets the reader query and read the index (QueryVectors with metadata needs GetVectors), nothing more', () => {
    const [read, ...more] = withAction(titan, READER_STACK, 's3vectors:');
    expect(more).toEqual([]);
    expect([read!.Action].flat().sort()).toEqual([
      's3vectors:GetIndex',
      's3vectors:GetVectors',
      's3vectors:ListTagsForResource',
      's3vectors:QueryVectors',
    ]);
    expect(JSON.stringify(read!.Resource)).toContain(`:bucket/${KNOWLEDGE_VECTOR_BUCKET}/index/${TITAN_INDEX}"`);
    expect(withAction(titan, OTHER_STACK, 's3vectors:')).toEqual([]);
  });

  it('grants bedrock:InvokeModel on the Titan embedding model alone to the writer and the reader', () => {
    for (const stack of [WRITER_STACK, READER_STACK]) {
      const embedding = statements(titan, stack).filter((s) => s.Sid === 'InvokeEmbeddingModel');
      expect(embedding, stack).toHaveLength(1);
      expect(embedding[0]!.Action).toBe('bedrock:InvokeModel');
      expect(JSON.stringify(embedding[0]!.Resource)).toMatch(
        /^\{"Fn::Join":\["",\["arn:",\{"Ref":"AWS::Partition"\},":bedrock:eu-west-1::foundation-model\/amazon\.titan-embed-text-v2:0"\]\]\}$/,
      );
    }
    expect(
      statements(titan, WRITER_STACK).filter((s) => [s.Action].flat().includes('bedrock:InvokeModel')),
    ).toHaveLength(1);
    expect(withAction(titan, OTHER_STACK, 'sagemaker:')).toEqual([]);
  });

  it('names the bucket, index, embedder and dimension in both functions, and in no other', () => {
    const expected = {
      ALEX_KNOWLEDGE_EMBEDDER: 'bedrock',
      ALEX_EMBEDDING_MODEL_ID: 'amazon.titan-embed-text-v2:0',
      ALEX_EMBEDDING_DIMENSION: '1024',
      ALEX_VECTOR_BUCKET: KNOWLEDGE_VECTOR_BUCKET,
      ALEX_VECTOR_INDEX: TITAN_INDEX,
    };
    expect(environment(titan, WRITER_STACK)).toMatchObject(expected);
    expect(environment(titan, READER_STACK)).toMatchObject(expected);
    expect(Object.keys(environment(titan, OTHER_STACK)).filter((name) => /VECTOR|EMBED/.test(name))).toEqual([]);
  });

  it('with a SageMaker embedder: an index of its dimension, InvokeEndpoint on that endpoint only, no Bedrock for it', () => {
    const [index] = resources(sagemaker, WRITER_STACK, 'AWS::S3Vectors::Index');
    expect(index).toMatchObject({ IndexName: 'passages-sagemaker-bge-small-endpoint-384', Dimension: 384 });
    expect(index!.Tags).toContainEqual({ Key: 'alex:embedder', Value: 'sagemaker:Bge-Small-Endpoint' });
    for (const stack of [WRITER_STACK, READER_STACK]) {
      const [invoke, ...more] = withAction(sagemaker, stack, 'sagemaker:');
      expect(more, stack).toEqual([]);
      expect(invoke!.Action).toBe('sagemaker:InvokeEndpoint');
      expect(JSON.stringify(invoke!.Resource)).toMatch(/:endpoint\/bge-small-endpoint"\]\]\}$/);
      expect(statements(sagemaker, stack).filter((s) => s.Sid === 'InvokeEmbeddingModel')).toEqual([]);
      expect(environment(sagemaker, stack)).toMatchObject({
        ALEX_KNOWLEDGE_EMBEDDER: 'sagemaker',
        ALEX_SAGEMAKER_ENDPOINT: 'Bge-Small-Endpoint',
        ALEX_EMBEDDING_DIMENSION: '384',
      });
    }
  });

  it('with private networking, adds interface endpoints for S3 Vectors and the SageMaker runtime', () => {
    const interfaces = resources(sagemaker, STACK_NAMES.network, 'AWS::EC2::VPCEndpoint')
      .filter((e) => e.VpcEndpointType === 'Interface')
      .map((e) => e.ServiceName);
    expect(interfaces).toEqual(
      expect.arrayContaining(['com.amazonaws.eu-west-1.s3vectors', 'com.amazonaws.eu-west-1.sagemaker.runtime']),
    );
  });

  it('refers to no other stack: the reader finds the index by name', () => {
    for (const stack of [WRITER_STACK, READER_STACK]) {
      expect(JSON.stringify(titan.template(stack)), stack).not.toContain('Fn::ImportValue');
    }
  });

  it('passes cdk-nag AwsSolutions and the CloudFormation registry schemas', () => {
    const report = new AwsSolutionsChecks(titan.app).validateScope(titan.app);
    expect(
      report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`),
    ).toEqual([]);
    const linter = new TemplateLinter();
    for (const stack of [WRITER_STACK, READER_STACK])
      expect(linter.lint(titan.template(stack) as never), stack).toEqual([]);
  });
});

describe('the knowledge config', () => {
  it('is Titan Text Embeddings V2 at 1,024 dimensions unless told otherwise', () => {
    expect(resolveConfig().knowledge).toEqual({
      embedder: 'bedrock',
      modelId: 'amazon.titan-embed-text-v2:0',
      dimension: 1024,
    });
    expect(resolveConfig({ knowledge: '{"dimension":256}' }).knowledge).toMatchObject({
      embedder: 'bedrock',
      dimension: 256,
    });
  });

  it('takes a SageMaker embedder whole, without the Bedrock defaults', () => {
    expect(
      resolveConfig({ knowledge: { embedder: 'sagemaker', endpointName: 'bge', dimension: 384 } }).knowledge,
    ).toEqual({
      embedder: 'sagemaker',
      endpointName: 'bge',
      dimension: 384,
    });
  });

  it('refuses a Titan dimension the model does not offer and a SageMaker embedder without its endpoint, naming the field', () => {
    expect(() => resolveConfig({ knowledge: { dimension: 300 } })).toThrow(/knowledge\.dimension/);
    expect(() => resolveConfig({ knowledge: { embedder: 'sagemaker', dimension: 384 } })).toThrow(
      /knowledge\.endpointName/,
    );
  });
});

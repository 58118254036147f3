/**
 * The knowledge base on AWS: an S3 vector bucket and its one index (float32, cosine, the embedder's
 * dimension, named and tagged for the embedder, source and title non-filterable), owned by the one
 * service that writes it; and the IAM statements each side needs. A reader finds the index by name,
 * never by a reference to the writer's stack, so each stack still deploys alone.
 */
import { type Stack, Tags } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3vectors from 'aws-cdk-lib/aws-s3vectors';
import { Construct } from 'constructs';
import {
  type AwsKnowledgeSettings,
  embedderIdentity,
  vectorIndexName,
} from '#services/researcher/knowledge-settings.ts';
import { EMBEDDER_TAG, NON_FILTERABLE_KEYS } from '#services/researcher/s3-vectors-limits.ts';
import { KNOWLEDGE_VECTOR_BUCKET } from '../names.ts';

/** Writing also reads: a re-added document's passages are replaced, and ensureIndex checks the tag. */
export const KNOWLEDGE_WRITE_ACTIONS = [
  's3vectors:PutVectors',
  's3vectors:DeleteVectors',
  's3vectors:GetVectors',
  's3vectors:QueryVectors',
  's3vectors:GetIndex',
  's3vectors:ListTagsForResource',
];
/** QueryVectors with returnMetadata needs GetVectors too; GetIndex and the tag check the embedder. */
export const KNOWLEDGE_READ_ACTIONS = [
  's3vectors:QueryVectors',
  's3vectors:GetVectors',
  's3vectors:GetIndex',
  's3vectors:ListTagsForResource',
];

export class KnowledgeBase extends Construct {
  readonly bucket: s3vectors.CfnVectorBucket;
  readonly index: s3vectors.CfnIndex;

  constructor(scope: Construct, id: string, settings: AwsKnowledgeSettings) {
    super(scope, id);
    const identity = embedderIdentity(settings);
    this.bucket = new s3vectors.CfnVectorBucket(this, 'VectorBucket', {
      vectorBucketName: KNOWLEDGE_VECTOR_BUCKET,
      encryptionConfiguration: { sseType: 'AES256' },
    });
    this.index = new s3vectors.CfnIndex(this, 'Index', {
      vectorBucketName: KNOWLEDGE_VECTOR_BUCKET,
      indexName: vectorIndexName(identity),
      dataType: 'float32',
      dimension: identity.dimension,
      distanceMetric: 'cosine',
      metadataConfiguration: { nonFilterableMetadataKeys: [...NON_FILTERABLE_KEYS] },
    });
    // The adapter reads this tag back and refuses any other embedder (S3VectorsStore.ensureIndex).
    Tags.of(this.index).add(EMBEDDER_TAG, identity.name);
    this.index.node.addDependency(this.bucket);
  }
}

export function vectorIndexArn(stack: Stack, settings: AwsKnowledgeSettings): string {
  const index = vectorIndexName(embedderIdentity(settings));
  return stack.formatArn({
    service: 's3vectors',
    resource: 'bucket',
    resourceName: `${KNOWLEDGE_VECTOR_BUCKET}/index/${index}`,
  });
}

/** The embedding model only: Titan's foundation-model ARN in the function's region, or the one endpoint. */
export function embeddingStatement(stack: Stack, settings: AwsKnowledgeSettings): iam.PolicyStatement {
  if (settings.embedder === 'bedrock') {
    return new iam.PolicyStatement({
      sid: 'InvokeEmbeddingModel',
      actions: ['bedrock:InvokeModel'],
      resources: [`arn:${stack.partition}:bedrock:${stack.region}::foundation-model/${settings.modelId}`],
    });
  }
  return new iam.PolicyStatement({
    sid: 'InvokeEmbeddingEndpoint',
    actions: ['sagemaker:InvokeEndpoint'],
    // SageMaker writes endpoint names in lower case in its ARNs.
    resources: [
      stack.formatArn({
        service: 'sagemaker',
        resource: 'endpoint',
        resourceName: settings.endpointName.toLowerCase(),
      }),
    ],
  });
}

export function knowledgeStatements(
  stack: Stack,
  settings: AwsKnowledgeSettings,
  access: 'write' | 'read',
): iam.PolicyStatement[] {
  return [
    new iam.PolicyStatement({
      sid: access === 'write' ? 'WriteKnowledge' : 'ReadKnowledge',
      actions: access === 'write' ? KNOWLEDGE_WRITE_ACTIONS : KNOWLEDGE_READ_ACTIONS,
      resources: [vectorIndexArn(stack, settings)],
    }),
    embeddingStatement(stack, settings),
  ];
}

/**
 * Traces and LangFuse keys for a service function on AWS. X-Ray: the ADOT collector layer runs
 * beside the function as a Lambda extension, takes the function's OTLP/HTTP spans on
 * localhost:4318 and sends them to X-Ray with its default configuration (otlp in, awsxray out);
 * no exec wrapper, since Alex starts its own spans (infra/telemetry/lambda.ts).
 */
import { ArnFormat, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LANGFUSE_SECRET_ARN } from '#infra/telemetry/lambda.ts';
import type { BundledFunction } from './bundled-function.ts';

/**
 * The ADOT collector-only ("generic") layer, arm64, pinned. Its ARN per region comes from
 * aws-cdk-lib's region-info table (ADOT layer ARNs as AWS publishes them in
 * aws-observability/aws-otel-lambda, account 901920570463): for example eu-west-1 resolves to
 * arn:aws:lambda:eu-west-1:901920570463:layer:aws-otel-collector-arm64-ver-0-115-0:2.
 */
export const ADOT_COLLECTOR_LAYER = lambda.AdotLambdaLayerGenericVersion.V0_115_0;

/** Where the layer's collector listens for OTLP/HTTP inside the execution environment. */
export const COLLECTOR_OTLP_ENDPOINT = 'http://localhost:4318';

/** What the collector's X-Ray exporter calls; X-Ray takes no resource ARN for either. */
export const XRAY_ACTIONS = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'];

export function exportTracesToXray(fn: BundledFunction, role: iam.Role): void {
  const layerArn = ADOT_COLLECTOR_LAYER.layerArn(Stack.of(fn), lambda.Architecture.ARM_64);
  fn.function.addLayers(lambda.LayerVersion.fromLayerVersionArn(fn, 'AdotCollector', layerArn));
  // The standard variable turns Alex's tracing on and points the exporter at the collector.
  fn.function.addEnvironment('OTEL_EXPORTER_OTLP_ENDPOINT', COLLECTOR_OTLP_ENDPOINT);
  role.addToPrincipalPolicy(new iam.PolicyStatement({ sid: 'XRayTraces', actions: XRAY_ACTIONS, resources: ['*'] }));
  Validations.of(role).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason: 'X-Ray PutTraceSegments and PutTelemetryRecords support no resource-level permissions.',
  });
}

/** Lets the function read the LangFuse secret (by name or complete ARN) and tells it which one. */
export function readLangfuseKeys(fn: BundledFunction, role: iam.Role, secret: string): void {
  const stack = Stack.of(fn);
  const byName = !secret.startsWith('arn:');
  // A name's ARN ends in six characters Secrets Manager chose: `-??????` matches exactly those.
  const arn = byName
    ? stack.formatArn({
        service: 'secretsmanager',
        resource: 'secret',
        resourceName: `${secret}-??????`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      })
    : secret;
  fn.function.addEnvironment(LANGFUSE_SECRET_ARN, secret);
  role.addToPrincipalPolicy(
    new iam.PolicyStatement({ sid: 'LangfuseKeys', actions: ['secretsmanager:GetSecretValue'], resources: [arn] }),
  );
  if (byName) {
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:<AWS::Region>:<AWS::AccountId>:secret:${secret}-??????]`,
      reason: 'One secret by name: the six wildcards stand for the suffix Secrets Manager adds to its ARN.',
    });
  }
}

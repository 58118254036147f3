/**
 * A TypeScript Lambda function bundled by the local esbuild (no Docker): ESM, minified, arm64,
 * the AWS SDK bundled in rather than taken from the runtime, so the versions we test are the
 * versions that run.
 */

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as nodejs from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { BUNDLE_EXTERNALS, BUNDLE_MAIN_FIELDS } from '../../bundling.ts';
import { NETWORK_SSM } from '../names.ts';

export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');

/** The newest Node.js runtime aws-cdk-lib knows; cdk-nag AwsSolutions-L1 asks for the latest. */
export const FUNCTION_RUNTIME = lambda.Runtime.NODEJS_24_X;

// ESM bundles have no `require`; some CommonJS dependencies inside still call it.
const ESM_REQUIRE_BANNER =
  "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";

export interface BundledFunctionProps {
  /** Entry file, relative to the repository root. */
  entry: string;
  functionName: string;
  description: string;
  memoryMb: number;
  timeoutSeconds: number;
  role: iam.IRole;
  environment: Record<string, string>;
  logRetention: logs.RetentionDays;
  reservedConcurrency?: number;
  /**
   * Linked source maps add about 1 MB of mappings per function (the bundled SDK), which breaks the
   * 1 MB asset budget, so they are opt-in; names are kept either way so stack traces stay readable.
   */
  sourceMap: boolean;
  /** Shell commands run after esbuild, in the output folder, e.g. to copy data files next to the bundle. */
  afterBundling?: (inputDir: string, outputDir: string) => string[];
}

/** What Lambda needs of the execution role to attach a function to subnets (AWSLambdaVPCAccessExecutionRole). */
export const NETWORK_INTERFACE_ACTIONS = [
  'ec2:CreateNetworkInterface',
  'ec2:DescribeNetworkInterfaces',
  'ec2:DescribeSubnets',
  'ec2:DeleteNetworkInterface',
  'ec2:AssignPrivateIpAddresses',
  'ec2:UnassignPrivateIpAddresses',
];

export class BundledFunction extends Construct {
  readonly function: nodejs.NodejsFunction;
  readonly logGroup: logs.LogGroup;
  private readonly role: iam.IRole;

  constructor(scope: Construct, id: string, props: BundledFunctionProps) {
    super(scope, id);
    this.role = props.role;
    // An explicit log group, so the role can be granted writing to exactly it and retention is set.
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${props.functionName}`,
      retention: props.logRetention,
    });
    this.logGroup.grantWrite(props.role);
    this.function = new nodejs.NodejsFunction(this, 'Function', {
      entry: join(REPO_ROOT, props.entry),
      handler: 'handler',
      functionName: props.functionName,
      description: props.description,
      runtime: FUNCTION_RUNTIME,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memoryMb,
      timeout: Duration.seconds(props.timeoutSeconds),
      role: props.role,
      logGroup: this.logGroup,
      environment: props.environment,
      reservedConcurrentExecutions: props.reservedConcurrency,
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      bundling: {
        format: nodejs.OutputFormat.ESM,
        mainFields: [...BUNDLE_MAIN_FIELDS],
        banner: ESM_REQUIRE_BANNER,
        minify: true,
        keepNames: true,
        sourceMap: props.sourceMap,
        // Mappings only: the sources are in the repository, and inlining them would double the map.
        ...(props.sourceMap ? { sourcesContent: false } : {}),
        bundleAwsSDK: true,
        externalModules: [...BUNDLE_EXTERNALS],
        tsconfig: join(REPO_ROOT, 'tsconfig.json'),
        logLevel: nodejs.LogLevel.ERROR,
        commandHooks: {
          beforeBundling: () => [],
          beforeInstall: () => [],
          afterBundling: (inputDir, outputDir) => props.afterBundling?.(inputDir, outputDir) ?? [],
        },
      },
    });
  }

  /**
   * Puts the function in the AlexNetwork stack's private subnets behind its functions' security
   * group (`vpc` on), both read from SSM at deploy time, so no stack references another. The
   * app calls this on every service function (build-app.ts); a service declares nothing for it.
   */
  placeInPrivateNetwork(): void {
    const stack = Stack.of(this);
    const cfn = this.function.node.defaultChild as lambda.CfnFunction;
    cfn.vpcConfig = {
      subnetIds: ssm.StringListParameter.valueForTypedListParameter(stack, NETWORK_SSM.subnetIds),
      securityGroupIds: [ssm.StringParameter.valueForStringParameter(stack, NETWORK_SSM.functionSecurityGroupId)],
    };
    // Lambda checks these at CreateFunction; the function already depends on the role and its policy.
    this.role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'PrivateNetworkInterfaces',
        actions: NETWORK_INTERFACE_ACTIONS,
        resources: ['*'],
      }),
    );
    Validations.of(this.role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: "EC2's network-interface and Describe actions take no resource ARN for Lambda's VPC attachment.",
    });
  }
}

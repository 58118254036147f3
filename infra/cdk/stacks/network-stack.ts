/**
 * AlexNetwork (`-c vpc=true`): private subnets for the service functions with no route out of
 * the VPC (no internet gateway, no NAT), and endpoints for exactly the AWS services they call.
 * Two security groups: the functions' may send only HTTPS to the endpoints' group and to
 * DynamoDB's prefix list; the endpoints' admits only HTTPS from the functions'. Subnet ids and
 * the functions' group go to SSM (NETWORK_SSM), where BundledFunction.placeInPrivateNetwork finds them.
 */
import { RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as cr from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import type { AlexConfig } from '../config.ts';
import { NETWORK_SSM } from '../names.ts';
import { logRetention } from './service-stack.ts';

/** What the handlers call, by endpoint id: the bus, queues, secrets, the model, the Data API, logs, traces. */
export const INTERFACE_ENDPOINTS = {
  Sqs: ec2.InterfaceVpcEndpointAwsService.SQS,
  EventBridge: ec2.InterfaceVpcEndpointAwsService.EVENTBRIDGE,
  SecretsManager: ec2.InterfaceVpcEndpointAwsService.SECRETS_MANAGER,
  BedrockRuntime: ec2.InterfaceVpcEndpointAwsService.BEDROCK_RUNTIME,
  RdsData: ec2.InterfaceVpcEndpointAwsService.RDS_DATA,
  Logs: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
  XRay: ec2.InterfaceVpcEndpointAwsService.XRAY,
} as const;

const HTTPS = ec2.Port.tcp(443);

/** Only when a service uses the knowledge base: the vector store, and the embedder if it is SageMaker. */
export const KNOWLEDGE_ENDPOINTS = {
  S3Vectors: ec2.InterfaceVpcEndpointAwsService.S3_VECTORS,
  SageMakerRuntime: ec2.InterfaceVpcEndpointAwsService.SAGEMAKER_RUNTIME,
} as const;

export interface NetworkStackProps extends StackProps {
  config: AlexConfig;
  /** A service stack reads or writes knowledge (services/researcher on S3 Vectors). */
  knowledge?: boolean;
}

export class NetworkStack extends Stack {
  readonly vpc: ec2.Vpc;
  readonly functionSecurityGroup: ec2.SecurityGroup;
  readonly endpointSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: NetworkStackProps) {
    super(scope, id, props);
    const { config } = props;
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      // Apart from the core's 10.0.0.0/16 (Aurora), should the two ever be peered.
      ipAddresses: ec2.IpAddresses.cidr('10.20.0.0/16'),
      ...(config.availabilityZones ? { availabilityZones: config.availabilityZones } : { maxAzs: 2 }),
      natGateways: 0,
      // Isolated: no internet gateway and no NAT, so the only routes are local and DynamoDB's gateway.
      // A /22 per zone leaves room for the functions' Hyperplane interfaces and the endpoints'.
      subnetConfiguration: [{ name: 'functions', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 22 }],
      flowLogs: {
        rejected: {
          destination: ec2.FlowLogDestination.toCloudWatchLogs(
            new logs.LogGroup(this, 'FlowLogs', {
              retention: logRetention(config),
              removalPolicy: RemovalPolicy.DESTROY,
            }),
          ),
          trafficType: ec2.FlowLogTrafficType.REJECT,
        },
      },
    });
    this.functionSecurityGroup = new ec2.SecurityGroup(this, 'FunctionSecurityGroup', {
      vpc: this.vpc,
      allowAllOutbound: false,
      description: 'Alex service functions: HTTPS to the VPC endpoints only',
    });
    this.endpointSecurityGroup = new ec2.SecurityGroup(this, 'EndpointSecurityGroup', {
      vpc: this.vpc,
      allowAllOutbound: false,
      description: 'Alex VPC endpoints: HTTPS from the service functions only',
    });
    this.endpointSecurityGroup.addIngressRule(this.functionSecurityGroup, HTTPS, 'HTTPS from the service functions');

    const subnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    const endpoints: Record<string, ec2.InterfaceVpcEndpointAwsService> = { ...INTERFACE_ENDPOINTS };
    if (props.knowledge) {
      endpoints.S3Vectors = KNOWLEDGE_ENDPOINTS.S3Vectors;
      if (config.knowledge.embedder === 'sagemaker') endpoints.SageMakerRuntime = KNOWLEDGE_ENDPOINTS.SageMakerRuntime;
    }
    for (const [id, service] of Object.entries(endpoints)) {
      this.vpc.addInterfaceEndpoint(id, {
        service,
        subnets,
        securityGroups: [this.endpointSecurityGroup],
        // `open` would admit HTTPS from the whole VPC CIDR; only the functions' group may connect.
        open: false,
        privateDnsEnabled: true,
      });
    }
    this.vpc.addGatewayEndpoint('DynamoDb', { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB, subnets: [subnets] });
    // Inline, on purpose: CDK writes rules to a group or a prefix list as separate SecurityGroupEgress
    // resources and drops its placeholder rule, and a group with no inline egress keeps EC2's
    // default allow-all rule. Inline rules replace that default, so these two are all there is.
    const https = { ipProtocol: 'tcp', fromPort: 443, toPort: 443 };
    (this.functionSecurityGroup.node.defaultChild as ec2.CfnSecurityGroup).securityGroupEgress = [
      {
        ...https,
        destinationSecurityGroupId: this.endpointSecurityGroup.securityGroupId,
        description: 'HTTPS to the interface endpoints',
      },
      {
        ...https,
        destinationPrefixListId: this.dynamoDbPrefixListId(),
        description: 'HTTPS to DynamoDB through the gateway endpoint',
      },
    ];

    new ssm.StringListParameter(this, 'SubnetIds', {
      parameterName: NETWORK_SSM.subnetIds,
      stringListValue: this.vpc.isolatedSubnets.map((subnet) => subnet.subnetId),
    });
    new ssm.StringParameter(this, 'FunctionSecurityGroupId', {
      parameterName: NETWORK_SSM.functionSecurityGroupId,
      stringValue: this.functionSecurityGroup.securityGroupId,
    });
  }

  /**
   * The gateway endpoint routes DynamoDB's AWS-managed prefix list, whose id differs per region
   * and which CloudFormation does not return. Synth must not look it up, so a custom resource
   * asks EC2 for it at deploy time (read-only, DescribePrefixLists).
   */
  private dynamoDbPrefixListId(): string {
    const call: cr.AwsSdkCall = {
      service: 'EC2',
      action: 'describePrefixLists',
      parameters: { Filters: [{ Name: 'prefix-list-name', Values: [`com.amazonaws.${this.region}.dynamodb`] }] },
      physicalResourceId: cr.PhysicalResourceId.of(`dynamodb-prefix-list-${this.region}`),
      outputPaths: ['PrefixLists.0.PrefixListId'],
    };
    const lookup = new cr.AwsCustomResource(this, 'DynamoDbPrefixList', {
      onCreate: call,
      onUpdate: call,
      policy: cr.AwsCustomResourcePolicy.fromSdkCalls({ resources: cr.AwsCustomResourcePolicy.ANY_RESOURCE }),
      installLatestAwsSdk: false,
    });
    Validations.of(lookup).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason: 'ec2:DescribePrefixLists has no resource-level permissions; it is read-only.',
    });
    // The provider is a singleton at stack level, beside the resource, not under it.
    const provider = this.node.findChild('AWS679f53fac002430cb0da5b7982bd2287');
    Validations.of(provider).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      reason: 'The custom-resource provider only writes its own logs; CDK gives it the basic execution policy.',
    });
    return lookup.getResponseField('PrefixLists.0.PrefixListId');
  }
}

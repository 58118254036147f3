/**
 * The opt-in extras switched on together (budget, GuardDuty, private networking, WAF), synthesized
 * once as `cdk synth -c budget=100 -c guardduty=true -c vpc=true -c waf=true` would. Their "off"
 * side is checked on the default app in stacks.test.ts; the variants that need no bundling
 * (an existing detector, a web ACL in the wrong region) build one small stack each.
 */
import { App, Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { EdgeWebAcl } from '#infra/cdk/constructs/edge-web-acl.ts';
import { NETWORK_SSM, STACK_NAMES } from '#infra/cdk/names.ts';
import { SecurityStack } from '#infra/cdk/stacks/security-stack.ts';
import { TemplateLinter } from '#infra/cdk/template-lint.ts';
import { SERVICE_NAMES } from '#infra/topology.ts';
import { type Synthesized, synthesize } from './synth.ts';

type Resource = { Type: string; Properties?: Record<string, any>; DependsOn?: string[] };

let synth: Synthesized;
const EXTRA_STACKS = [STACK_NAMES.cost, STACK_NAMES.security, STACK_NAMES.network, STACK_NAMES.waf];
const SERVICE_STACKS = SERVICE_NAMES.map(STACK_NAMES.service);
const ALL_STACKS = [STACK_NAMES.core, ...SERVICE_STACKS, STACK_NAMES.monitoring, ...EXTRA_STACKS];

beforeAll(() => {
  // -c values arrive as strings; the config parses them as cdk.json would.
  synth = synthesize({ budget: '100', guardduty: 'true', vpc: 'true', waf: 'true' });
}, 180_000);

function resourcesOf(stack: string): Record<string, Resource> {
  return synth.template(stack).Resources as Record<string, Resource>;
}
function propertiesOf(stack: string, type: string): Array<Record<string, any>> {
  return Object.values(resourcesOf(stack))
    .filter((r) => r.Type === type)
    .map((r) => r.Properties ?? {});
}
/** `arn:${Partition}:sns:eu-west-1:${AccountId}:alex-alarms`, the way the templates join it. */
const ALARM_TOPIC_ARN = {
  'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':sns:eu-west-1:', { Ref: 'AWS::AccountId' }, ':alex-alarms']],
};

describe('AlexCost (-c budget=100)', () => {
  it('budgets 100 USD a month of what is tagged project=alex', () => {
    const [budget] = propertiesOf(STACK_NAMES.cost, 'AWS::Budgets::Budget');
    expect(budget!.Budget).toEqual({
      BudgetName: 'alex-monthly',
      BudgetType: 'COST',
      TimeUnit: 'MONTHLY',
      BudgetLimit: { Amount: 100, Unit: 'USD' },
      CostFilters: { TagKeyValue: ['user:project$alex'] },
    });
  });

  it('alerts the alarm topic at 50, 80 and 100 % of actual spend and 100 % of forecast', () => {
    const [budget] = propertiesOf(STACK_NAMES.cost, 'AWS::Budgets::Budget');
    const alerts = budget!.NotificationsWithSubscribers.map((n: any) => [
      n.Notification.NotificationType,
      n.Notification.Threshold,
      n.Notification.ThresholdType,
      n.Notification.ComparisonOperator,
    ]);
    expect(alerts).toEqual([
      ['ACTUAL', 50, 'PERCENTAGE', 'GREATER_THAN'],
      ['ACTUAL', 80, 'PERCENTAGE', 'GREATER_THAN'],
      ['ACTUAL', 100, 'PERCENTAGE', 'GREATER_THAN'],
      ['FORECASTED', 100, 'PERCENTAGE', 'GREATER_THAN'],
    ]);
    for (const n of budget!.NotificationsWithSubscribers)
      expect(n.Subscribers).toEqual([{ SubscriptionType: 'SNS', Address: ALARM_TOPIC_ARN }]);
  });

  it('lets Budgets and the findings rule publish on the encrypted alarm topic, whether or not they exist', () => {
    // The core is the same template with the extras off (independent-deploy.test.ts proves it).
    const topicStatements = propertiesOf(STACK_NAMES.core, 'AWS::SNS::TopicPolicy').flatMap(
      (p) => p.PolicyDocument.Statement,
    );
    const budgets = topicStatements.find((s: any) => s.Principal?.Service === 'budgets.amazonaws.com');
    expect(budgets).toMatchObject({ Effect: 'Allow', Action: 'sns:Publish' });
    expect(JSON.stringify(budgets.Condition.ArnLike['aws:SourceArn'])).toContain(':budgets::');
    const findings = topicStatements.find((s: any) => s.Principal?.Service === 'events.amazonaws.com');
    expect(JSON.stringify(findings.Condition.ArnEquals['aws:SourceArn'])).toContain(':rule/alex-guardduty-findings');
    const keyStatements = propertiesOf(STACK_NAMES.core, 'AWS::KMS::Key').flatMap((k) => k.KeyPolicy.Statement);
    const keyUsers = keyStatements
      .filter((s: any) => [s.Action].flat().includes('kms:GenerateDataKey'))
      .flatMap((s: any) => [s.Principal?.Service].flat());
    expect(keyUsers).toEqual(
      expect.arrayContaining(['cloudwatch.amazonaws.com', 'budgets.amazonaws.com', 'events.amazonaws.com']),
    );
  });

  it('tags every stack and every taggable resource project=alex, the budget included', () => {
    const linter = new TemplateLinter();
    const untagged: string[] = [];
    for (const stack of ALL_STACKS) {
      // Stack tags: CloudFormation puts them on every resource it creates that takes tags.
      expect(synth.assembly.getStackByName(stack).tags, stack).toEqual({ project: 'alex' });
      for (const [id, resource] of Object.entries(resourcesOf(stack))) {
        // CDK's trigger provider is a raw resource its tagging never reaches; the stack tags do.
        if (id.startsWith('AWSCDKTriggerCustomResourceProvider')) continue;
        const schema = linter.schemaFor(resource.Type) as { properties?: Record<string, unknown> } | undefined;
        const tagKey = resource.Type === 'AWS::Budgets::Budget' ? 'ResourceTags' : 'Tags';
        if (!schema?.properties?.[tagKey]) continue;
        const tags = resource.Properties?.[tagKey];
        const tagged = Array.isArray(tags)
          ? tags.some((t: any) => t.Key === 'project' && t.Value === 'alex')
          : tags?.project === 'alex';
        if (!tagged) untagged.push(`${stack}/${id} (${resource.Type})`);
      }
    }
    expect(untagged).toEqual([]);
    expect(propertiesOf(STACK_NAMES.cost, 'AWS::Budgets::Budget')[0]!.ResourceTags).toEqual([
      { Key: 'project', Value: 'alex' },
    ]);
  });
});

describe('AlexSecurity (-c guardduty=true | existing)', () => {
  it('creates a detector with Lambda network activity and S3 protection', () => {
    expect(propertiesOf(STACK_NAMES.security, 'AWS::GuardDuty::Detector')).toEqual([
      expect.objectContaining({
        Enable: true,
        Features: [
          { Name: 'LAMBDA_NETWORK_LOGS', Status: 'ENABLED' },
          { Name: 'S3_DATA_EVENTS', Status: 'ENABLED' },
        ],
      }),
    ]);
  });

  it('routes medium and higher findings from the default bus to the alarm topic', () => {
    const [rule] = propertiesOf(STACK_NAMES.security, 'AWS::Events::Rule');
    expect(rule).toMatchObject({
      Name: 'alex-guardduty-findings',
      EventPattern: {
        source: ['aws.guardduty'],
        'detail-type': ['GuardDuty Finding'],
        detail: { severity: [{ numeric: ['>=', 4] }] },
      },
      Targets: [{ Arn: ALARM_TOPIC_ARN }],
    });
    expect(rule!.EventBusName).toBeUndefined(); // the default bus, where GuardDuty publishes
  });

  it('with guardduty=existing keeps the account detector and only adds the findings rule', () => {
    const app = new App();
    const stack = new SecurityStack(app, 'Existing', { env: { region: 'eu-west-1' }, detector: 'existing' });
    const types = Object.values(app.synth().getStackByName(stack.stackName).template.Resources as Record<string, any>)
      .map((r) => r.Type)
      .filter((t) => t !== 'AWS::CDK::Metadata');
    expect(types).toEqual(['AWS::Events::Rule']);
  });
});

describe('private networking (-c vpc=true)', () => {
  const network = () => resourcesOf(STACK_NAMES.network);
  const byType = (type: string) => Object.entries(network()).filter(([, r]) => r.Type === type);
  /** The logical id a `{Ref}` or `{Fn::GetAtt}` points at. */
  const target = (value: any): string => value.Ref ?? value['Fn::GetAtt'][0];
  /** The network stack's resource behind one of its SSM parameters. */
  const parameterSource = (name: string) => {
    const [, parameter] = byType('AWS::SSM::Parameter').find(([, r]) => r.Properties!.Name === name)!;
    return parameter.Properties!.Value;
  };

  it('has no way out of the VPC: no internet or NAT gateway, no peering, no route but the local and DynamoDB ones', () => {
    const types = new Set(Object.values(network()).map((r) => r.Type));
    for (const forbidden of [
      'AWS::EC2::InternetGateway',
      'AWS::EC2::VPCGatewayAttachment',
      'AWS::EC2::NatGateway',
      'AWS::EC2::EgressOnlyInternetGateway',
      'AWS::EC2::TransitGatewayAttachment',
      'AWS::EC2::VPCPeeringConnection',
      'AWS::EC2::VPNGateway',
      'AWS::EC2::Route',
      'AWS::EC2::EIP',
    ])
      expect(types.has(forbidden), forbidden).toBe(false);
    for (const [, subnet] of byType('AWS::EC2::Subnet')) expect(subnet.Properties!.MapPublicIpOnLaunch).toBe(false);
  });

  it('puts every function of every service stack in the network stack subnets, behind the functions group', () => {
    for (const stack of SERVICE_STACKS) {
      const parameters = synth.template(stack).Parameters as Record<string, { Type: string; Default: string }>;
      const functions = propertiesOf(stack, 'AWS::Lambda::Function');
      expect(functions.length, stack).toBeGreaterThan(0);
      for (const fn of functions) {
        expect(fn.VpcConfig, stack).toBeDefined();
        expect(fn.VpcConfig.SecurityGroupIds).toHaveLength(1);
        expect(parameters[fn.VpcConfig.SecurityGroupIds[0].Ref]).toEqual({
          Type: 'AWS::SSM::Parameter::Value<String>',
          Default: NETWORK_SSM.functionSecurityGroupId,
        });
        expect(parameters[fn.VpcConfig.SubnetIds.Ref]).toEqual({
          Type: 'AWS::SSM::Parameter::Value<List<String>>',
          Default: NETWORK_SSM.subnetIds,
        });
      }
    }
    // and those parameters name the isolated subnets and the functions' group
    const subnets = byType('AWS::EC2::Subnet').map(([id]) => id);
    expect(subnets).toHaveLength(2);
    expect(parameterSource(NETWORK_SSM.subnetIds)['Fn::Join'][1].map(target).sort()).toEqual(subnets.sort());
    expect(network()[target(parameterSource(NETWORK_SSM.functionSecurityGroupId))]!.Type).toBe(
      'AWS::EC2::SecurityGroup',
    );
  });

  it('lets a function send only HTTPS, only to the endpoints group and DynamoDB prefix list', () => {
    const functionGroup = target(parameterSource(NETWORK_SSM.functionSecurityGroupId));
    const interfaceEndpoints = byType('AWS::EC2::VPCEndpoint').filter(
      ([, r]) => r.Properties!.VpcEndpointType === 'Interface',
    );
    const endpointGroups = new Set(interfaceEndpoints.flatMap(([, r]) => r.Properties!.SecurityGroupIds.map(target)));
    expect(endpointGroups.size).toBe(1);
    const endpointsGroup = [...endpointGroups][0]!;

    // Inline egress replaces EC2's default allow-all; nothing else may add egress to the group.
    const egress = network()[functionGroup]!.Properties!.SecurityGroupEgress;
    const prefixListLookup = target(egress[1].DestinationPrefixListId);
    expect(egress).toEqual([
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }),
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443 }),
    ]);
    expect(target(egress[0].DestinationSecurityGroupId)).toBe(endpointsGroup);
    expect(Object.keys(egress[0]).filter((k) => k.startsWith('Destination') || k.startsWith('Cidr'))).toEqual([
      'DestinationSecurityGroupId',
    ]);
    expect(Object.keys(egress[1]).filter((k) => k.startsWith('Destination') || k.startsWith('Cidr'))).toEqual([
      'DestinationPrefixListId',
    ]);
    // The prefix list is DynamoDB's in this region, asked of EC2 at deploy time.
    expect(JSON.stringify(network()[prefixListLookup]!.Properties!.Create)).toContain(
      'com.amazonaws.eu-west-1.dynamodb',
    );
    expect(
      byType('AWS::EC2::SecurityGroupEgress').filter(([, r]) => target(r.Properties!.GroupId) === functionGroup),
    ).toEqual([]);

    // The endpoints admit HTTPS from the functions' group only, and send nothing.
    const ingress = byType('AWS::EC2::SecurityGroupIngress').map(([, r]) => r.Properties!);
    expect(ingress).toEqual([
      expect.objectContaining({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: expect.any(String) }),
    ]);
    expect(target(ingress[0]!.GroupId)).toBe(endpointsGroup);
    expect(target(ingress[0]!.SourceSecurityGroupId)).toBe(functionGroup);
    expect(network()[endpointsGroup]!.Properties!.SecurityGroupIngress).toBeUndefined();
    expect(network()[endpointsGroup]!.Properties!.SecurityGroupEgress).toEqual([
      expect.objectContaining({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' }),
    ]);
  });

  it('has interface endpoints, with private DNS, for exactly what the handlers call, and a DynamoDB gateway', () => {
    const endpoints = byType('AWS::EC2::VPCEndpoint').map(([, r]) => r.Properties!);
    const interfaces = endpoints.filter((e) => e.VpcEndpointType === 'Interface');
    expect(interfaces.map((e) => e.ServiceName).sort()).toEqual(
      // s3vectors: the researcher and the reporter's knowledge base (Titan embeds through bedrock-runtime).
      ['bedrock-runtime', 'events', 'logs', 'rds-data', 's3vectors', 'secretsmanager', 'sqs', 'xray']
        .map((s) => `com.amazonaws.eu-west-1.${s}`)
        .sort(),
    );
    for (const e of interfaces) expect(e.PrivateDnsEnabled).toBe(true);
    const gateways = endpoints.filter((e) => e.VpcEndpointType === 'Gateway');
    expect(gateways).toHaveLength(1);
    expect(JSON.stringify(gateways[0]!.ServiceName)).toContain('.dynamodb');
    expect(gateways[0]!.RouteTableIds).toHaveLength(2);
  });

  it("grants each service's role the network-interface actions Lambda needs, and no wildcard action", () => {
    for (const stack of SERVICE_STACKS) {
      const statements = propertiesOf(stack, 'AWS::IAM::Policy').flatMap((p) => p.PolicyDocument.Statement);
      const eni = statements.find((s: any) => s.Sid === 'PrivateNetworkInterfaces');
      expect(eni?.Action, stack).toContain('ec2:CreateNetworkInterface');
      expect(
        statements.flatMap((s: any) => [s.Action].flat()).filter((a: string) => a === '*' || a.endsWith(':*')),
      ).toEqual([]);
    }
  });
});

describe('AlexWaf (-c waf=true)', () => {
  it('is a CloudFront web ACL in us-east-1: rate limit per IP first, then the common and known-bad-inputs sets', () => {
    expect(synth.waf!.region).toBe('us-east-1');
    const [acl] = propertiesOf(STACK_NAMES.waf, 'AWS::WAFv2::WebACL');
    expect(acl).toMatchObject({ Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
    expect(acl!.Rules.map((r: any) => [r.Priority, r.Name, Object.keys(r.Action ?? r.OverrideAction)[0]])).toEqual([
      [0, 'RateLimitPerIp', 'Block'],
      [1, 'AWSManagedRulesCommonRuleSet', 'None'],
      [2, 'AWSManagedRulesKnownBadInputsRuleSet', 'None'],
    ]);
    expect(acl!.Rules[0].Statement.RateBasedStatement).toEqual({
      Limit: 1000,
      AggregateKeyType: 'IP',
      EvaluationWindowSec: 300,
    });
    expect(acl!.Rules[1].Statement.ManagedRuleGroupStatement).toMatchObject({ VendorName: 'AWS' });
    expect(propertiesOf(STACK_NAMES.waf, 'AWS::SSM::Parameter')[0]).toMatchObject({ Name: '/alex/edge/web-acl-arn' });
  });

  it('refuses a region other than us-east-1, saying where to put it', () => {
    const app = new App();
    const stack = new Stack(app, 'Elsewhere', { env: { region: 'eu-west-1' } });
    new EdgeWebAcl(stack, 'Acl', { name: 'x', rateLimitPer5Minutes: 100 });
    expect(() => app.synth()).toThrow(/must be created in us-east-1, but this stack's region is eu-west-1/);
  });
});

describe('the whole app with every extra on', () => {
  it('deploys stack by stack: no export, no import', () => {
    for (const name of ALL_STACKS) {
      expect(JSON.stringify(synth.template(name)), name).not.toContain('Fn::ImportValue');
      const outputs = Object.values((synth.template(name).Outputs ?? {}) as Record<string, { Export?: unknown }>);
      expect(
        outputs.filter((o) => o.Export !== undefined),
        name,
      ).toEqual([]);
    }
  });

  it('passes cdk-nag AwsSolutions with no unacknowledged finding', () => {
    const report = new AwsSolutionsChecks(synth.app).validateScope(synth.app);
    expect(
      report.violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`),
    ).toEqual([]);
  });

  it('passes the CloudFormation registry schemas', () => {
    const linter = new TemplateLinter();
    for (const name of ALL_STACKS) expect(linter.lint(synth.template(name) as never), name).toEqual([]);
  });
});

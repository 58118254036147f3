import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AwsSolutionsChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { LOGIN_SECRETS_ENV, SERVICE_ROLES_ENV, serviceRoles } from '#infra/cdk/handlers/migrate-database.ts';
import { databaseLogin, databaseLoginSecretParameter, SSM, STACK_NAMES } from '#infra/cdk/names.ts';
import { TemplateLinter } from '#infra/cdk/template-lint.ts';
import {
  DATABASE_SERVICES,
  JOBS_QUEUE,
  JOBS_RULE,
  type QueueSettings,
  SERVICE_NAMES,
  SERVICES,
} from '#infra/topology.ts';
import { ENV } from '#services/common/environment.ts';
import { type Synthesized, synthesize } from './synth.ts';

let synth: Synthesized;
const ALL_STACKS = [STACK_NAMES.core, ...SERVICE_NAMES.map(STACK_NAMES.service), STACK_NAMES.monitoring];
/** The services that reach Aurora: the specialists for the claim-check store only (SELECT, INSERT ON payloads). */
const DATA_API_SERVICES: readonly string[] = [
  'planner',
  'tagger',
  'reporter',
  'charter',
  'retirement',
  'aggregator',
  'researcher',
];

beforeAll(() => {
  synth = synthesize();
}, 120_000);

function resources(stack: string, type: string): Array<Record<string, any>> {
  return Object.values(synth.template(stack).Resources as Record<string, any>)
    .filter((r) => r.Type === type)
    .map((r) => r.Properties);
}

function queueNamed(stack: string, name: string): Record<string, any> {
  const queue = resources(stack, 'AWS::SQS::Queue').find((q) => q.QueueName === name);
  if (!queue) throw new Error(`no queue ${name} in ${stack}`);
  return queue;
}

function expectQueueMatches(stack: string, settings: QueueSettings): void {
  const queue = queueNamed(stack, settings.name);
  expect(queue).toMatchObject({
    VisibilityTimeout: settings.visibilityTimeoutSeconds,
    MessageRetentionPeriod: settings.retentionSeconds,
    ReceiveMessageWaitTimeSeconds: 20,
    SqsManagedSseEnabled: true,
    RedrivePolicy: { maxReceiveCount: settings.maxReceiveCount },
  });
  expect(queueNamed(stack, `${settings.name}-dlq`)).toMatchObject({
    MessageRetentionPeriod: settings.dlqRetentionSeconds,
    SqsManagedSseEnabled: true,
  });
  // enforceSSL: every queue policy denies requests not sent over TLS.
  const policies = resources(stack, 'AWS::SQS::QueuePolicy');
  expect(policies.length).toBeGreaterThanOrEqual(2);
  for (const policy of policies) {
    expect(policy.PolicyDocument.Statement).toContainEqual(
      expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
    );
  }
}

/** Every action in every identity policy of a template. */
function identityActions(stack: string): string[] {
  const statements = [
    ...resources(stack, 'AWS::IAM::Policy').flatMap((p) => p.PolicyDocument.Statement),
    ...resources(stack, 'AWS::IAM::Role').flatMap((r) =>
      (r.Policies ?? []).flatMap((p: any) => p.PolicyDocument.Statement),
    ),
  ];
  return statements.flatMap((s) => [s.Action ?? []].flat());
}

describe('core stack', () => {
  it('feeds AnalysisRequested into the jobs queue: 910 s visibility, DLQ after 3 receives, 1 day retention', () => {
    expect(JOBS_QUEUE).toMatchObject({ visibilityTimeoutSeconds: 910, maxReceiveCount: 3, retentionSeconds: 86_400 });
    expectQueueMatches(STACK_NAMES.core, JOBS_QUEUE);
    const [rule] = resources(STACK_NAMES.core, 'AWS::Events::Rule');
    expect(rule).toMatchObject({ Name: JOBS_RULE.name, EventPattern: JOBS_RULE.pattern });
  });

  it('archives every event on the bus for the configured retention', () => {
    expect(resources(STACK_NAMES.core, 'AWS::Events::EventBus')[0]).toMatchObject({ Name: 'alex-bus' });
    const [archive] = resources(STACK_NAMES.core, 'AWS::Events::Archive');
    expect(archive).toMatchObject({ RetentionDays: 30 });
    expect(archive!.EventPattern).toBeUndefined();
  });

  it('creates both tables on demand, with point-in-time recovery, TTL and KMS encryption', () => {
    const tables = resources(STACK_NAMES.core, 'AWS::DynamoDB::GlobalTable');
    const byName = Object.fromEntries(tables.map((t) => [t.TableName, t]));
    expect(byName['alex-completion']).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
    });
    expect(byName['alex-idempotency']).toMatchObject({
      TimeToLiveSpecification: { AttributeName: 'expiration', Enabled: true },
    });
    for (const table of tables) {
      expect(table.Replicas[0].PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    }
  });

  it('runs Aurora Serverless v2 with the Data API, encrypted storage and the configured capacity', () => {
    const [cluster] = resources(STACK_NAMES.core, 'AWS::RDS::DBCluster');
    expect(cluster).toMatchObject({
      Engine: 'aurora-postgresql',
      EnableHttpEndpoint: true,
      StorageEncrypted: true,
      ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 2 },
    });
    expect(
      resources(STACK_NAMES.core, 'AWS::SecretsManager::Secret')
        .map((s) => s.Name)
        .sort(),
    ).toEqual([
      'alex/db-credentials',
      'alex/db-credentials/aggregator',
      'alex/db-credentials/charter',
      'alex/db-credentials/planner',
      'alex/db-credentials/reporter',
      'alex/db-credentials/researcher',
      'alex/db-credentials/retirement',
      'alex/db-credentials/tagger',
      'alex/polygon-api-key',
    ]);
  });

  it('applies the migrations on deploy from SQL files bundled with the migrator', () => {
    expect(resources(STACK_NAMES.core, 'Custom::Trigger')).toHaveLength(1);
    const migrator = resources(STACK_NAMES.core, 'AWS::Lambda::Function').find(
      (f) => f.FunctionName === 'alex-migrate-database',
    );
    const assetDir = join(synth.assembly.directory, `asset.${migrator!.Code.S3Key.replace(/\.zip$/, '')}`);
    expect(readdirSync(join(assetDir, 'migrations'))).toContain('0001_init.sql');
  });

  it('generates one login secret per database service, like the master one, for the migrator to create the login', () => {
    const secrets = resources(STACK_NAMES.core, 'AWS::SecretsManager::Secret');
    for (const service of DATABASE_SERVICES) {
      const secret = secrets.find((s) => s.Name === `alex/db-credentials/${service}`)!;
      // A Fn::Join: the template also records the master secret's ARN, for a later multi-user rotation.
      expect(JSON.stringify(secret.GenerateSecretString.SecretStringTemplate)).toContain(
        `\\"username\\":\\"alex_${service}\\"`,
      );
      // The migrator writes the password into CREATE ROLE: no quotes or backslashes in it to begin with.
      expect(secret.GenerateSecretString.ExcludeCharacters).toEqual(expect.stringContaining("'"));
      expect(secret.GenerateSecretString.ExcludeCharacters).toEqual(expect.stringContaining('\\'));
      expect(secret.KmsKeyId).toBeUndefined(); // the AWS managed key, as the master secret
    }
    expect(resources(STACK_NAMES.core, 'AWS::SecretsManager::SecretTargetAttachment')).toHaveLength(
      1 + DATABASE_SERVICES.length,
    );
    const names = resources(STACK_NAMES.core, 'AWS::SSM::Parameter').map((p) => p.Name);
    expect(names).toEqual(expect.arrayContaining(DATABASE_SERVICES.map(databaseLoginSecretParameter)));

    const migrator = resources(STACK_NAMES.core, 'AWS::Lambda::Function').find(
      (f) => f.FunctionName === 'alex-migrate-database',
    )!;
    expect(JSON.stringify(migrator.Environment.Variables[LOGIN_SECRETS_ENV])).toMatch(/planner.*tagger.*aggregator/);
    // The group roles and their grants, read from the services' folders at synth.
    const roles = serviceRoles(migrator.Environment.Variables[SERVICE_ROLES_ENV]);
    expect(roles.map((role) => role.groupRole)).toEqual(DATABASE_SERVICES.map((s) => databaseLogin(s).groupRole));
    expect(roles.find((role) => role.service === 'aggregator')?.grants).toContain('SELECT, INSERT ON analyses');
    const migratorSecretReads = resources(STACK_NAMES.core, 'AWS::IAM::Policy')
      .flatMap((p) => p.PolicyDocument.Statement)
      .filter((s: any) => [s.Action].flat().includes('secretsmanager:GetSecretValue'));
    // the master secret and the three logins
    expect(migratorSecretReads.flatMap((s: any) => [s.Resource].flat())).toHaveLength(1 + DATABASE_SERVICES.length);
  });

  it('publishes the shared names and ARNs in SSM under /alex/core/', () => {
    const names = resources(STACK_NAMES.core, 'AWS::SSM::Parameter').map((p) => p.Name);
    expect(names).toEqual(
      expect.arrayContaining(['/alex/core/db-cluster-arn', '/alex/core/db-secret-arn', '/alex/core/jobs-queue-url']),
    );
  });
});

describe.each(SERVICE_NAMES)('%s stack', (service) => {
  const spec = SERVICES[service];
  const stack = STACK_NAMES.service(service);

  it('creates its queue and DLQ with the topology settings', () => expectQueueMatches(stack, spec.queue));

  it('creates exactly its topology rules, with the same patterns, on the Alex bus', () => {
    // Schedules (the outbox sweep) are checked apart, below.
    const rules = resources(stack, 'AWS::Events::Rule').filter((r) => r.ScheduleExpression === undefined);
    expect(rules.map((r) => ({ name: r.Name, pattern: r.EventPattern, bus: r.EventBusName }))).toEqual(
      spec.rules.map((r) => ({ name: r.name, pattern: r.pattern, bus: 'alex-bus' })),
    );
  });

  it('runs its function on Node.js 24, arm64, with the topology memory and timeout', () => {
    const fn = resources(stack, 'AWS::Lambda::Function').find((f) => f.FunctionName === `alex-${service}`)!;
    expect(fn).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: spec.memoryMb,
      Timeout: spec.timeoutSeconds,
      Handler: 'index.handler',
    });
    const env = fn.Environment.Variables;
    expect(env).toMatchObject({
      [ENV.eventBusName]: 'alex-bus',
      [ENV.idempotencyTable]: 'alex-idempotency',
      POWERTOOLS_SERVICE_NAME: `alex-${service}`,
    });
    expect(env.ALEX_MODEL).toBe(spec.usesModel ? 'bedrock' : 'offline');
    expect(env[ENV.databaseClusterArn] !== undefined).toBe(DATA_API_SERVICES.includes(service));
  });

  it('reads its queues with partial batch failure reporting and the concurrency cap', () => {
    const mappings = resources(stack, 'AWS::Lambda::EventSourceMapping');
    expect(mappings).toHaveLength(spec.consumes.length);
    for (const mapping of mappings) {
      expect(mapping).toMatchObject({
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: spec.maxConcurrency },
      });
    }
  });

  it('grants no wildcard action, and Bedrock, the Data API and the completion table only where needed', () => {
    const actions = identityActions(stack);
    expect(actions.filter((a) => a === '*' || a.endsWith(':*'))).toEqual([]);
    // A language model where declared; the embedding model (Titan by default) where knowledge is used.
    expect(actions.includes('bedrock:InvokeModel')).toBe(spec.usesModel || spec.needs.knowledge !== undefined);
    expect(actions.includes('rds-data:ExecuteStatement')).toBe(DATA_API_SERVICES.includes(service));
    expect(actions.includes('dynamodb:Query')).toBe(service === 'aggregator');
    expect(actions).toContain('events:PutEvents');
  });

  it('alarms on DLQ depth, oldest message age, errors and throttles, to the alarm topic', () => {
    const alarms = resources(stack, 'AWS::CloudWatch::Alarm');
    expect(alarms.map((a) => a.MetricName).sort()).toEqual([
      'ApproximateAgeOfOldestMessage',
      'ApproximateNumberOfMessagesVisible',
      'Errors',
      'Throttles',
    ]);
    for (const alarm of alarms) expect(JSON.stringify(alarm.AlarmActions)).toContain(':alex-alarms');
  });
});

describe('the whole app', () => {
  it('has no CloudFormation export or import: every stack deploys alone', () => {
    for (const name of ALL_STACKS) {
      const text = JSON.stringify(synth.template(name));
      expect(text, name).not.toContain('Fn::ImportValue');
      const outputs = Object.values((synth.template(name).Outputs ?? {}) as Record<string, { Export?: unknown }>);
      expect(
        outputs.filter((output) => output.Export !== undefined),
        name,
      ).toEqual([]);
    }
  });

  it('has no wildcard action in any identity policy', () => {
    for (const name of ALL_STACKS)
      expect(
        identityActions(name).filter((a) => a === '*' || a.endsWith(':*')),
        name,
      ).toEqual([]);
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

  it('keeps every Lambda asset under 1 MB', () => {
    const assets = readdirSync(synth.assembly.directory).filter((entry) => entry.startsWith('asset.'));
    expect(assets.length).toBeGreaterThanOrEqual(7);
    for (const asset of assets) {
      const dir = join(synth.assembly.directory, asset);
      const bytes = readdirSync(dir, { recursive: true }).reduce((sum: number, file) => {
        const stat = statSync(join(dir, String(file)));
        return stat.isFile() ? sum + stat.size : sum;
      }, 0);
      expect(bytes, asset).toBeLessThan(1_000_000);
    }
    // and the bundles really are bundles: the AWS SDK is inside, not expected from the runtime
    const plannerAsset = resources(STACK_NAMES.service('planner'), 'AWS::Lambda::Function')
      .find((f) => f.FunctionName === 'alex-planner')!
      .Code.S3Key.replace(/\.zip$/, '');
    expect(readFileSync(join(synth.assembly.directory, `asset.${plannerAsset}`, 'index.mjs'), 'utf8')).toContain(
      'ExecuteStatementCommand',
    );
  });
});

/** The SSM parameter names a template value refers to (valueForStringParameter makes them CloudFormation parameters). */
function ssmParameterNames(stack: string, value: unknown): string[] {
  const parameters = (synth.template(stack).Parameters ?? {}) as Record<string, { Type: string; Default?: string }>;
  return [...JSON.stringify(value).matchAll(/"Ref":"([^"]+)"/g)]
    .map(([, ref]) => parameters[ref!])
    .filter((p) => p?.Type.startsWith('AWS::SSM::Parameter::Value'))
    .map((p) => p!.Default!);
}

describe('database credentials on AWS (least privilege, issue 4)', () => {
  it.each(SERVICE_NAMES)(
    "%s reads only its own database login secret, never the master or another service's",
    (service) => {
      const stack = STACK_NAMES.service(service);
      const secretReads = resources(stack, 'AWS::IAM::Policy')
        .flatMap((p) => p.PolicyDocument.Statement)
        .filter((s: any) => [s.Action].flat().includes('secretsmanager:GetSecretValue'));
      const readable = ssmParameterNames(
        stack,
        secretReads.map((s: any) => s.Resource),
      ).filter((name) => name.startsWith('/alex/core/db-'));
      const fn = resources(stack, 'AWS::Lambda::Function').find((f) => f.FunctionName === `alex-${service}`)!;
      const connectsWith = ssmParameterNames(stack, fn.Environment.Variables[ENV.databaseSecretArn] ?? null);
      if (DATABASE_SERVICES.includes(service)) {
        expect(readable).toEqual([databaseLoginSecretParameter(service)]);
        expect(connectsWith).toEqual([databaseLoginSecretParameter(service)]);
      } else {
        expect(readable).toEqual([]);
        expect(connectsWith).toEqual([]);
      }
      // The master secret's ARN is nowhere in a service stack.
      expect(ssmParameterNames(stack, synth.template(stack))).not.toContain(SSM.databaseSecretArn);
    },
  );
});

describe('deadlines on AWS', () => {
  it('lets only the planner and the aggregator send AnalysisDeadlineReached to the aggregator queue', () => {
    for (const service of SERVICE_NAMES) {
      const stack = STACK_NAMES.service(service);
      const fn = resources(stack, 'AWS::Lambda::Function').find((f) => f.Environment?.Variables?.[ENV.eventBusName])!;
      const statements = resources(stack, 'AWS::IAM::Policy').flatMap(
        (p) => p.PolicyDocument.Statement as Array<{ Sid?: string; Action: unknown; Resource: unknown }>,
      );
      const schedules = statements.find((s) => s.Sid === 'ScheduleDeadlines');
      if (service === 'planner' || service === 'aggregator') {
        expect(JSON.stringify(fn.Environment.Variables[ENV.deadlineQueueUrl])).toContain(
          `/${SERVICES.aggregator.queue.name}`,
        );
        expect(schedules?.Action).toBe('sqs:SendMessage');
        expect(JSON.stringify(schedules?.Resource)).toContain(`:${SERVICES.aggregator.queue.name}`);
      } else {
        expect(fn.Environment.Variables[ENV.deadlineQueueUrl]).toBeUndefined();
        expect(schedules).toBeUndefined();
      }
    }
  });
});

describe('the outbox sweep on AWS', () => {
  it('puts the sweep message on the aggregator queue every 5 minutes, from a schedule only it may send from', () => {
    for (const service of SERVICE_NAMES) {
      const stack = STACK_NAMES.service(service);
      const schedules = resources(stack, 'AWS::Events::Rule').filter((r) => r.ScheduleExpression !== undefined);
      if (service !== 'aggregator') {
        expect(schedules).toEqual([]);
        continue;
      }
      expect(schedules).toHaveLength(1);
      const [sweep] = schedules;
      // Schedules run on the default bus: no EventBusName.
      expect(sweep).toMatchObject({ Name: 'alex-aggregator-outbox-sweep', ScheduleExpression: 'rate(5 minutes)' });
      expect(sweep!.EventBusName).toBeUndefined();
      expect(sweep!.Targets).toHaveLength(1);
      expect(JSON.parse(sweep!.Targets[0].Input)).toEqual({ alexOutboxSweep: 1 });
      expect(JSON.stringify(sweep!.Targets[0].Arn)).toContain('Buffer');
      // The queue takes SendMessage from EventBridge only for this rule's ARN (and each bus rule's).
      const template = synth.template(stack).Resources as Record<string, any>;
      const sweepId = Object.keys(template).find((id) => template[id].Properties?.Name === sweep!.Name)!;
      const allows = resources(stack, 'AWS::SQS::QueuePolicy')
        .flatMap((p) => p.PolicyDocument.Statement)
        .filter((st: any) => st.Effect === 'Allow' && st.Principal?.Service === 'events.amazonaws.com');
      expect(allows.map((st: any) => JSON.stringify(st.Condition))).toContainEqual(
        JSON.stringify({ ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [sweepId, 'Arn'] } } }),
      );
      for (const allow of allows) expect(allow.Condition.ArnEquals['aws:SourceArn']).toBeDefined();
    }
  });
});

describe('opt-in extras, off by default (extras.test.ts turns them on)', () => {
  it('synthesizes no budget, GuardDuty, network or WAF stack, nor their resources elsewhere', () => {
    expect(synth.assembly.stacks.map((s) => s.stackName).sort()).toEqual([...ALL_STACKS].sort());
    for (const name of ALL_STACKS) {
      for (const type of [
        'AWS::Budgets::Budget',
        'AWS::GuardDuty::Detector',
        'AWS::WAFv2::WebACL',
        'AWS::EC2::VPCEndpoint',
      ])
        expect(resources(name, type), `${name} ${type}`).toEqual([]);
    }
  });

  it('leaves every service function outside any VPC, with no network-interface permission', () => {
    for (const service of SERVICE_NAMES) {
      const stack = STACK_NAMES.service(service);
      for (const fn of resources(stack, 'AWS::Lambda::Function')) expect(fn.VpcConfig, stack).toBeUndefined();
      expect(identityActions(stack)).not.toContain('ec2:CreateNetworkInterface');
    }
  });
});

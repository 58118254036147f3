/**
 * The core stack: what every service shares. The bus and its archive, the jobs queue and the
 * rule feeding it, the DynamoDB tables, Aurora with the Data API (migrated on deploy), the
 * Polygon API key, the alarm topic. Names and ARNs go to SSM parameters under /alex/core/ so
 * service stacks find them at deploy time without CloudFormation exports.
 */
import { Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as triggers from 'aws-cdk-lib/triggers';
import type { Construct } from 'constructs';
import { SCHEDULE_NAMESPACE, uuidV5 } from '#events/scheduled-request.ts';
import { SCHEDULE_GROUP, SCHEDULER_ROLE_NAME, scheduleTarget } from '#infra/schedules/target.ts';
import { ENV } from '#services/common/environment.ts';
import { TABLE_DEFINITIONS } from '../../local/dynamodb.ts';
import type { DatabaseRole } from '../../storage/database-roles.ts';
import {
  BUS_NAME,
  databaseRoles,
  effectivePattern,
  JOBS_QUEUE,
  JOBS_RULE,
  type ServiceName,
  type ServiceSpec,
  specsOf,
} from '../../topology.ts';
import type { AlexConfig } from '../config.ts';
import { queueAlarms } from '../constructs/alarms.ts';
import { BufferedQueue } from '../constructs/buffered-queue.ts';
import { BundledFunction } from '../constructs/bundled-function.ts';
import { EventSchemaRegistry, outsidePublishersStatement } from '../constructs/bus-guard.ts';
import { BUNDLED_MIGRATIONS_DIR, LOGIN_SECRETS_ENV, SERVICE_ROLES_ENV } from '../handlers/migrate-database.ts';
import {
  ALARM_TOPIC_NAME,
  ARCHIVE_NAME,
  DB_CLUSTER_IDENTIFIER,
  databaseLogin,
  databaseLoginSecretParameter,
  FINDINGS_RULE_NAME,
  SSM,
} from '../names.ts';
import { logRetention } from './service-stack.ts';

/** TTL attribute per table: the completion tracker writes `expiresAt`, Powertools idempotency `expiration`. */
export const TTL_ATTRIBUTES: Record<string, string> = {
  'alex-completion': 'expiresAt',
  'alex-idempotency': 'expiration',
};

export interface CoreStackProps extends StackProps {
  config: AlexConfig;
  /** The deployed services (the registry's by default): their database logins and roles live here. */
  services?: readonly ServiceSpec[];
}

export class CoreStack extends Stack {
  readonly bus: events.EventBus;
  readonly jobs: BufferedQueue;
  readonly cluster: rds.DatabaseCluster;
  /** Each database service's own credentials (a login holding only its group role's grants). */
  readonly databaseLoginSecrets = new Map<ServiceName, secretsmanager.ISecret>();

  constructor(scope: Construct, id: string, props: CoreStackProps) {
    super(scope, id, props);
    const { config } = props;

    const alarmTopic = this.alarmTopic(config);

    this.bus = new events.EventBus(this, 'Bus', {
      eventBusName: BUS_NAME,
      description: 'Alex: analysis requests, plans and results',
    });
    // The low-level archive, because it may omit the pattern and so keep every event for replay.
    new events.CfnArchive(this, 'Archive', {
      archiveName: ARCHIVE_NAME,
      sourceArn: this.bus.eventBusArn,
      retentionDays: config.archiveRetentionDays,
      description: 'Every event on the Alex bus, for replay',
    });
    if (config.allowedPublisherAccounts.length > 0) {
      this.bus.addToResourcePolicy(outsidePublishersStatement(this.bus.eventBusArn, config.allowedPublisherAccounts));
    }
    new EventSchemaRegistry(this, 'Schemas');

    this.jobs = new BufferedQueue(this, 'Jobs', JOBS_QUEUE);
    const jobsRule = new events.CfnRule(this, 'JobsRule', {
      name: JOBS_RULE.name,
      description: JOBS_RULE.description,
      eventBusName: this.bus.eventBusName,
      eventPattern: effectivePattern(JOBS_RULE),
      targets: [{ id: 'JobsQueue', arn: this.jobs.queue.queueArn }],
    });
    this.jobs.queue.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.jobs.queue.queueArn],
        conditions: { ArnEquals: { 'aws:SourceArn': jobsRule.attrArn } },
      }),
    );
    queueAlarms(this, 'JobsAlarms', {
      queue: this.jobs.queue,
      deadLetterQueue: this.jobs.deadLetterQueue,
      settings: JOBS_QUEUE,
      topic: alarmTopic,
    });

    const tables = TABLE_DEFINITIONS.map(
      (definition) =>
        new dynamodb.TableV2(this, `Table-${definition.name}`, {
          tableName: definition.name,
          partitionKey: { name: definition.partitionKey, type: dynamodb.AttributeType.STRING },
          ...(definition.sortKey ? { sortKey: { name: definition.sortKey, type: dynamodb.AttributeType.STRING } } : {}),
          billing: dynamodb.Billing.onDemand(),
          pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
          timeToLiveAttribute: TTL_ATTRIBUTES[definition.name],
          encryption: dynamodb.TableEncryptionV2.awsManagedKey(),
          removalPolicy: RemovalPolicy.RETAIN,
        }),
    );

    this.cluster = this.database(config, databaseRoles(props.services ?? specsOf()));
    const polygonApiKey = new secretsmanager.Secret(this, 'PolygonApiKey', {
      secretName: 'alex/polygon-api-key',
      description: 'Polygon.io API key for price refreshes; set its value after the first deploy',
    });
    Validations.of(polygonApiKey).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason: 'A third-party API key: Polygon issues it, so Secrets Manager cannot rotate it; an operator replaces it.',
    });

    this.schedules(config);

    const parameters: Record<keyof typeof SSM, string> = {
      eventBusName: this.bus.eventBusName,
      eventBusArn: this.bus.eventBusArn,
      jobsQueueUrl: this.jobs.queue.queueUrl,
      jobsQueueArn: this.jobs.queue.queueArn,
      jobsDeadLetterQueueUrl: this.jobs.deadLetterQueue.queueUrl,
      completionTableName: tables[0]!.tableName,
      idempotencyTableName: tables[1]!.tableName,
      databaseClusterArn: this.cluster.clusterArn,
      databaseSecretArn: this.cluster.secret!.secretArn,
      databaseName: config.aurora.databaseName,
      polygonApiKeySecretArn: polygonApiKey.secretArn,
      alarmTopicArn: alarmTopic.topicArn,
    };
    for (const [key, value] of Object.entries(parameters)) {
      new ssm.StringParameter(this, `Parameter-${key}`, {
        parameterName: SSM[key as keyof typeof SSM],
        stringValue: value,
      });
    }
    for (const [service, secret] of this.databaseLoginSecrets) {
      new ssm.StringParameter(this, `Parameter-databaseLoginSecretArn-${service}`, {
        parameterName: databaseLoginSecretParameter(service),
        stringValue: secret.secretArn,
      });
    }
  }

  private alarmTopic(config: AlexConfig): sns.Topic {
    // CloudWatch cannot publish to a topic under the AWS-managed SNS key, so the topic has its own key.
    const key = new kms.Key(this, 'AlarmTopicKey', {
      enableKeyRotation: true,
      description: 'Alex alarm topic',
      removalPolicy: RemovalPolicy.DESTROY,
    });
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'], // in a key policy, "*" means this key
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    const topic = new sns.Topic(this, 'AlarmTopic', { topicName: ALARM_TOPIC_NAME, masterKey: key, enforceSSL: true });
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    this.allowOptInPublishers(key, topic);
    for (const email of config.alarmEmails) topic.addSubscription(new subscriptions.EmailSubscription(email));
    return topic;
  }

  /**
   * Budgets (AlexCost) and the GuardDuty findings rule (AlexSecurity) publish to this topic. The
   * grants are here whether those stacks exist or not, so turning either on deploys that stack
   * alone, with no change to this one; each is limited to this account's budgets and that one rule.
   */
  private allowOptInPublishers(key: kms.Key, topic: sns.Topic): void {
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'OptInPublishersEncrypt',
        principals: [
          new iam.ServicePrincipal('budgets.amazonaws.com'),
          new iam.ServicePrincipal('events.amazonaws.com'),
        ],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'], // in a key policy, "*" means this key
      }),
    );
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'BudgetNotifications',
        principals: [new iam.ServicePrincipal('budgets.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnLike: { 'aws:SourceArn': `arn:${this.partition}:budgets::${this.account}:*` },
        },
      }),
    );
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'GuardDutyFindings',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: {
          ArnEquals: {
            'aws:SourceArn': this.formatArn({ service: 'events', resource: 'rule', resourceName: FINDINGS_RULE_NAME }),
          },
        },
      }),
    );
  }

  private database(config: AlexConfig, roles: readonly DatabaseRole[]): rds.DatabaseCluster {
    // Nothing runs inside the VPC but Aurora: functions reach it through the Data API, so the
    // subnets are isolated (no NAT gateway to pay for) and the security group admits nobody.
    const vpc = new ec2.Vpc(this, 'Vpc', {
      ...(config.availabilityZones ? { availabilityZones: config.availabilityZones } : { maxAzs: 2 }),
      natGateways: 0,
      subnetConfiguration: [{ name: 'database', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
      flowLogs: {
        rejected: {
          destination: ec2.FlowLogDestination.toCloudWatchLogs(
            new logs.LogGroup(this, 'VpcFlowLogs', {
              retention: logRetention(config),
              removalPolicy: RemovalPolicy.DESTROY,
            }),
          ),
          trafficType: ec2.FlowLogTrafficType.REJECT,
        },
      },
    });
    const cluster = new rds.DatabaseCluster(this, 'Database', {
      clusterIdentifier: DB_CLUSTER_IDENTIFIER,
      engine: rds.DatabaseClusterEngine.auroraPostgres({ version: rds.AuroraPostgresEngineVersion.VER_16_6 }),
      writer: rds.ClusterInstance.serverlessV2('Writer', { autoMinorVersionUpgrade: true }),
      serverlessV2MinCapacity: config.aurora.minCapacity,
      serverlessV2MaxCapacity: config.aurora.maxCapacity,
      defaultDatabaseName: config.aurora.databaseName,
      credentials: rds.Credentials.fromGeneratedSecret('alex_admin', { secretName: 'alex/db-credentials' }),
      enableDataApi: true,
      iamAuthentication: true,
      storageEncrypted: true,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.SNAPSHOT,
      backup: { retention: Duration.days(7) },
      cloudwatchLogsExports: ['postgresql'],
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
    });
    // Created here rather than through cloudwatchLogsRetention, which adds a custom resource with a broad role.
    new logs.LogGroup(this, 'DatabaseLogs', {
      logGroupName: `/aws/rds/cluster/${DB_CLUSTER_IDENTIFIER}/postgresql`,
      retention: logRetention(config),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    Validations.of(cluster).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotation needs a rotation function with a route to Secrets Manager (NAT or endpoint, ~$15/month) in an otherwise empty VPC; documented in docs/aws.md as a follow-up.',
    });
    for (const { service } of roles)
      this.databaseLoginSecrets.set(service as ServiceName, this.databaseLoginSecret(cluster, service as ServiceName));
    this.migrateOnDeploy(cluster, config, roles);
    return cluster;
  }

  /**
   * A generated password for one service's login, encrypted like the master secret (the AWS
   * managed key). The default excluded characters leave out quotes and backslashes; the migrator
   * creates the login with it (handlers/service-logins.ts).
   */
  private databaseLoginSecret(cluster: rds.DatabaseCluster, service: ServiceName): secretsmanager.ISecret {
    const secret = new rds.DatabaseSecret(this, `DatabaseLogin-${service}`, {
      username: databaseLogin(service).user,
      secretName: `alex/db-credentials/${service}`,
      // Recorded for a later multi-user rotation (rds.DatabaseCluster.addRotationMultiUser), which reads it.
      masterSecret: cluster.secret,
    });
    Validations.of(secret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Same as the master secret: rotation needs a rotation function with a route to Secrets Manager in an otherwise empty VPC; documented in docs/aws.md as a follow-up.',
    });
    // The attachment adds host, port and cluster identifier, as the master secret has them.
    return secret.attach(cluster);
  }

  /**
   * Runs the migrations and syncs the services' roles after the cluster exists, and again whenever
   * a migration file or a service's grants change.
   */
  private migrateOnDeploy(cluster: rds.DatabaseCluster, config: AlexConfig, roles: readonly DatabaseRole[]): void {
    const role = new iam.Role(this, 'MigrationRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    role.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'rds-data:ExecuteStatement',
          'rds-data:BeginTransaction',
          'rds-data:CommitTransaction',
          'rds-data:RollbackTransaction',
        ],
        resources: [cluster.clusterArn],
      }),
    );
    cluster.secret!.grantRead(role);
    for (const secret of this.databaseLoginSecrets.values()) secret.grantRead(role);
    const migrator = new BundledFunction(this, 'Migrator', {
      entry: 'infra/cdk/handlers/migrate-database.ts',
      functionName: 'alex-migrate-database',
      description: 'Applies schemas/migrations to Aurora through the Data API (run by a deploy trigger)',
      memoryMb: 256,
      timeoutSeconds: 600,
      role,
      environment: {
        [ENV.databaseClusterArn]: cluster.clusterArn,
        [ENV.databaseSecretArn]: cluster.secret!.secretArn,
        [ENV.databaseName]: config.aurora.databaseName,
        [LOGIN_SECRETS_ENV]: this.toJsonString(
          Object.fromEntries([...this.databaseLoginSecrets].map(([service, secret]) => [service, secret.secretArn])),
        ),
        // A changed grant changes the function's configuration, so the trigger runs again.
        [SERVICE_ROLES_ENV]: JSON.stringify(roles),
      },
      logRetention: logRetention(config),
      sourceMap: config.sourceMaps,
      afterBundling: (inputDir, outputDir) => [
        `mkdir -p "${outputDir}/${BUNDLED_MIGRATIONS_DIR}"`,
        `cp "${inputDir}"/schemas/migrations/*.sql "${outputDir}/${BUNDLED_MIGRATIONS_DIR}/"`,
      ],
    });
    new triggers.Trigger(this, 'MigrateOnDeploy', {
      handler: migrator.function,
      executeAfter: [cluster],
      executeOnHandlerChange: true,
      timeout: Duration.minutes(10),
    });
  }

  /**
   * Scheduled analyses: the schedule group, and the role Scheduler assumes to send to the jobs
   * queue and (after its retries) the jobs DLQ — always, since the API creates users' schedules
   * in them at run time; plus one schedule per configured household (scheduledReanalysis).
   */
  private schedules(config: AlexConfig): void {
    const group = new scheduler.CfnScheduleGroup(this, 'ScheduleGroup', { name: SCHEDULE_GROUP });
    const role = new iam.Role(this, 'SchedulerRole', {
      roleName: SCHEDULER_ROLE_NAME,
      description: 'EventBridge Scheduler: send scheduled analyses to the jobs queue, failures to its DLQ',
      // Only this account's schedules in Alex's group may use it (no confused deputy).
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: {
          StringEquals: { 'aws:SourceAccount': this.account },
          ArnLike: {
            'aws:SourceArn': this.formatArn({
              service: 'scheduler',
              resource: 'schedule',
              resourceName: `${SCHEDULE_GROUP}/*`,
            }),
          },
        },
      }),
    });
    this.jobs.queue.grantSendMessages(role);
    this.jobs.deadLetterQueue.grantSendMessages(role);
    if (!config.scheduledReanalysis.enabled) return;
    const arns = {
      jobsQueueArn: this.jobs.queue.queueArn,
      jobsDeadLetterQueueArn: this.jobs.deadLetterQueue.queueArn,
      roleArn: role.roleArn,
    };
    for (const userId of config.scheduledReanalysis.userIds) {
      // A fixed id per household, so its slots keep their jobIds across deploys.
      const scheduleId = uuidV5(SCHEDULE_NAMESPACE, `config/${userId}`);
      new scheduler.CfnSchedule(this, `Reanalysis-${userId}`, {
        name: scheduleId,
        groupName: group.name,
        description: `Re-analysis of ${userId}'s portfolio (scheduledReanalysis)`,
        scheduleExpression: config.scheduledReanalysis.expression,
        scheduleExpressionTimezone: config.scheduledReanalysis.timezone,
        flexibleTimeWindow: { mode: 'FLEXIBLE', maximumWindowInMinutes: 15 },
        target: scheduleTarget(arns, scheduleId, userId, null),
      }).addDependency(group);
    }
  }
}

/**
 * One service's stack: its rules (from its declaration, through the topology), its queue and DLQ, its function with the
 * SQS event source, its alarms, and a role holding only what the function needs. Shared
 * resources come from names (bus, tables, jobs queue, alarm topic) or from SSM parameters
 * resolved at deploy time (database ARNs), so this stack deploys alone.
 */

import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambdaEvents from 'aws-cdk-lib/aws-lambda-event-sources';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';
import { ENV } from '#services/common/environment.ts';
import { MODEL_ENV } from '#services/common/model/from-env.ts';
import { OUTBOX_SWEEP_MESSAGE } from '#services/common/outbox.ts';
import { SERVICE_REGISTRY } from '#services/index.ts';
import { PRICE_ENV } from '#services/planner/prices/config.ts';
import { knowledgeEnvironment } from '#services/researcher/knowledge-settings.ts';
import {
  BUS_NAME,
  effectivePattern,
  JOBS_QUEUE,
  type QueueSettings,
  type ServiceSpec,
  TABLES,
} from '../../topology.ts';
import { type AlexConfig, functionSettings } from '../config.ts';
import { functionAlarms, queueAlarms } from '../constructs/alarms.ts';
import { BufferedQueue } from '../constructs/buffered-queue.ts';
import { BundledFunction } from '../constructs/bundled-function.ts';
import { servicePublishStatement } from '../constructs/bus-guard.ts';
import { KnowledgeBase, knowledgeStatements } from '../constructs/knowledge-base.ts';
import { exportTracesToXray, readLangfuseKeys } from '../constructs/tracing.ts';
import {
  ALARM_TOPIC_NAME,
  databaseLoginSecretParameter,
  deadLetterQueueName,
  functionName,
  KNOWLEDGE_VECTOR_BUCKET,
  SSM,
} from '../names.ts';

/** How often the outbox sweep runs; rows it sends are at least SWEEP_OLDER_THAN_MS old. */
export const OUTBOX_SWEEP_MINUTES = 5;

/** Not in services/common/environment.ts ENV yet: the feature flags as JSON, for the services to read. */
export const FEATURES_ENV = 'ALEX_FEATURES';

export const IDEMPOTENCY_ACTIONS = [
  'dynamodb:GetItem',
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
];
export const COMPLETION_ACTIONS = ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:Query'];
export const DATA_API_ACTIONS = [
  'rds-data:ExecuteStatement',
  'rds-data:BatchExecuteStatement',
  'rds-data:BeginTransaction',
  'rds-data:CommitTransaction',
  'rds-data:RollbackTransaction',
];

export function logRetention(config: AlexConfig): logs.RetentionDays {
  const days: Record<AlexConfig['logRetentionDays'], logs.RetentionDays> = {
    7: logs.RetentionDays.ONE_WEEK,
    14: logs.RetentionDays.TWO_WEEKS,
    30: logs.RetentionDays.ONE_MONTH,
    90: logs.RetentionDays.THREE_MONTHS,
    365: logs.RetentionDays.ONE_YEAR,
  };
  return days[config.logRetentionDays];
}

/** Foundation-model ARN, or an inference-profile ARN for cross-region ids such as `eu.amazon.nova-lite-v1:0`. */
export function modelArns(stack: Stack, config: AlexConfig): string[] {
  const foundation = (region: string) =>
    `arn:${stack.partition}:bedrock:${region}::foundation-model/${config.modelId.replace(/^(us|eu|apac|global)\./, '')}`;
  if (!/^(us|eu|apac|global)\./.test(config.modelId)) return [foundation(config.modelRegion)];
  // A profile routes to the model in several regions; the caller needs the profile and the model.
  return [
    `arn:${stack.partition}:bedrock:${config.modelRegion}:${stack.account}:inference-profile/${config.modelId}`,
    foundation('*'),
  ];
}

export interface ServiceStackProps extends StackProps {
  config: AlexConfig;
  spec: ServiceSpec;
  /** The queue that takes the delayed deadline messages (the deadline receiver's), by name. */
  deadlineQueueName: string;
}

export class ServiceStack extends Stack {
  readonly queue: BufferedQueue;
  readonly function: BundledFunction;
  readonly role: iam.Role;
  /** The vector bucket and index, in the stack of the service that writes knowledge. */
  readonly knowledge?: KnowledgeBase;
  /** What its function does with the knowledge base, if anything (the network stack adds its endpoints). */
  readonly knowledgeAccess?: 'write' | 'read';

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { config, spec, deadlineQueueName } = props;
    const name = functionName(spec.name);

    this.queue = new BufferedQueue(this, 'Buffer', spec.queue);
    const bus = events.EventBus.fromEventBusName(this, 'Bus', BUS_NAME);
    for (const rule of spec.rules) {
      // The low-level rule takes the topology's effective pattern as it is, the same JSON the local bus matches.
      const cfnRule = new events.CfnRule(this, `Rule-${rule.name}`, {
        name: rule.name,
        description: rule.description,
        eventBusName: BUS_NAME,
        eventPattern: effectivePattern(rule),
        targets: [{ id: 'ServiceQueue', arn: this.queue.queue.queueArn }],
      });
      this.queue.queue.addToResourcePolicy(
        new iam.PolicyStatement({
          principals: [new iam.ServicePrincipal('events.amazonaws.com')],
          actions: ['sqs:SendMessage'],
          resources: [this.queue.queue.queueArn],
          conditions: { ArnEquals: { 'aws:SourceArn': cfnRule.attrArn } },
        }),
      );
    }

    if (spec.needs.outboxSweep) this.scheduleOutboxSweep(name);

    // A service that consumes the core stack's jobs queue (the planner) finds it by name.
    const jobsQueue = spec.consumes.includes('jobs')
      ? sqs.Queue.fromQueueAttributes(this, 'JobsQueue', {
          queueArn: this.queueArn(JOBS_QUEUE.name),
          queueUrl: this.queueUrl(JOBS_QUEUE.name),
        })
      : undefined;
    const deadLetterUrls: Record<string, string> = { [spec.queue.name]: this.queue.deadLetterQueue.queueUrl };
    const deadLetterArns = [this.queue.deadLetterQueue.queueArn];
    if (jobsQueue) {
      deadLetterUrls[JOBS_QUEUE.name] = this.queueUrl(deadLetterQueueName(JOBS_QUEUE.name));
      deadLetterArns.push(this.queueArn(deadLetterQueueName(JOBS_QUEUE.name)));
    }

    this.role = new iam.Role(this, 'Role', {
      roleName: `${name}-function`,
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Alex ${spec.name}: only what its function needs`,
    });
    this.grantLeastPrivilege(spec, config, bus, deadLetterArns, deadlineQueueName);
    this.knowledgeAccess = spec.needs.knowledge;
    if (spec.needs.knowledge === 'write') this.knowledge = new KnowledgeBase(this, 'Knowledge', config.knowledge);

    const settings = functionSettings(config, spec.memoryMb, spec.timeoutSeconds, spec.name);
    const usesDatabase = spec.needs.database !== undefined;
    this.function = new BundledFunction(this, 'Handler', {
      entry: spec.entry,
      functionName: name,
      description: spec.description,
      memoryMb: settings.memoryMb,
      timeoutSeconds: settings.timeoutSeconds,
      reservedConcurrency: settings.reservedConcurrency,
      role: this.role,
      logRetention: logRetention(config),
      sourceMap: config.sourceMaps,
      afterBundling: (inputDir, outputDir) =>
        (spec.needs.dataFiles ?? []).flatMap((file) => [
          `mkdir -p "${outputDir}/data"`,
          `cp "${inputDir}/${file}" "${outputDir}/data/"`,
        ]),
      environment: {
        [ENV.eventBusName]: BUS_NAME,
        [ENV.idempotencyTable]: TABLES.idempotency,
        // aws-context.ts requires it of every service, though only the aggregator may touch the table.
        [ENV.completionTable]: TABLES.completion,
        [ENV.deadLetterQueueUrls]: Stack.of(this).toJsonString(deadLetterUrls),
        // The planner schedules each job's deadline on the aggregator's queue; the aggregator sends
        // on a deadline that SQS's 15-minute delay limit delivered early.
        ...(spec.needs.deadlines ? { [ENV.deadlineQueueUrl]: this.queueUrl(deadlineQueueName) } : {}),
        // Only the services that may call a model get Bedrock; the others stay on the offline model.
        ...(spec.usesModel && config.model === 'bedrock'
          ? { [MODEL_ENV.model]: 'bedrock', [MODEL_ENV.bedrockModelId]: config.modelId }
          : { [MODEL_ENV.model]: 'offline' }),
        ...(usesDatabase
          ? {
              [ENV.databaseClusterArn]: ssm.StringParameter.valueForStringParameter(this, SSM.databaseClusterArn),
              // Its own login, never the master: the database itself limits what the service may do.
              [ENV.databaseSecretArn]: ssm.StringParameter.valueForStringParameter(
                this,
                databaseLoginSecretParameter(spec.name),
              ),
              [ENV.databaseName]: config.aurora.databaseName,
            }
          : {}),
        ...(spec.needs.prices && config.prices === 'polygon'
          ? {
              [PRICE_ENV.source]: 'polygon',
              [PRICE_ENV.secretId]: ssm.StringParameter.valueForStringParameter(this, SSM.polygonApiKeySecretArn),
            }
          : {}),
        ...(spec.needs.knowledge ? knowledgeEnvironment(config.knowledge, KNOWLEDGE_VECTOR_BUCKET) : {}),
        [FEATURES_ENV]: JSON.stringify(config.features),
        POWERTOOLS_SERVICE_NAME: name,
        POWERTOOLS_LOG_LEVEL: config.logLevel,
      },
    });

    if (config.tracing === 'xray') exportTracesToXray(this.function, this.role);
    // Only the functions that call a model send model spans to LangFuse, so only they may read its keys.
    if (config.langfuseSecret && spec.usesModel) readLangfuseKeys(this.function, this.role, config.langfuseSecret);

    this.addEventSource(this.queue.queue, spec.queue, spec);
    if (jobsQueue) this.addEventSource(jobsQueue, JOBS_QUEUE, spec);

    const topic = sns.Topic.fromTopicArn(
      this,
      'AlarmTopic',
      this.formatArn({ service: 'sns', resource: ALARM_TOPIC_NAME }),
    );
    queueAlarms(this, 'QueueAlarms', {
      queue: this.queue.queue,
      deadLetterQueue: this.queue.deadLetterQueue,
      settings: spec.queue,
      topic,
    });
    functionAlarms(this, 'FunctionAlarms', this.function.function, name, topic);
  }

  /**
   * Every five minutes the sweep message goes to the service's own queue, so the function it
   * already has sends what a crash left in its outbox: no second function, no new permission on
   * the function's role. Schedules live on the default bus; only this rule may send to the queue.
   */
  private scheduleOutboxSweep(name: string): void {
    const sweep = new events.CfnRule(this, 'OutboxSweep', {
      name: `${name}-outbox-sweep`,
      description: `Sends announcements a crashed ${name} delivery left in its outbox`,
      scheduleExpression: `rate(${OUTBOX_SWEEP_MINUTES} minutes)`,
      targets: [{ id: 'ServiceQueue', arn: this.queue.queue.queueArn, input: JSON.stringify(OUTBOX_SWEEP_MESSAGE) }],
    });
    this.queue.queue.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['sqs:SendMessage'],
        resources: [this.queue.queue.queueArn],
        conditions: { ArnEquals: { 'aws:SourceArn': sweep.attrArn } },
      }),
    );
  }

  private addEventSource(queue: sqs.IQueue, settings: QueueSettings, spec: ServiceSpec): void {
    this.function.function.addEventSource(
      new lambdaEvents.SqsEventSource(queue, {
        batchSize: settings.batchSize,
        ...(settings.batchingWindowSeconds > 0
          ? { maxBatchingWindow: Duration.seconds(settings.batchingWindowSeconds) }
          : {}),
        reportBatchItemFailures: true,
        maxConcurrency: spec.maxConcurrency,
      }),
    );
  }

  private grantLeastPrivilege(
    spec: ServiceSpec,
    config: AlexConfig,
    bus: events.IEventBus,
    deadLetterArns: string[],
    deadlineQueueName: string,
  ): void {
    const allow = (sid: string, actions: string[], resources: string[]) =>
      this.role.addToPolicy(new iam.PolicyStatement({ sid, actions, resources }));
    const declared = SERVICE_REGISTRY.find(({ service }) => service.name === spec.name)?.service.publishes ?? [];
    this.role.addToPolicy(servicePublishStatement(bus.eventBusArn, spec.source, declared));
    allow('SendBadInputToDeadLetterQueues', ['sqs:SendMessage'], deadLetterArns);
    allow('Idempotency', IDEMPOTENCY_ACTIONS, [this.tableArn(TABLES.idempotency)]);
    if (spec.needs.completionTable) allow('CompletionTracking', COMPLETION_ACTIONS, [this.tableArn(TABLES.completion)]);
    if (spec.needs.database) {
      allow('DataApi', DATA_API_ACTIONS, [ssm.StringParameter.valueForStringParameter(this, SSM.databaseClusterArn)]);
      allow(
        'DatabaseCredentials',
        ['secretsmanager:GetSecretValue'],
        [ssm.StringParameter.valueForStringParameter(this, databaseLoginSecretParameter(spec.name))],
      );
    }
    if (spec.needs.deadlines) {
      allow('ScheduleDeadlines', ['sqs:SendMessage'], [this.queueArn(deadlineQueueName)]);
    }
    if (spec.needs.prices && config.prices === 'polygon') {
      allow(
        'PolygonApiKey',
        ['secretsmanager:GetSecretValue'],
        [ssm.StringParameter.valueForStringParameter(this, SSM.polygonApiKeySecretArn)],
      );
    }
    if (spec.usesModel && config.model === 'bedrock')
      allow('InvokeConfiguredModel', ['bedrock:InvokeModel'], modelArns(this, config));
    if (spec.needs.knowledge) {
      for (const statement of knowledgeStatements(this, config.knowledge, spec.needs.knowledge)) {
        this.role.addToPolicy(statement);
      }
    }
  }

  private queueArn(queueName: string): string {
    return this.formatArn({ service: 'sqs', resource: queueName });
  }

  private queueUrl(queueName: string): string {
    return `https://sqs.${this.region}.${this.urlSuffix}/${this.account}/${queueName}`;
  }

  private tableArn(tableName: string): string {
    return this.formatArn({ service: 'dynamodb', resource: 'table', resourceName: tableName });
  }
}

/**
 * Physical names and SSM parameter names shared by the core stack and the service stacks. A
 * service stack finds the core's resources through these (names it can turn into ARNs, or SSM
 * parameters resolved at deploy time), never through CloudFormation exports, so each stack
 * deploys alone.
 */
// Types only: the migrator's bundle imports this file and must not pull in the registry.
import type { ServiceName } from '../topology.ts';

export const APP_NAME = 'alex';

export const STACK_NAMES = {
  core: 'AlexCore',
  monitoring: 'AlexMonitoring',
  api: 'AlexApi',
  cost: 'AlexCost',
  security: 'AlexSecurity',
  network: 'AlexNetwork',
  waf: 'AlexWaf',
  web: 'AlexWeb',
  service: (service: string) => `Alex${service[0]!.toUpperCase()}${service.slice(1)}`,
} as const;

export function deadLetterQueueName(queueName: string): string {
  return `${queueName}-dlq`;
}

export function functionName(service: string): string {
  return `${APP_NAME}-${service}`;
}

export const ALARM_TOPIC_NAME = 'alex-alarms';
export const API_FUNCTION_NAME = 'alex-api';
export const ARCHIVE_NAME = 'alex-archive';
export const DB_CLUSTER_IDENTIFIER = 'alex-db';
export const DASHBOARD_NAME = 'alex';
/** The knowledge base's S3 vector bucket (names are unique per account and region). */
export const KNOWLEDGE_VECTOR_BUCKET = 'alex-knowledge';

/** SSM parameters the core stack writes and the service stacks read at deploy time. */
export const SSM = {
  eventBusName: '/alex/core/event-bus-name',
  eventBusArn: '/alex/core/event-bus-arn',
  jobsQueueUrl: '/alex/core/jobs-queue-url',
  jobsQueueArn: '/alex/core/jobs-queue-arn',
  jobsDeadLetterQueueUrl: '/alex/core/jobs-dlq-url',
  completionTableName: '/alex/core/completion-table-name',
  idempotencyTableName: '/alex/core/idempotency-table-name',
  databaseClusterArn: '/alex/core/db-cluster-arn',
  databaseSecretArn: '/alex/core/db-secret-arn',
  databaseName: '/alex/core/db-name',
  polygonApiKeySecretArn: '/alex/core/polygon-api-key-secret-arn',
  alarmTopicArn: '/alex/core/alarm-topic-arn',
} as const;

/** The cost-allocation tag on every Alex resource; the budget filters on it. */
export const COST_TAG = { key: 'project', value: APP_NAME } as const;

export const BUDGET_NAME = 'alex-monthly';
/** On the default bus, where GuardDuty publishes its findings. */
export const FINDINGS_RULE_NAME = 'alex-guardduty-findings';
export const WEB_ACL_NAME = 'alex-edge';

/** SSM parameters the network stack writes and the service stacks read when `vpc` is on. */
export const NETWORK_SSM = {
  subnetIds: '/alex/network/subnet-ids',
  functionSecurityGroupId: '/alex/network/function-security-group-id',
} as const;

/** Written by the AlexWaf stack, in us-east-1 (a CloudFront web ACL lives there). */
export const WEB_ACL_ARN_PARAMETER = '/alex/edge/web-acl-arn';

/**
 * The database login a service's function connects as, and the group role holding its grants
 * (declared in its service.ts, applied by infra/storage/database-roles.ts). The core stack
 * generates the login's secret; the migrator creates the login with that password as a member of
 * the group role.
 */
export interface DatabaseLogin {
  readonly service: ServiceName;
  readonly user: string;
  readonly groupRole: string;
}

export function databaseLogin(service: ServiceName): DatabaseLogin {
  return { service, user: `${APP_NAME}_${service}`, groupRole: `${APP_NAME}_${service}_role` };
}

/** SSM parameter holding the ARN of a database service's own credentials secret. */
export function databaseLoginSecretParameter(service: string): string {
  return `/alex/core/db-login-secret-arn/${service}`;
}

/** Written by the AlexApi stack, read by AlexWeb at deploy time: origins (`https://host`, no path). */
export const API_SSM = {
  url: '/alex/api/url',
  streamUrl: '/alex/api/stream-url',
} as const;

/**
 * The environment variables a deployed function reads, named once: the CDK stacks set them,
 * the Lambda entry points read them.
 */
export const ENV = {
  eventBusName: 'ALEX_EVENT_BUS_NAME',
  idempotencyTable: 'ALEX_IDEMPOTENCY_TABLE',
  completionTable: 'ALEX_COMPLETION_TABLE',
  /** JSON object: source queue name → its DLQ URL, for bad input sent to the DLQ at once. */
  deadLetterQueueUrls: 'ALEX_DLQ_URLS',
  databaseClusterArn: 'ALEX_DB_CLUSTER_ARN',
  databaseSecretArn: 'ALEX_DB_SECRET_ARN',
  databaseName: 'ALEX_DB_NAME',
  model: 'ALEX_MODEL',
  /** The aggregator's queue URL: where the planner schedules deadlines (delayed messages). */
  deadlineQueueUrl: 'ALEX_DEADLINE_QUEUE_URL',
} as const;

export function requireEnv(name: string, env: NodeJS.ProcessEnv = process.env): string {
  const value = env[name];
  if (!value) throw new Error(`Environment variable ${name} is not set; the service stack sets it on deploy.`);
  return value;
}

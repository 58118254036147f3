/**
 * The ServiceContext of a deployed function, built from AWS SDK clients and the environment
 * the service stack sets. Clients are created once per execution environment and reused.
 * PostgreSQL is passed in by the functions that use it, so the others do not bundle the
 * Data API client.
 */

import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { EventBridgePublisher } from '#events/eventbridge-publisher.ts';
import { traceLambda } from '#infra/telemetry/lambda.ts';
import { SqlPayloadStore } from './claim-check.ts';
import { type ServiceContext, serviceContext } from './context.ts';
import { SqsDeadLetters } from './dead-letter.ts';
import { SqsDeadlineScheduler } from './deadlines.ts';
import type { ServiceDeclaration } from './declaration.ts';
import { ENV, requireEnv } from './environment.ts';
import { modelFromEnv } from './model/from-env.ts';
import type { SqlDatabase } from './sql-database.ts';

export function awsServiceContext(declaration: ServiceDeclaration, openDatabase?: () => SqlDatabase): ServiceContext {
  const service = declaration.name;
  traceLambda();
  let database: SqlDatabase | undefined;
  let deadlines: SqsDeadlineScheduler | undefined;
  const sqs = new SQSClient({});
  const db = async () => {
    if (!openDatabase) throw new Error(`the ${service} service has no database access`);
    database ??= openDatabase();
    return database;
  };
  return serviceContext(declaration, {
    publisher: new EventBridgePublisher({
      client: new EventBridgeClient({}),
      eventBusName: requireEnv(ENV.eventBusName),
    }),
    deadLetters: new SqsDeadLetters(sqs, JSON.parse(requireEnv(ENV.deadLetterQueueUrls)) as Record<string, string>),
    // Only the planner and the aggregator schedule deadlines; the others never read the variable.
    deadlines: {
      schedule: (detail, now) =>
        (deadlines ??= new SqsDeadlineScheduler(sqs, requireEnv(ENV.deadlineQueueUrl))).schedule(detail, now),
    },
    logger: new Logger({ serviceName: `alex-${service}` }),
    dynamo: new DynamoDBClient({}),
    tables: { idempotency: requireEnv(ENV.idempotencyTable), completion: requireEnv(ENV.completionTable) },
    db,
    // The claim-check store is the payloads table, for every function that reaches the database:
    // the planner stores snapshots, the specialists read them and store large results, the
    // aggregator reads both, each as far as its login's grants allow.
    ...(openDatabase ? { payloads: new SqlPayloadStore(db) } : {}),
    model: modelFromEnv(process.env),
    now: () => new Date(),
  });
}

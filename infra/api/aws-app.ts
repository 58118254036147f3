/**
 * The API app on AWS ports, built once per Lambda container: jobs to SQS, the store on Aurora
 * (Data API), the job-row event feed, tokens checked against ALEX_AUTH_JWKS_URL. The buffered
 * (API Gateway) and streaming (Function URL) entry points both serve it.
 */
import { SchedulerClient } from '@aws-sdk/client-scheduler';
import { SQSClient } from '@aws-sdk/client-sqs';
import { awsScheduleRunner } from '#infra/schedules/aws-runner.ts';
import { ScheduleService } from '#infra/schedules/schedules.ts';
import { openAuroraDatabase } from '#services/common/aws-database.ts';
import { requireEnv } from '#services/common/environment.ts';
import { createApiApp } from './app.ts';
import { jwtVerifier } from './auth.ts';
import { polledEventFeed, sqsJobSubmitter } from './aws-ports.ts';
import { API_ENV } from './env.ts';
import { sqlApiStore } from './sql-store.ts';

export function awsApiApp(env: NodeJS.ProcessEnv = process.env) {
  const db = openAuroraDatabase();
  const store = sqlApiStore(db);
  const runner = awsScheduleRunner(new SchedulerClient({}), {
    jobsQueueArn: requireEnv(API_ENV.jobsQueueArn, env),
    jobsDeadLetterQueueArn: requireEnv(API_ENV.jobsDeadLetterQueueArn, env),
    roleArn: requireEnv(API_ENV.schedulerRoleArn, env),
  });
  return createApiApp(
    {
      jobs: sqsJobSubmitter(new SQSClient({}), requireEnv(API_ENV.jobsQueueUrl, env)),
      store,
      events: polledEventFeed(store),
      auth: jwtVerifier({
        keys: new URL(requireEnv(API_ENV.jwksUrl, env)),
        issuer: requireEnv(API_ENV.issuer, env),
        audience: requireEnv(API_ENV.audience, env),
      }),
      clock: { now: () => Date.now() },
      schedules: new ScheduleService(db, runner),
    },
    {
      corsOrigins: (env[API_ENV.corsOrigins] ?? '')
        .split(',')
        .map((origin) => origin.trim())
        .filter(Boolean),
      // Per container: API Gateway's stage throttling is the limit across containers.
      rateLimit: { ratePerSecond: Number(env[API_ENV.rate] ?? 20), burst: Number(env[API_ENV.burst] ?? 40) },
    },
  );
}

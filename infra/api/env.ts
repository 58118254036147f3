/** The environment variables the API reads on AWS (the AlexApi stack sets them) and, some, locally. */
export const API_ENV = {
  jwksUrl: 'ALEX_AUTH_JWKS_URL',
  issuer: 'ALEX_AUTH_ISSUER',
  audience: 'ALEX_AUTH_AUDIENCE',
  corsOrigins: 'ALEX_CORS_ORIGINS',
  rate: 'ALEX_API_RATE',
  burst: 'ALEX_API_BURST',
  jobsQueueUrl: 'ALEX_JOBS_QUEUE_URL',
  /** The scheduled-analysis target (AWS): the jobs queue, its DLQ and the role Scheduler assumes. */
  jobsQueueArn: 'ALEX_JOBS_QUEUE_ARN',
  jobsDeadLetterQueueArn: 'ALEX_JOBS_DLQ_ARN',
  schedulerRoleArn: 'ALEX_SCHEDULER_ROLE_ARN',
} as const;

/** The environment variables the API reads on AWS (the AlexApi stack sets them) and, some, locally. */
export const API_ENV = {
  jwksUrl: 'ALEX_AUTH_JWKS_URL',
  issuer: 'ALEX_AUTH_ISSUER',
  audience: 'ALEX_AUTH_AUDIENCE',
  corsOrigins: 'ALEX_CORS_ORIGINS',
  rate: 'ALEX_API_RATE',
  burst: 'ALEX_API_BURST',
  jobsQueueUrl: 'ALEX_JOBS_QUEUE_URL',
} as const;

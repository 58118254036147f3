/**
 * Lambda entry point of the API behind API Gateway (HTTP API, payload 2.0): the shared app,
 * buffered. When tracing is configured (-c tracing=xray, or OTEL_* set on the function) each
 * request's span, the root of a job's trace, is exported before the response returns.
 */
import { handle } from 'hono/aws-lambda';
import { exportingAfterEach, traceLambda } from '#infra/telemetry/lambda.ts';
import { awsApiApp } from './aws-app.ts';

traceLambda();
export const handler = exportingAfterEach(handle(awsApiApp()));

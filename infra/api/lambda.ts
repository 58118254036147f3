/** Lambda entry point of the API behind API Gateway (HTTP API, payload 2.0): the shared app, buffered. */
import { handle } from 'hono/aws-lambda';
import { awsApiApp } from './aws-app.ts';

export const handler = handle(awsApiApp());

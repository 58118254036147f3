/** Lambda entry point of the API's streaming Function URL (SSE behind CloudFront): the shared app, streamed. */
import { streamHandle } from 'hono/aws-lambda';
import { awsApiApp } from './aws-app.ts';

export const handler = streamHandle(awsApiApp());

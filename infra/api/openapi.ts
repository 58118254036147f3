/**
 * The OpenAPI 3.1 document served at GET /openapi.json, generated from the zod schemas in
 * schemas.ts (components) and the route table below; tests check every response against it.
 */
import * as z from 'zod';
import { apiSchemas } from './schemas.ts';

const ref = (id: string) => ({ $ref: `#/components/schemas/${id}` });
const json = (id: string) => ({ 'application/json': { schema: ref(id) } });
const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ref('Problem') } },
});
const authProblems = {
  '401': problem('Missing or invalid bearer token (see WWW-Authenticate)'),
  '429': problem('Too many requests for this user; see Retry-After and RateLimit'),
  '503': problem('The token issuer keys cannot be fetched'),
};
const jobIdParam = { name: 'jobId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } };
const withAuth = { security: [{ bearer: [] }] };

const paths = {
  '/healthz': { get: { summary: 'Liveness', responses: { '200': { description: 'Up', content: json('Health') } } } },
  '/openapi.json': {
    get: {
      summary: 'This document',
      responses: {
        '200': { description: 'OpenAPI 3.1', content: { 'application/json': { schema: { type: 'object' } } } },
      },
    },
  },
  '/v1/portfolio': {
    put: {
      ...withAuth,
      summary: "Replace the caller's portfolio",
      requestBody: { required: true, content: json('Portfolio') },
      responses: {
        '200': { description: 'Stored (user.id is the token subject)', content: json('Portfolio') },
        '400': problem('Invalid portfolio; `errors` names each field'),
        '413': problem('Body over 1 MB'),
        '415': problem('Not JSON'),
        ...authProblems,
      },
    },
    get: {
      ...withAuth,
      summary: "The caller's portfolio",
      responses: {
        '200': { description: 'Stored portfolio', content: json('Portfolio') },
        '404': problem('None stored yet'),
        ...authProblems,
      },
    },
  },
  '/v1/analyses': {
    post: {
      ...withAuth,
      summary: 'Request an analysis of the stored portfolio',
      parameters: [
        { name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 200 } },
      ],
      requestBody: { required: false, content: json('SubmitAnalysis') },
      responses: {
        '202': { description: 'Accepted; Location names the job', content: json('Job') },
        '400': problem('Invalid request'),
        '413': problem('Body over 1 MB'),
        '415': problem('Not JSON'),
        '409': problem('No portfolio stored yet'),
        ...authProblems,
      },
    },
    get: {
      ...withAuth,
      summary: "The caller's analyses, newest first",
      parameters: [
        { name: 'limit', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 100 } },
        { name: 'cursor', in: 'query', required: false, schema: { type: 'string' } },
      ],
      responses: {
        '200': { description: 'A page', content: json('JobList') },
        '400': problem('Bad query'),
        ...authProblems,
      },
    },
  },
  '/v1/schedules': {
    post: {
      ...withAuth,
      summary: "Schedule analyses of the caller's stored portfolio (EventBridge Scheduler expression and time zone)",
      requestBody: { required: true, content: json('NewSchedule') },
      responses: {
        '201': { description: 'Created; Location names it', content: json('Schedule') },
        '400': problem('Invalid expression, time zone or tasks, or too many schedules; `errors` names the field'),
        '413': problem('Body over 1 MB'),
        '415': problem('Not JSON'),
        ...authProblems,
      },
    },
    get: {
      ...withAuth,
      summary: "The caller's schedules, oldest first, each with its next slot",
      responses: { '200': { description: 'Schedules', content: json('ScheduleList') }, ...authProblems },
    },
  },
  '/v1/schedules/{scheduleId}': {
    delete: {
      ...withAuth,
      summary: "Remove one of the caller's schedules",
      parameters: [{ name: 'scheduleId', in: 'path', required: true, schema: { type: 'string', format: 'uuid' } }],
      responses: {
        '204': { description: 'Removed' },
        '404': problem('No such schedule for this user'),
        ...authProblems,
      },
    },
  },
  '/v1/analyses/{jobId}': {
    get: {
      ...withAuth,
      summary: 'Status, timings, and the result when done (ETag; If-None-Match gives 304)',
      parameters: [jobIdParam],
      responses: {
        '200': { description: 'The job', content: json('JobWithResult') },
        '304': { description: 'Not modified' },
        '404': problem('No such job for this user'),
        ...authProblems,
      },
    },
  },
  '/v1/analyses/{jobId}/report.html': {
    get: {
      ...withAuth,
      summary: 'The report as a self-contained HTML page',
      parameters: [jobIdParam],
      responses: {
        '200': { description: 'HTML', content: { 'text/html': { schema: { type: 'string' } } } },
        '404': problem('No such job, or no analysis yet'),
        ...authProblems,
      },
    },
  },
  '/v1/analyses/{jobId}/report.md': {
    get: {
      ...withAuth,
      summary: 'The report as Markdown',
      parameters: [jobIdParam],
      responses: {
        '200': { description: 'Markdown', content: { 'text/markdown': { schema: { type: 'string' } } } },
        '404': problem('No such job, or no analysis yet'),
        ...authProblems,
      },
    },
  },
  '/v1/analyses/{jobId}/view.html': {
    get: {
      ...withAuth,
      summary: "The dashboard's analysis page as an HTML fragment: answer, charts with data tables, holdings, appendix",
      parameters: [jobIdParam],
      responses: {
        '200': {
          description: 'An HTML fragment (no scripts)',
          content: { 'text/html': { schema: { type: 'string' } } },
        },
        '404': problem('No such job, or no analysis yet'),
        ...authProblems,
      },
    },
  },
  '/v1/compare': {
    get: {
      ...withAuth,
      summary: 'What changed from analysis a to analysis b: allocation, success probability, recommendations',
      parameters: [
        { name: 'a', in: 'query', required: true, schema: { type: 'string', format: 'uuid' } },
        { name: 'b', in: 'query', required: true, schema: { type: 'string', format: 'uuid' } },
      ],
      responses: {
        '200': { description: 'The comparison', content: json('Comparison') },
        '400': problem('a or b is not a jobId'),
        '404': problem('a or b is not a finished analysis of the caller'),
        ...authProblems,
      },
    },
  },
  '/v1/analyses/{jobId}/events': {
    get: {
      ...withAuth,
      summary: "Server-Sent Events: the job's progress; resumes after Last-Event-ID; closes at the final state",
      parameters: [
        jobIdParam,
        { name: 'Last-Event-ID', in: 'header', required: false, schema: { type: 'string' } },
        {
          name: 'access_token',
          in: 'query',
          required: false,
          description: 'The bearer token, for clients that cannot set headers (EventSource) and behind CloudFront',
          schema: { type: 'string' },
        },
      ],
      responses: {
        '200': {
          description: 'An event stream; each `data` is a ProgressEvent, each `id` its order in the job',
          content: {
            'text/event-stream': { schema: { type: 'string', description: 'data: a ProgressEvent as JSON' } },
          },
        },
        '404': problem('No such job for this user'),
        ...authProblems,
      },
    },
  },
};

let cached: object | undefined;

export function openApiDocument(): object {
  if (cached) return cached;
  const { schemas } = z.toJSONSchema(apiSchemas, {
    target: 'draft-2020-12',
    uri: (id) => `#/components/schemas/${id}`,
    io: 'output',
    unrepresentable: 'any',
  });
  // A component is addressed by its place in the document; its own $id and $schema would rebase refs.
  const components = Object.fromEntries(
    Object.entries(schemas).map(([id, { $id: _id, $schema: _schema, ...schema }]) => [id, schema]),
  );
  cached = {
    openapi: '3.1.0',
    info: {
      title: 'Alex API',
      version: '1.0.0',
      description: 'Portfolio analyses for the user named by the token subject.',
    },
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    paths,
    components: {
      schemas: components,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
    },
  };
  return cached;
}

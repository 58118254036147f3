/**
 * The API's request and response bodies, defined once in zod: routes parse and build with them,
 * and openapi.ts turns them into the OpenAPI 3.1 document (JSON Schema 2020-12 via zod 4).
 */
import * as z from 'zod';
import { Task } from '#events/values.ts';
import { ScheduleInput } from '#infra/schedules/schedules.ts';
import { ConsolidatedAnalysis } from '#services/aggregator/consolidate.ts';
import { PortfolioFile } from '#services/common/portfolio-file.ts';

/** The named schemas of the OpenAPI document (components), kept apart from any other registry. */
export const apiSchemas = z.registry<{ id: string; description?: string }>();

export const Problem = z
  .object({
    type: z.string(),
    title: z.string(),
    status: z.number().int(),
    detail: z.string(),
    instance: z.string().optional(),
    errors: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
  })
  .register(apiSchemas, { id: 'Problem', description: 'RFC 9457 problem details' });

export const SubmitAnalysis = z
  .object({
    tasks: z.array(Task).min(1).max(3).optional().describe('Parts wanted; all when absent.'),
    deadlineSeconds: z.number().int().min(10).max(3600).optional().describe('300 when absent.'),
  })
  .strict()
  .register(apiSchemas, { id: 'SubmitAnalysis' });

export const JOB_STATUSES = [
  'requested',
  'planning',
  'classifying',
  'planned',
  'completed',
  'partial',
  'failed',
] as const;

export const Job = z
  .object({
    jobId: z.string(),
    status: z.enum(JOB_STATUSES),
    tasks: z.array(Task),
    requestedAt: z.string(),
    plannedAt: z.string().nullable(),
    deadline: z.string().nullable(),
    finishedAt: z.string().nullable(),
    tookMs: z.number().int().nullable(),
    error: z.string().nullable(),
    links: z.object({ self: z.string(), events: z.string(), reportHtml: z.string(), reportMarkdown: z.string() }),
  })
  .register(apiSchemas, { id: 'Job' });

export const JobWithResult = Job.extend({
  result: ConsolidatedAnalysis.nullable().describe('The consolidated analysis once the job finished with one.'),
}).register(apiSchemas, { id: 'JobWithResult' });

export const JobList = z
  .object({ items: z.array(Job), nextCursor: z.string().nullable() })
  .register(apiSchemas, { id: 'JobList' });

export const Portfolio = PortfolioFile.register(apiSchemas, { id: 'Portfolio' });

export const Health = z.object({ status: z.literal('ok') }).register(apiSchemas, { id: 'Health' });

export const ProgressEvent = z
  .object({ detailType: z.string(), time: z.string() })
  .catchall(z.unknown())
  .register(apiSchemas, {
    id: 'ProgressEvent',
    description: 'The `data` of one Server-Sent Event; its `id` orders the job events.',
  });

export const ListQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().max(200).optional(),
});

const ComparedSide = z.object({ jobId: z.string(), completedAt: z.string(), totalValue: z.number() });
const nullableNumber = z.number().nullable();

export const Comparison = z
  .object({
    a: ComparedSide,
    b: ComparedSide,
    allocation: z
      .array(z.object({ label: z.string(), a: nullableNumber, b: nullableNumber, change: nullableNumber }))
      .describe('Percent of the portfolio by asset class; change is b − a in points; null when a side has no chart.'),
    successProbability: z.object({ a: nullableNumber, b: nullableNumber, change: nullableNumber }),
    recommendations: z.object({ added: z.array(z.string()), removed: z.array(z.string()), kept: z.array(z.string()) }),
  })
  .register(apiSchemas, { id: 'Comparison', description: 'What changed from analysis a to analysis b' });

export const CompareQuery = z.object({
  a: z.uuid({ error: 'must be the jobId of one of your analyses' }),
  b: z.uuid({ error: 'must be the jobId of one of your analyses' }),
});

export const NewSchedule = ScheduleInput.register(apiSchemas, { id: 'NewSchedule' });

export const Schedule = z
  .object({
    id: z.string(),
    expression: z.string(),
    timezone: z.string(),
    tasks: z.array(Task).nullable(),
    createdAt: z.string(),
    nextFireAt: z.string().nullable().describe('The next slot; null when the schedule never fires again.'),
    lastFiredAt: z.string().nullable().describe('The latest slot fired by alex serve (null on AWS).'),
    lastJobId: z.string().nullable(),
  })
  .register(apiSchemas, { id: 'Schedule', description: "A scheduled analysis of the caller's stored portfolio" });

export const ScheduleList = z.object({ items: z.array(Schedule) }).register(apiSchemas, { id: 'ScheduleList' });

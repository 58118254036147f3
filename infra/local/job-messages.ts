/**
 * The job queue's message (an `AnalysisRequested` detail, as the API and `alex analyze` send it) and
 * the test for the event that ends a job: built here once for the CLI, the benchmarks, the
 * reliability run and the tests, so they all ask for and wait on a job the same way.
 */
import { randomUUID } from 'node:crypto';
import type { Detail } from '#events/catalog.ts';
import type { EventEnvelope } from '#events/envelope.ts';

export function analysisRequest(
  userId: string,
  options: { jobId?: string; deadlineSeconds?: number } = {},
): Detail<'AnalysisRequested'> {
  const request: Detail<'AnalysisRequested'> = {
    version: 1,
    jobId: options.jobId ?? randomUUID(),
    userId,
    requestedAt: new Date().toISOString(),
  };
  if (options.deadlineSeconds !== undefined) request.deadlineSeconds = options.deadlineSeconds;
  return request;
}

/** The detail types that end a job, whichever way: one of them is published once per job. */
export function isJobEndType(detailType: string): detailType is 'AnalysisCompleted' | 'AnalysisFailed' {
  return detailType === 'AnalysisCompleted' || detailType === 'AnalysisFailed';
}

/** True for the event that ends `jobId`: its `AnalysisCompleted` or its `AnalysisFailed`. */
export function isJobEnd(jobId: string) {
  return (e: EventEnvelope) => isJobEndType(e['detail-type']) && (e.detail as { jobId?: string }).jobId === jobId;
}

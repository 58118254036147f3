/**
 * Job statuses as the event archive tells them. The archive is append-only, so a reader can
 * take it while another process owns the home (the lines written so far are a consistent
 * prefix), and `alex doctor --repair` rebuilds the jobs table from it when the database is lost.
 * A final event decides for good: the first AnalysisCompleted or AnalysisFailed of a job.
 */
import type { EventEnvelope } from '#events/envelope.ts';
import type { JobStatus } from '#services/common/job-store.ts';

export interface ArchivedJob {
  jobId: string;
  userId: string | null;
  status: JobStatus;
  tasks: string[];
  requestedAt: string;
  plannedAt: string | null;
  deadline: string | null;
  finishedAt: string | null;
  error: string | null;
}

const FINAL = new Set<JobStatus>(['completed', 'partial', 'failed']);

type Detail = Record<string, unknown> & { jobId?: unknown };

/** Every job the archive mentions, most recently requested first. */
export function jobsFromArchive(events: readonly EventEnvelope[]): ArchivedJob[] {
  const jobs = new Map<string, ArchivedJob>();
  for (const event of events) {
    if (event['replay-name']) continue;
    const detail = event.detail as Detail | null;
    if (!detail || typeof detail.jobId !== 'string') continue;
    let job = jobs.get(detail.jobId);
    if (!job) {
      job = {
        jobId: detail.jobId,
        userId: null,
        status: 'requested',
        tasks: [],
        requestedAt: event.time,
        plannedAt: null,
        deadline: null,
        finishedAt: null,
        error: null,
      };
      jobs.set(detail.jobId, job);
    }
    apply(job, event['detail-type'], detail, event.time);
  }
  return [...jobs.values()].sort((a, b) => b.requestedAt.localeCompare(a.requestedAt));
}

function apply(job: ArchivedJob, detailType: string, detail: Detail, time: string): void {
  if (typeof detail.userId === 'string') job.userId ??= detail.userId;
  if (FINAL.has(job.status)) return;
  const text = (key: string) => (typeof detail[key] === 'string' ? (detail[key] as string) : null);
  switch (detailType) {
    case 'AnalysisRequested':
      job.requestedAt = text('requestedAt') ?? job.requestedAt;
      break;
    case 'ClassificationRequested':
      job.status = 'classifying';
      break;
    case 'AnalysisPlanned':
      job.status = 'planned';
      job.requestedAt = text('requestedAt') ?? job.requestedAt;
      job.plannedAt = text('plannedAt');
      job.deadline = text('deadline');
      job.tasks = Array.isArray(detail.tasks) ? (detail.tasks as string[]) : [];
      break;
    case 'AnalysisCompleted':
      job.status = detail.status === 'partial' ? 'partial' : 'completed';
      job.finishedAt = text('completedAt') ?? time;
      break;
    case 'AnalysisFailed':
      job.status = 'failed';
      job.finishedAt = text('failedAt') ?? time;
      job.error = text('reason');
      break;
  }
}

export function isFinal(status: string): boolean {
  return FINAL.has(status as JobStatus);
}

/**
 * What the HTTP API needs from the world, as ports, so one app runs on the local runtime and in
 * Lambda: a job submitter (the jobs queue), a store (portfolio, jobs, analyses; every call scoped
 * to the caller's user id), an event feed (a job's progress, ordered), an auth verifier and a
 * clock. Adapters: infra/api/local-ports.ts (LocalRuntime) and infra/api/aws-ports.ts (SQS, Data API).
 */
import type { Detail } from '#events/catalog.ts';
import type { Task } from '#events/values.ts';
import type { ScheduleService } from '#infra/schedules/schedules.ts';
import type { ConsolidatedAnalysis } from '#services/aggregator/consolidate.ts';
import type { JobStatus } from '#services/common/job-store.ts';
import type { PortfolioFile } from '#services/common/portfolio-file.ts';
import type { ModelCallSummary } from '../web/analysis-view.ts';

/** Sends an AnalysisRequested to the jobs queue, as any client would with SendMessage. */
export interface JobSubmitter {
  submit(request: Detail<'AnalysisRequested'>): Promise<void>;
}

export interface JobRecord {
  jobId: string;
  userId: string;
  status: JobStatus;
  tasks: Task[];
  requestedAt: string;
  plannedAt: string | null;
  deadline: string | null;
  finishedAt: string | null;
  error: string | null;
}

export interface JobPage {
  items: JobRecord[];
  /** Opaque; absent on the last page. */
  nextCursor: string | null;
}

/**
 * Every method takes the caller's user id and never returns another user's data: a job of
 * another user is `null`, exactly as a missing one.
 */
export interface ApiStore {
  savePortfolio(userId: string, file: PortfolioFile): Promise<void>;
  loadPortfolio(userId: string): Promise<PortfolioFile | null>;
  /** Records the job as accepted before it is sent; `created` is false when the id existed for this user. */
  createJob(
    userId: string,
    job: { jobId: string; tasks: Task[]; requestedAt: string; deadline: string },
  ): Promise<{ job: JobRecord; created: boolean } | null>;
  getJob(userId: string, jobId: string): Promise<JobRecord | null>;
  listJobs(userId: string, page: { limit: number; cursor?: string }): Promise<JobPage>;
  getAnalysis(userId: string, jobId: string): Promise<ConsolidatedAnalysis | null>;
  /** The job's language-model calls (its audit trail), oldest first; empty for another user's job. */
  modelCalls(userId: string, jobId: string): Promise<ModelCallSummary[]>;
}

/** One event about a job, numbered from 1 in the order it happened; `seq` is the SSE id. */
export interface JobEvent {
  seq: number;
  detailType: string;
  time: string;
  data: Record<string, unknown>;
}

/**
 * A job's events. The route checks the job belongs to `userId` before asking; the user is passed
 * so an adapter that reads the store (AWS) stays scoped too. A subscriber may be handed events it
 * already has: the route drops any `seq` it has sent.
 */
export interface EventFeed {
  /** The job's events so far, oldest first. */
  history(userId: string, jobId: string): Promise<JobEvent[]>;
  /** Calls `listener` for each later event about the job; returns the unsubscribe function. */
  subscribe(userId: string, jobId: string, listener: (event: JobEvent) => void): () => void;
}

/** A verified caller. */
export interface Principal {
  userId: string;
}

/** Why a request was not authenticated; the HTTP answer follows from the kind alone. */
export class AuthError extends Error {
  constructor(readonly kind: 'missing' | 'invalid' | 'unavailable') {
    super(kind);
  }
}

export interface AuthVerifier {
  /** Verifies the Authorization header's bearer token; throws AuthError. */
  verify(authorization: string | undefined): Promise<Principal>;
}

export interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
}

export interface ApiPorts {
  jobs: JobSubmitter;
  store: ApiStore;
  events: EventFeed;
  auth: AuthVerifier;
  clock: Clock;
  /** The caller's scheduled analyses; absent: /v1/schedules answers 501. */
  schedules?: ScheduleService;
}

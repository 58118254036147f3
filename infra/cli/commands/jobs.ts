/** `alex jobs list` and `alex jobs show <jobId>`: status, timings, and the job's events in order. */

import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EventEnvelope } from '#events/envelope.ts';
import { InvalidInputError } from '#events/errors.ts';
import { JobId } from '#events/values.ts';
import { getAnalysis } from '#services/aggregator/analysis-store.ts';
import { getJob, type JobRow, listJobs } from '#services/common/job-store.ts';
import { listModelCalls, type ModelCallRow } from '#services/common/model/audit-store.ts';
import { parseArchive } from '../../local/archive.ts';
import { type ArchivedJob, isFinal, jobsFromArchive } from '../../local/archive-jobs.ts';
import { HOME_FILES } from '../../local/home.ts';
import { type Command, EXIT, type Io, parse, stateHome, UsageError } from '../cli-kit.ts';
import { openForReading } from '../read-home.ts';

const USAGE = `Usage: alex jobs list [--home DIR] [--json] [--limit N]
       alex jobs show <jobId> [--home DIR] [--json]

list: the most recent jobs with status and timings.
show: one job's status and timings, every event about it on the bus in order, and its model calls.`;

export const jobsCommand: Command = {
  name: 'jobs',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parse(
      argv,
      { home: { type: 'string' }, json: { type: 'boolean' }, limit: { type: 'string' } },
      this,
    );
    const [action, jobId] = positionals;
    if (values.help || !action) {
      io.out(USAGE);
      return values.help ? EXIT.ok : EXIT.badInput;
    }
    if (action !== 'list' && action !== 'show') throw new UsageError(`unknown jobs action "${action}"\n\n${USAGE}`);
    if (action === 'show') {
      if (!jobId) throw new UsageError(`jobs show needs a jobId\n\n${USAGE}`);
      InvalidInputError.parse(JobId, jobId, 'jobId');
    }
    const limit = values.limit === undefined ? 20 : Number(values.limit);
    if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive whole number');

    const home = stateHome(values.home, io);
    const opened = await openForReading(home, `jobs ${action}`, io);
    if (!opened.state) return fromArchive(home, action, jobId, limit, values.json === true, io);
    const state = opened.state;
    try {
      if (action === 'list') {
        // Nobody else owns the home, so a job not finished was left by a command that died.
        const jobs = (await listJobs(state.db, limit)).map((job) => jobView(job, true));
        printJobList(jobs, values.json === true, io);
        return EXIT.ok;
      }
      const job = await getJob(state.db, jobId!);
      const events = state.archive.read().filter((event) => (event.detail as { jobId?: string })?.jobId === jobId);
      if (!job && events.length === 0) {
        io.err(`alex: no job ${jobId} in ${state.home}`);
        return EXIT.badInput;
      }
      const analysis = await getAnalysis(state.db, jobId!);
      const modelCalls = (await listModelCalls(state.db, jobId!)).map(modelCallView);
      const timeline = events.map(timelineOf);
      if (values.json) {
        io.out(
          JSON.stringify(
            { job: job && jobView(job, true), analysisStored: analysis !== null, events: timeline, modelCalls },
            null,
            2,
          ),
        );
        return EXIT.ok;
      }
      if (job) {
        const view = jobView(job, true);
        io.out(`Job ${view.jobId}`);
        io.out(`  status     ${statusText(view)}${job.error ? ` (${job.error})` : ''}`);
        io.out(`  user       ${view.userId}`);
        io.out(`  tasks      ${job.tasks.join(', ')}`);
        io.out(`  requested  ${view.requestedAt}`);
        io.out(`  planned    ${job.planned_at ?? '-'}`);
        io.out(`  finished   ${job.finished_at ?? '-'}${view.tookMs === null ? '' : ` (${view.tookMs} ms)`}`);
        io.out(`  analysis   ${analysis ? 'stored' : 'not stored'}`);
      }
      printTimeline(timeline, io);
      io.out(`Model calls (${modelCalls.length})`);
      for (const call of modelCalls) {
        const tokens = call.inputTokens === null ? 'tokens -' : `tokens ${call.inputTokens}/${call.outputTokens}`;
        const flags = [
          ...call.injection.map((v) => `injection? ${v.field}: ${v.signals.join('+')}`),
          ...(call.cut.length > 0 ? [`cut: ${call.cut.join(', ')}`] : []),
          ...(call.stopReason ? [`stop: ${call.stopReason}`] : []),
          ...(call.problem ? [`problem: ${call.problem.slice(0, 120)}`] : []),
          ...(call.fallback ? [`FALLBACK: ${call.fallback.slice(0, 120)}`] : []),
        ];
        io.out(
          `  ${call.at}  ${call.service.padEnd(9)} ${call.purpose.padEnd(19)} #${call.attempt} ${call.outcome.padEnd(8)} ${call.model}  ${tokens}  ${call.latencyMs} ms  prompt ${call.promptSha256.slice(0, 12)}`,
        );
        for (const flag of flags) io.out(`      ${flag}`);
      }
      return EXIT.ok;
    } finally {
      await state.close();
    }
  },
};

interface JobView {
  jobId: string;
  status: string;
  /** Not finished, and no process is working on it: the command running it died. */
  interrupted: boolean;
  userId: string;
  requestedAt: string;
  finishedAt: string | null;
  tookMs: number | null;
  error: string | null;
}

function jobView(job: JobRow, ownerGone: boolean): JobView {
  return {
    jobId: job.id,
    status: job.status,
    interrupted: ownerGone && !isFinal(job.status),
    userId: job.user_id,
    requestedAt: job.requested_at,
    finishedAt: job.finished_at,
    tookMs: job.finished_at ? Date.parse(job.finished_at) - Date.parse(job.requested_at) : null,
    error: job.error,
  };
}

function archivedView(job: ArchivedJob): JobView {
  return {
    jobId: job.jobId,
    status: job.status,
    interrupted: false,
    userId: job.userId ?? '-',
    requestedAt: job.requestedAt,
    finishedAt: job.finishedAt,
    tookMs: job.finishedAt ? Date.parse(job.finishedAt) - Date.parse(job.requestedAt) : null,
    error: job.error,
  };
}

function statusText(view: JobView): string {
  return view.interrupted
    ? `interrupted (was ${view.status}; the next analyze, replay or redrive finishes it)`
    : view.status;
}

function printJobList(jobs: readonly JobView[], json: boolean, io: Io): void {
  if (json) io.out(JSON.stringify(jobs, null, 2));
  else if (jobs.length === 0) io.out('No jobs yet. Run `alex analyze examples/portfolio.json`.');
  else {
    io.out(`${'JOB'.padEnd(36)}  ${'STATUS'.padEnd(11)}  ${'USER'.padEnd(20)}  ${'REQUESTED'.padEnd(24)}  TOOK`);
    for (const view of jobs) {
      const status = view.interrupted ? 'interrupted' : view.status;
      io.out(
        `${view.jobId}  ${status.padEnd(11)}  ${view.userId.padEnd(20)}  ${view.requestedAt.padEnd(24)}  ${view.tookMs === null ? '-' : `${view.tookMs} ms`}`,
      );
    }
  }
}

/** While another process owns the home: what the archive says, which is all a reader may take. */
function fromArchive(
  home: string,
  action: 'list' | 'show',
  jobId: string | undefined,
  limit: number,
  json: boolean,
  io: Io,
): number {
  const file = join(home, HOME_FILES.archive);
  const events = existsSync(file) ? parseArchive(readFileSync(file, 'utf8')).events : [];
  const jobs = jobsFromArchive(events);
  if (action === 'list') {
    printJobList(jobs.slice(0, limit).map(archivedView), json, io);
    return EXIT.ok;
  }
  const job = jobs.find((candidate) => candidate.jobId === jobId);
  const timeline = events.filter((event) => (event.detail as { jobId?: string })?.jobId === jobId).map(timelineOf);
  if (!job) {
    io.err(`alex: no job ${jobId} in the archive of ${home} yet`);
    return EXIT.badInput;
  }
  if (json) io.out(JSON.stringify({ job: archivedView(job), events: timeline }, null, 2));
  else {
    io.out(`Job ${job.jobId} (from the event archive)`);
    io.out(`  status     ${job.status}${job.error ? ` (${job.error})` : ''}`);
    io.out(`  user       ${job.userId ?? '-'}`);
    printTimeline(timeline, io);
  }
  return EXIT.ok;
}

function timelineOf(event: EventEnvelope) {
  return {
    time: event.time,
    detailType: event['detail-type'],
    source: event.source,
    task: (event.detail as { task?: string }).task,
    id: event.id,
  };
}

function printTimeline(timeline: ReadonlyArray<ReturnType<typeof timelineOf>>, io: Io): void {
  io.out(`Events (${timeline.length})`);
  for (const event of timeline)
    io.out(`  ${event.time}  ${event.detailType.padEnd(24)} ${event.source}${event.task ? `  [${event.task}]` : ''}`);
}

/** One audit row as shown: hashes in full in --json, verdicts flattened. */
function modelCallView(row: ModelCallRow) {
  const { attempt, outcome, injection, cut, stopReason, problem, fallback } = row.verdicts;
  return {
    at: row.created_at,
    service: row.service,
    purpose: row.purpose,
    model: row.model,
    attempt,
    outcome,
    inputTokens: row.input_tokens,
    outputTokens: row.output_tokens,
    latencyMs: row.latency_ms,
    promptSha256: row.prompt_sha256,
    responseSha256: row.response_sha256,
    injection: injection ?? [],
    cut: cut ?? [],
    ...(stopReason ? { stopReason } : {}),
    ...(problem ? { problem } : {}),
    ...(fallback ? { fallback } : {}),
  };
}

/**
 * The process-level fault run: real `alex` processes on one home, killed with SIGKILL at seeded
 * random moments, run two at a time, and with state files torn between runs; then one more
 * runtime command finishes what was left, and the home is checked: every job the home ever
 * accepted must reach one final state, announced once, and every command must find the home
 * readable. Counted over the whole run: stuck, lost, duplicateWrites, unreadableHomes (all must be 0).
 *
 * duplicateWrites: jobs whose final outcome went out as more than one event: the archive holds
 * (replays aside) final announcements (AnalysisCompleted, AnalysisFailed) of the job that differ
 * in event id or in detail. The same event delivered again (same id, same detail, as the outbox
 * relay does after a kill between publishing and marking it sent, and as EventBridge may do) is
 * one event to every consumer; it is counted apart, in `redeliveries`.
 */
import { appendFileSync, existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isJobEndType } from '#infra/local/job-messages.ts';
import { seededRandom } from '#infra/local/random.ts';
import { type AlexResult, runAlex, spawnAlex } from '#test/support/alex-process.ts';

const EXAMPLE = fileURLToPath(new URL('../../examples/portfolio.json', import.meta.url));

export interface ProcessReport {
  runs: number;
  kills: number;
  concurrentRuns: number;
  corruptions: number;
  jobs: number;
  finalExactlyOnce: number;
  stuck: number;
  lost: number;
  duplicateWrites: number;
  /** Final announcements delivered again with the same id and detail (at-least-once; not a fault). */
  redeliveries: number;
  unreadableHomes: number;
  /** Second writers refused with exit 2 while another owned the home (expected, not a fault). */
  refusedWriters: number;
  seconds: number;
  home: string;
  problems: string[];
}

export async function runProcessFaults(options: { kills: number; seed: number; log?: (line: string) => void }) {
  const started = Date.now();
  const random = seededRandom(options.seed);
  const home = mkdtempSync(join(tmpdir(), 'alex-reliability-'));
  const report: ProcessReport = {
    runs: 0,
    kills: 0,
    concurrentRuns: 0,
    corruptions: 0,
    jobs: 0,
    finalExactlyOnce: 0,
    stuck: 0,
    lost: 0,
    duplicateWrites: 0,
    redeliveries: 0,
    unreadableHomes: 0,
    refusedWriters: 0,
    seconds: 0,
    home,
    problems: [],
  };
  const seen = new Set<string>();
  const note = (result: AlexResult, what: string) => {
    if (result.code === 1 || /unexpected error/.test(result.stderr)) {
      report.unreadableHomes += 1;
      report.problems.push(`${what}: ${result.stderr.trim().split('\n').slice(-2).join(' | ')}`);
    }
    if (result.code === 2 && /is in use by PID/.test(result.stderr)) report.refusedWriters += 1;
  };
  const analyze = () => ['analyze', EXAMPLE, '--home', home, '--out', join(home, 'out'), '--timeout', '120'];

  while (report.kills < options.kills) {
    report.runs += 1;
    const dice = random();
    if (dice < 0.15) {
      // Two writers and a reader at once: one owns the home, the other is refused, the reader reads.
      report.concurrentRuns += 1;
      const results = await Promise.all([
        runAlex(analyze()),
        runAlex(analyze()),
        runAlex(['jobs', 'list', '--home', home]),
      ]);
      results.forEach((result, index) => note(result, `concurrent run ${report.runs}.${index}`));
    } else {
      // A writer killed at a random moment of its life (start, recovery, planning, specialists, writing).
      // Most kills are timed from the job's start, so they land while it is being worked on.
      const child = spawnAlex(analyze());
      const early = random() < 0.2;
      const delay = early ? 200 + Math.floor(random() * 3000) : Math.floor(random() * 2500);
      let timer: NodeJS.Timeout | undefined;
      if (early) timer = setTimeout(() => child.child.kill('SIGKILL'), delay);
      else
        child
          .waitFor(/analysing/, 120_000)
          .then(() => (timer = setTimeout(() => child.child.kill('SIGKILL'), delay)))
          .catch(() => undefined);
      const result = await child.done;
      clearTimeout(timer);
      if (result.signal === 'SIGKILL') report.kills += 1;
      else note(result, `run ${report.runs}`);
    }
    if (random() < 0.2) {
      // A torn write between runs, as a crash in the middle of an append leaves.
      const file = join(home, random() < 0.5 ? 'archive.jsonl' : 'queues.journal');
      if (existsSync(file)) {
        appendFileSync(file, '{"torn":');
        report.corruptions += 1;
      }
    }
    if (report.runs % 5 === 0) {
      const list = await runAlex(['jobs', 'list', '--json', '--limit', '100000', '--home', home]);
      note(list, `jobs list after run ${report.runs}`);
      if (list.code === 0) for (const job of JSON.parse(list.stdout) as Array<{ jobId: string }>) seen.add(job.jobId);
    }
    options.log?.(
      `run ${report.runs}: ${report.kills} kills, ${report.concurrentRuns} concurrent, ${report.corruptions} torn`,
    );
  }

  // One last runtime command finishes whatever the last kill left, then the home is judged.
  const finish = await runAlex(['dlq', 'list', '--home', home]);
  note(finish, 'final dlq list');
  const settle = await runAlex(['replay', '--since', new Date().toISOString(), '--home', home]);
  note(settle, 'final replay');
  const list = await runAlex(['jobs', 'list', '--json', '--limit', '100000', '--home', home]);
  note(list, 'final jobs list');
  const jobs = list.code === 0 ? (JSON.parse(list.stdout) as Array<{ jobId: string; status: string }>) : [];
  const finals = finalAnnouncements(home);
  const present = new Set(jobs.map((job) => job.jobId));
  report.jobs = new Set([...present, ...seen]).size;
  report.lost = [...seen].filter((jobId) => !present.has(jobId)).length;
  for (const job of jobs) {
    const deliveries = finals.get(job.jobId) ?? [];
    const distinct = new Set(deliveries).size;
    const final = ['completed', 'partial', 'failed'].includes(job.status);
    report.redeliveries += deliveries.length - distinct;
    if (!final) {
      report.stuck += 1;
      report.problems.push(`job ${job.jobId} still ${job.status}`);
    } else if (distinct === 1) report.finalExactlyOnce += 1;
    if (distinct > 1) {
      report.duplicateWrites += 1;
      report.problems.push(`job ${job.jobId} announced final as ${distinct} different events`);
    }
  }
  report.seconds = Math.round((Date.now() - started) / 1000);
  return report;
}

/**
 * Each job's AnalysisCompleted / AnalysisFailed deliveries in the archive (replays excluded), one
 * entry per delivery, as `<event id> <detail>`: equal entries are one event delivered again.
 */
function finalAnnouncements(home: string): Map<string, string[]> {
  const deliveries = new Map<string, string[]>();
  const file = join(home, 'archive.jsonl');
  if (!existsSync(file)) return deliveries;
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    if (!line.includes('"Analysis')) continue;
    try {
      const event = JSON.parse(line) as {
        id: string;
        'detail-type': string;
        detail?: { jobId?: string };
        'replay-name'?: string;
      };
      const type = event['detail-type'];
      const jobId = event.detail?.jobId;
      if (isJobEndType(type) && jobId && !event['replay-name'])
        deliveries.set(jobId, [...(deliveries.get(jobId) ?? []), `${event.id} ${JSON.stringify(event.detail)}`]);
    } catch {
      // A torn line is the archive's to report; counted as unreadable by the commands above.
    }
  }
  return deliveries;
}

/**
 * `alex doctor`: checks every state file of a home and, with repair, fixes what can be fixed.
 * Order matters: the archive first (it is the record the rest is rebuilt from), then the queue
 * files, then the stores (a lost database is started anew and its job rows rebuilt from the
 * archive), then job statuses against the archive and the analyses table. Runs under the home's
 * lock, so nothing changes underneath it.
 */
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { json, timestamp } from '#services/common/sql-database.ts';
import { migrate } from '../storage/migrate.ts';
import { cutTornTail, parseArchive } from './archive.ts';
import { type ArchivedJob, isFinal, jobsFromArchive } from './archive-jobs.ts';
import { HOME_FILES, lockHome, statePaths } from './home.ts';
import { JOURNAL_FILE, loadQueueState, SNAPSHOT_FILE, syncFolder } from './queue-journal.ts';
import { describeError, StateDamagedError } from './state-errors.ts';
import { openHomeDatabase } from './stored-state.ts';

export interface Finding {
  file: string;
  ok: boolean;
  /** What was found, in one line. */
  detail: string;
  /** With repair: what was done. */
  repaired?: string;
}

export async function examineHome(home: string, { repair }: { repair: boolean }): Promise<Finding[]> {
  const { lock } = await lockHome(home, repair ? 'doctor --repair' : 'doctor', repair ? 'write' : 'read');
  try {
    const findings: Finding[] = [];
    const archived = checkArchive(home, repair, findings);
    for (const file of [SNAPSHOT_FILE, JOURNAL_FILE]) checkQueueFile(home, file, repair, findings);
    await checkDatabase(home, archived, repair, findings);
    return findings;
  } finally {
    lock.release();
  }
}

function checkArchive(home: string, repair: boolean, findings: Finding[]): ArchivedJob[] {
  const file = statePaths(home).archive;
  if (!existsSync(file)) {
    findings.push({ file, ok: true, detail: 'no events yet' });
    return [];
  }
  const parsed = parseArchive(readFileSync(file, 'utf8'));
  const jobs = jobsFromArchive(parsed.events);
  const problems = [
    ...(parsed.damagedLines.length > 0 ? [`damaged line(s) ${parsed.damagedLines.slice(0, 5).join(', ')}`] : []),
    ...(parsed.tornTailBytes > 0 ? [`a torn last event (${parsed.tornTailBytes} bytes)`] : []),
  ];
  if (problems.length === 0) {
    findings.push({ file, ok: true, detail: `${parsed.events.length} events, ${jobs.length} jobs` });
    return jobs;
  }
  const finding: Finding = { file, ok: false, detail: problems.join('; ') };
  if (repair) {
    cutTornTail(file);
    if (parsed.damagedLines.length > 0) {
      const lines = readFileSync(file, 'utf8').split('\n');
      const damaged = new Set(parsed.damagedLines);
      appendAside(
        join(home, 'archive.damaged.jsonl'),
        lines.filter((_, i) => damaged.has(i + 1)),
      );
      const kept = lines.filter((line, i) => !damaged.has(i + 1) && line !== '');
      writeFileSync(`${file}.tmp`, kept.map((line) => `${line}\n`).join(''));
      renameSync(`${file}.tmp`, file);
      syncFolder(home);
    }
    finding.repaired = `kept ${parsed.events.length} events; damaged lines moved to archive.damaged.jsonl`;
  }
  findings.push(finding);
  return jobs;
}

function checkQueueFile(home: string, name: string, repair: boolean, findings: Finding[]): void {
  const file = join(home, name);
  if (!existsSync(file)) return;
  try {
    const { state, notices } = loadQueueState(home, { repairTornTail: repair });
    const messages = [...state.values()].reduce((sum, queue) => sum + queue.size, 0);
    const torn = notices.find((line) => line.startsWith(file));
    if (torn) findings.push({ file, ok: false, detail: 'a torn last record', ...(repair ? { repaired: 'cut' } : {}) });
    else findings.push({ file, ok: true, detail: `${messages} queued message(s) with the snapshot` });
  } catch (error) {
    if (!(error instanceof StateDamagedError) || error.file !== file) {
      if (error instanceof StateDamagedError) return; // The other queue file's finding says it.
      throw error;
    }
    const finding: Finding = { file, ok: false, detail: error.problem };
    if (repair) {
      renameSync(file, `${file}.damaged-${Date.now()}`);
      finding.repaired = 'set aside; unfinished jobs get deadlines on the next runtime command';
    }
    findings.push(finding);
  }
}

async function checkDatabase(home: string, archived: ArchivedJob[], repair: boolean, findings: Finding[]) {
  const paths = statePaths(home);
  const missing = !existsSync(join(paths.postgres, 'PG_VERSION'));
  let db: Awaited<ReturnType<typeof openHomeDatabase>> | undefined;
  if (missing && archived.length > 0) {
    const finding: Finding = {
      file: paths.postgres,
      ok: false,
      detail: `missing, while the archive holds ${archived.length} jobs`,
    };
    findings.push(finding);
    if (!repair) return;
    rmSync(paths.postgres, { recursive: true, force: true });
    finding.repaired = 'started anew; job rows rebuilt from the archive (analyses and portfolios are not in it)';
  }
  try {
    db = await openHomeDatabase(paths.postgres);
    await migrate(db);
  } catch (error) {
    await db?.close();
    findings.push({ file: paths.postgres, ok: false, detail: describeError(error) });
    return;
  }
  try {
    if (!missing) findings.push({ file: paths.postgres, ok: true, detail: 'opens, migrations applied' });
    const rows = await db.query<{ id: string; status: string; analysis: string | null }>(
      'SELECT j.id, j.status, a.status AS analysis FROM jobs j LEFT JOIN analyses a ON a.job_id = j.id',
    );
    const byId = new Map(rows.map((row) => [row.id, row]));
    let fixed = 0;
    let wrong = 0;
    for (const job of archived) {
      const row = byId.get(job.jobId);
      const truth = row?.analysis ?? (isFinal(job.status) ? job.status : undefined);
      if (row && (!truth || row.status === truth)) continue;
      if (!row && !job.userId) continue;
      wrong += 1;
      if (repair) fixed += await restoreJob(db, job, truth);
    }
    const dynamoMissing = !existsSync(paths.dynamodb) && archived.length > 0;
    findings.push({
      file: `${paths.postgres} (jobs)`,
      ok: wrong === 0,
      detail:
        wrong === 0
          ? `${rows.length} job rows agree with the archive`
          : `${wrong} job row(s) missing or behind the archive`,
      ...(repair && wrong > 0
        ? { repaired: `${fixed} job row(s) rebuilt from the archive and the analyses table` }
        : {}),
    });
    if (dynamoMissing)
      // Only tracking and idempotency records live there; the next runtime command starts it anew.
      findings.push({
        file: join(home, HOME_FILES.dynamo),
        ok: true,
        detail: 'missing; the next runtime command starts it anew (unfinished jobs end at their deadlines)',
      });
  } finally {
    await db.close();
  }
}

/** Inserts or moves forward one job row to what the archive (or its stored analysis) says. */
async function restoreJob(db: Awaited<ReturnType<typeof openHomeDatabase>>, job: ArchivedJob, status?: string) {
  const rows = await db.query(
    `INSERT INTO jobs (id, user_id, status, tasks, requested_at, planned_at, deadline, finished_at, error)
     VALUES (:id::uuid, :userId, :status, :tasks, :requestedAt, :plannedAt, :deadline, :finishedAt, :error)
     ON CONFLICT (id) DO UPDATE SET status = EXCLUDED.status, finished_at = EXCLUDED.finished_at,
       error = COALESCE(EXCLUDED.error, jobs.error), updated_at = now()
     WHERE jobs.status NOT IN ('completed', 'partial', 'failed')
     RETURNING id`,
    {
      id: job.jobId,
      userId: job.userId ?? 'unknown',
      status: status ?? job.status,
      tasks: json(job.tasks),
      requestedAt: timestamp(job.requestedAt),
      plannedAt: job.plannedAt ? timestamp(job.plannedAt) : null,
      deadline: job.deadline ? timestamp(job.deadline) : null,
      finishedAt: job.finishedAt ? timestamp(job.finishedAt) : null,
      error: job.error,
    },
  );
  return rows.length;
}

function appendAside(file: string, lines: string[]): void {
  writeFileSync(file, lines.map((line) => `${line}\n`).join(''), { flag: 'a' });
}

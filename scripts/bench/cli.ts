/**
 * The command line as a user meets it: wall time of `node bin/alex.mjs …` from spawn to exit,
 * median of five, from the JavaScript build (made first, as `npm ci` makes it); and the peak
 * memory of one `alex analyze` of the example, summed over its process tree.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openStoredState } from '#infra/local/stored-state.ts';
import { buildCli, warmDatabaseTemplate } from '#scripts/build.ts';
import { createJob } from '#services/common/job-store.ts';
import { atMost, type BenchResult, median, result } from './results.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const ALEX = join(ROOT, 'bin', 'alex.mjs');
const EXAMPLE = join(ROOT, 'examples', 'portfolio.json');
const RUNS = 5;
export const LISTED_JOBS = 100;

export const CLI_TARGETS = {
  helpMs: atMost(150),
  testPatternMs: atMost(250),
  jobsListMs: atMost(600),
  analyzeColdMs: atMost(3000),
  analyzePeakRssMb: atMost(400),
};

export interface CliMeasurement {
  helpMs: number;
  testPatternMs: number;
  jobsListMs: number;
  analyzeColdMs: number;
  analyzePeakRssMb: number;
}

interface Run {
  wallMs: number;
  peakRssBytes: number;
}

/** Every descendant of `pid` (threads are not processes: a worker thread counts within its process). */
function processTree(pid: number): number[] {
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    try {
      for (const task of readdirSync(`/proc/${tree[i]}/task`)) {
        const children = readFileSync(`/proc/${tree[i]}/task/${task}/children`, 'utf8').trim();
        if (children) tree.push(...children.split(/\s+/).map(Number));
      }
    } catch {
      // The process ended between listing and reading.
    }
  }
  return tree;
}

/** The high-water mark of resident memory (VmHWM), kept by the kernel, so a sample never misses a peak. */
function highWaterBytes(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : 0;
  } catch {
    return 0;
  }
}

/** Runs alex once; fails on a non-zero exit, so a broken command never passes for a fast one. */
function runAlex(args: readonly string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const env = { ...process.env, ALEX_HOME: '', ALEX_FROM_SOURCE: '' };
    const child = spawn(process.execPath, [ALEX, ...args], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    const peaks = new Map<number, number>();
    const sample = () => {
      if (child.pid === undefined) return;
      for (const pid of processTree(child.pid)) peaks.set(pid, Math.max(peaks.get(pid) ?? 0, highWaterBytes(pid)));
    };
    const sampler = setInterval(sample, 20);
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      const wallMs = performance.now() - started;
      clearInterval(sampler);
      const peakRssBytes = [...peaks.values()].reduce((sum, bytes) => sum + bytes, 0);
      if (code === 0) resolve({ wallMs, peakRssBytes });
      else reject(new Error(`alex ${args.join(' ')} exited ${code}: ${stderr.trim()}`));
    });
  });
}

async function medianWall(args: readonly string[], cwd: string): Promise<number> {
  const walls: number[] = [];
  for (let i = 0; i < RUNS; i++) walls.push((await runAlex(args, cwd)).wallMs);
  return median(walls);
}

/** A state folder holding `count` jobs, written through the job store as the planner writes them. */
async function homeWithJobs(home: string, count: number): Promise<void> {
  const state = await openStoredState(home);
  try {
    const base = Date.parse('2026-01-05T09:00:00Z');
    for (let i = 0; i < count; i++) {
      await createJob(state.db, {
        id: randomUUID(),
        userId: `bench-user-${i % 7}`,
        tasks: [],
        requestedAt: new Date(base + i * 60_000).toISOString(),
        deadline: new Date(base + i * 60_000 + 30_000).toISOString(),
      });
    }
  } finally {
    await state.close();
  }
}

export async function measureCli(progress: (message: string) => void): Promise<CliMeasurement> {
  progress('command line: building it, as npm ci does');
  await buildCli();
  await warmDatabaseTemplate();
  const dir = mkdtempSync(join(tmpdir(), 'alex-bench-cli-'));
  try {
    writeFileSync(
      join(dir, 'pattern.json'),
      JSON.stringify({ source: ['alex.planner'], detail: { total: [{ numeric: ['>', 100] }] } }),
    );
    writeFileSync(
      join(dir, 'event.json'),
      JSON.stringify({
        id: randomUUID(),
        'detail-type': 'AnalysisRequested',
        source: 'alex.planner',
        account: '000000000000',
        time: '2026-01-05T09:00:00Z',
        region: 'us-east-1',
        resources: [],
        detail: { total: 250 },
      }),
    );
    progress(`command line: --help, test-pattern, jobs list (${LISTED_JOBS} jobs), ${RUNS} runs each`);
    const helpMs = await medianWall(['--help'], dir);
    const testPatternMs = await medianWall(
      ['events', 'test-pattern', '--pattern', 'pattern.json', '--event', 'event.json'],
      dir,
    );
    await homeWithJobs(join(dir, 'listed'), LISTED_JOBS);
    const jobsListMs = await medianWall(['jobs', 'list', '--home', 'listed', '--limit', String(LISTED_JOBS)], dir);

    progress(`command line: analyze the example in a fresh state folder, ${RUNS} times`);
    const cold: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      cold.push(await runAlex(['analyze', EXAMPLE, '--home', `cold-${i}`, '--out', `out-${i}`], dir));
    }
    return {
      helpMs,
      testPatternMs,
      jobsListMs,
      analyzeColdMs: median(cold.map((run) => run.wallMs)),
      // The largest of the runs: a limit on memory is about the worst case.
      analyzePeakRssMb: Math.max(...cold.map((run) => run.peakRssBytes)) / 1_000_000,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export function cliResults(measured: CliMeasurement): BenchResult[] {
  return [
    result('cli.helpMs', measured.helpMs, 'ms', CLI_TARGETS.helpMs, 0),
    result('cli.testPatternMs', measured.testPatternMs, 'ms', CLI_TARGETS.testPatternMs, 0),
    result('cli.jobsListMs', measured.jobsListMs, 'ms', CLI_TARGETS.jobsListMs, 0),
    result('cli.analyzeColdMs', measured.analyzeColdMs, 'ms', CLI_TARGETS.analyzeColdMs, 0),
    result('cli.analyzePeakRssMb', measured.analyzePeakRssMb, 'MB', CLI_TARGETS.analyzePeakRssMb, 0),
  ];
}

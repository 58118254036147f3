/**
 * npm run -s reliability -- [--jobs N] [--seed S] [--faults JSON] [--json]
 * npm run -s reliability -- --processes [--kills N] [--seed S]   (real processes, kill -9; JSON)
 * Runs N analyses (default 200) under injected faults, then replays the whole archive, and
 * prints what was lost, written twice, or repeated (all must be 0) and what happened.
 * Exits 1 when something that must never happen did.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_FAULTS, runReliability } from './reliability/run.ts';

const { values } = parseArgs({
  options: {
    jobs: { type: 'string' },
    seed: { type: 'string' },
    faults: { type: 'string' },
    json: { type: 'boolean' },
    processes: { type: 'boolean' },
    kills: { type: 'string' },
  },
});
if (values.processes) {
  // Real processes on one home: kill -9, concurrent writers, torn files (scripts/reliability/processes.ts).
  const { runProcessFaults } = await import('./reliability/processes.ts');
  const kills = values.kills === undefined ? 50 : Number(values.kills);
  const seed = values.seed === undefined ? 20261121 : Number(values.seed);
  const report = await runProcessFaults({ kills, seed, log: (line) => process.stderr.write(`${line}\n`) });
  const { home: _home, ...figures } = report;
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
  process.exit(report.stuck + report.lost + report.duplicateWrites + report.unreadableHomes > 0 ? 1 : 0);
}
const jobs = values.jobs === undefined ? 200 : Number(values.jobs);
const seed = values.seed === undefined ? 20261121 : Number(values.seed);
if (!Number.isInteger(jobs) || jobs < 1 || !Number.isInteger(seed)) {
  process.stderr.write('usage: npm run reliability -- [--jobs N] [--seed S] [--json]   (N a positive whole number)\n');
  process.exit(2);
}
// --faults overrides any of the defaults, e.g. '{"crashRate":0.3,"duplicateRate":1}'.
let faults = DEFAULT_FAULTS;
if (values.faults !== undefined) {
  try {
    faults = { ...DEFAULT_FAULTS, ...(JSON.parse(values.faults) as object) };
  } catch (error) {
    process.stderr.write(`--faults is not valid JSON: ${(error as Error).message}\n`);
    process.exit(2);
  }
}
process.stderr.write(`reliability: ${jobs} analyses with faults ${JSON.stringify(faults)}\n`);
const report = await runReliability({ jobs, seed, faults, deadlineSeconds: 30 });
const broken =
  report.lost +
  report.duplicateWrites +
  report.duplicateAnnouncements +
  report.replay.newWrites +
  report.replay.modelCalls +
  report.replay.newAnnouncements;
if (values.json) process.stdout.write(JSON.stringify(report, null, 2) + '\n');
else {
  const line = (name: string, value: unknown, must?: string) =>
    process.stdout.write(`${name.padEnd(26)} ${String(value).padStart(6)}${must ? `   (${must})` : ''}\n`);
  line('submitted', report.submitted);
  line('completed', report.completed);
  line('partial', report.partial);
  line('failed', report.failed);
  line('lost', report.lost, 'must be 0');
  line('duplicate writes', report.duplicateWrites, 'must be 0');
  line('duplicate announcements', report.duplicateAnnouncements, 'must be 0');
  line('model calls', report.modelCalls);
  line('expected model calls', report.expectedModelCalls);
  line('throttled model calls', report.throttledModelCalls);
  line('DLQ entries', report.dlq.length);
  for (const entry of report.dlq) process.stdout.write(`  ${entry.queue}: ${entry.reason}\n`);
  line('replayed events', report.replay.replayed);
  line('replay: new writes', report.replay.newWrites, 'must be 0');
  line('replay: model calls', report.replay.modelCalls, 'must be 0');
  line('seconds', report.seconds);
}
process.exitCode = broken > 0 ? 1 : 0;

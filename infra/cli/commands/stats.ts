/**
 * `alex stats`: the figures the AWS dashboard shows, from the metrics the services kept in the
 * state folder (EMF documents, as CloudWatch would read them) and the dead-letter queues.
 */
import { existsSync } from 'node:fs';
import { deadLettersInFiles } from '../../local/dead-letters.ts';
import { statePaths } from '../../local/home.ts';
import { parseReplayTime } from '../../local/replay.ts';
import { readMetricValues, type Stats, statsOf } from '../../telemetry/metrics-file.ts';
import { type Command, EXIT, parse, stateHome, UsageError } from '../cli-kit.ts';

const USAGE = `Usage: alex stats [--since TIME] [--home DIR] [--json]

Analyses completed, partial and failed; each service's records and their latency (p50, p95,
max); model tokens and estimated cost; dead letters sent for bad input, and what the DLQs hold
now. The same metrics the services publish to CloudWatch on AWS (namespace Alex).

  --since TIME  only metrics published at or after TIME (ISO 8601, e.g. 2026-11-30T09:00:00Z)
  --home DIR    state folder (default ./.alex, or ALEX_HOME)
  --json        print the figures as JSON`;

export const statsCommand: Command = {
  name: 'stats',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parse(
      argv,
      { since: { type: 'string' }, home: { type: 'string' }, json: { type: 'boolean' } },
      this,
    );
    if (values.help) {
      io.out(USAGE);
      return EXIT.ok;
    }
    if (positionals.length > 0) throw new UsageError(`stats takes no positional arguments\n\n${USAGE}`);
    const since = values.since === undefined ? undefined : parseReplayTime(values.since, '--since');
    const home = stateHome(values.home, io);
    const stats = statsOf(readMetricValues(statePaths(home).metrics, since));
    const inDeadLetterQueues = existsSync(home) ? deadLettersInFiles(home).length : 0;
    if (values.json) {
      io.out(JSON.stringify({ ...stats, inDeadLetterQueues }, null, 2));
      return EXIT.ok;
    }
    for (const line of statsLines(stats, inDeadLetterQueues)) io.out(line);
    return EXIT.ok;
  },
};

export function statsLines(stats: Stats, inDeadLetterQueues: number): string[] {
  const { analyses, model } = stats;
  const lines = [
    `Analyses      ${analyses.completed} completed, ${analyses.partial} partial, ${analyses.failed} failed`,
    `Model         ${model.inputTokens} input + ${model.outputTokens} output tokens, ${costText(model)}`,
    `Dead letters  ${stats.deadLetters} sent for bad input; ${inDeadLetterQueues} in the DLQs now`,
    '',
    `${'Stage'.padEnd(12)} ${'records'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p95 ms'.padStart(8)} ${'max ms'.padStart(8)}`,
  ];
  for (const stage of stats.stages) {
    lines.push(
      `${stage.service.padEnd(12)} ${String(stage.records).padStart(8)} ${String(stage.p50Ms).padStart(8)} ${String(stage.p95Ms).padStart(8)} ${String(stage.maxMs).padStart(8)}`,
    );
  }
  if (stats.stages.length === 0) lines.push('(no records handled yet in this state folder)');
  return lines;
}

/** A cost with calls to unpriced models is unknown: say so, and what the priced calls came to. */
function costText(model: Stats['model']): string {
  if (model.estimatedCostUsd !== null) return `estimated $${model.estimatedCostUsd.toFixed(6)}`;
  const calls = `${model.unpricedCalls} call${model.unpricedCalls === 1 ? '' : 's'}`;
  return `cost unknown: ${calls} to models without a listed price (the priced calls: $${model.pricedCostUsd.toFixed(6)})`;
}

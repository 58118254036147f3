/**
 * The cost of one analysis, from an instrumented run of analyses one at a time (so each
 * handler's duration is its own, not shared with others on the event loop), beside the
 * design Alex replaces.
 */
import type { LocalRuntime } from '#infra/local/runtime.ts';
import { type AnalysisUsage, type CostBreakdown, costOfAnalysis, costOfOriginal } from './cost.ts';
import { JobWatcher } from './e2e.ts';
import { atMost, type BenchResult, result } from './results.ts';
import { instrument, type UsageCounts, usagePerAnalysis } from './usage.ts';

export const COST_RATIO_TARGET = 0.1;

export interface CostStats {
  analyses: number;
  usage: AnalysisUsage;
  counts: UsageCounts;
  cost: CostBreakdown;
  original: CostBreakdown;
}

export async function measureCost(runtime: LocalRuntime, userId: string, analyses: number): Promise<CostStats> {
  const usage = instrument(runtime);
  const watcher = new JobWatcher(runtime);
  try {
    // One analysis first, uncounted, so every hook has run once and the tagger has had its turn.
    await watcher.submit(userId);
    await runtime.idle();
    usage.reset();
    for (let i = 0; i < analyses; i++) {
      await watcher.submit(userId);
      // The aggregator marks the job published after AnalysisCompleted: count that too.
      await runtime.idle();
    }
  } finally {
    watcher.close();
  }
  const perAnalysis = usagePerAnalysis(usage.counts, analyses);
  return {
    analyses,
    usage: perAnalysis,
    counts: usage.counts,
    cost: costOfAnalysis(perAnalysis),
    original: costOfOriginal(),
  };
}

export function costResults(stats: CostStats): BenchResult[] {
  return [
    result('cost.perAnalysisUsd', stats.cost.total, 'USD', undefined, 8),
    result('cost.originalPerAnalysisUsd', stats.original.total, 'USD', undefined, 6),
    result('cost.ratioToOriginal', stats.cost.total / stats.original.total, 'ratio', atMost(COST_RATIO_TARGET), 5),
  ];
}

/** The usage and cost behind the figures, for people reading the table. */
export function describeCost(stats: CostStats): string {
  const { usage, cost, counts, analyses } = stats;
  const fmt = (n: number) => (n === 0 ? '0' : n < 0.001 ? n.toExponential(2) : n.toFixed(n < 10 ? 3 : 1));
  const lines = [`Per analysis (counted over ${analyses} analyses run one at a time):`];
  for (const [name, fn] of Object.entries(usage.functions)) {
    const durations = counts.durationsMs[name as keyof typeof counts.durationsMs];
    const mean = durations.reduce((a, b) => a + b, 0) / Math.max(1, durations.length);
    lines.push(
      `  lambda ${name.padEnd(10)} ${fmt(fn.invocations)} invocations, ${fmt(fn.billedMs)} billed ms at ${fn.memoryMb} MB (mean ${mean.toFixed(1)} ms per invocation)`,
    );
  }
  lines.push(
    `  SQS requests ${fmt(usage.sqsRequests)}; EventBridge events ${fmt(usage.eventBridgeEvents)} (${fmt(usage.archivedBytes / 1024)} KB archived)`,
    `  DynamoDB ${fmt(usage.dynamoReadUnits)} read units, ${fmt(usage.dynamoWriteUnits)} write units (${Object.entries(
      counts.dynamoCalls,
    )
      .map(([command, n]) => `${command.replace(/Command$/, '')} ${fmt(n / analyses)}`)
      .join(', ')})`,
    `  Data API requests ${fmt(usage.dataApiRequests)} (${fmt(counts.sqlStatements / analyses)} statements, ${fmt(counts.sqlTransactions / analyses)} transactions)`,
    `  USD: lambda ${fmt(cost.lambdaCompute + cost.lambdaRequests)}, SQS ${fmt(cost.sqs)}, EventBridge ${fmt(cost.eventBridge)}, DynamoDB ${fmt(cost.dynamo)}, Data API ${fmt(cost.dataApi)}; total ${fmt(cost.total)}`,
    `  original design: ${fmt(stats.original.total)} USD (Lambda only)`,
  );
  return lines.join('\n');
}

/**
 * The local runtime's metrics: each EMF document the services publish is one JSON line in the
 * state folder (appended whole, so the main thread and worker threads share the file), and
 * `alex stats` folds them into the figures the AWS dashboard shows.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import { METRIC, METRICS_NAMESPACE } from '#services/common/metrics.ts';

type EmfLine = {
  service?: string;
  _aws?: { Timestamp?: number; CloudWatchMetrics?: Array<{ Namespace?: string; Metrics?: Array<{ Name: string }> }> };
  [metric: string]: unknown;
};

export function metricsFileSink(file: string): (document: object) => void {
  return (document) => appendFileSync(file, `${JSON.stringify(document)}\n`);
}

/** Every value of every Alex metric in the file, by service then metric name; a torn line is skipped. */
export function readMetricValues(file: string, since?: Date): Map<string, Map<string, number[]>> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return new Map();
    throw error;
  }
  const values = new Map<string, Map<string, number[]>>();
  for (const line of text.split('\n')) {
    let document: EmfLine;
    try {
      document = JSON.parse(line) as EmfLine;
    } catch {
      continue;
    }
    if (since && (document._aws?.Timestamp ?? 0) < since.getTime()) continue;
    const service = String(document.service ?? 'unknown').replace(/^alex-/, '');
    for (const directive of document._aws?.CloudWatchMetrics ?? []) {
      if (directive.Namespace !== METRICS_NAMESPACE) continue;
      for (const { Name } of directive.Metrics ?? []) {
        const raw = document[Name];
        const list = (Array.isArray(raw) ? raw : [raw]).filter((v): v is number => typeof v === 'number');
        const byName = values.get(service) ?? new Map<string, number[]>();
        byName.set(Name, [...(byName.get(Name) ?? []), ...list]);
        values.set(service, byName);
      }
    }
  }
  return values;
}

export interface Stats {
  analyses: { completed: number; partial: number; failed: number };
  /** Per service: records handled and their latency (ms). */
  stages: Array<{ service: string; records: number; p50Ms: number; p95Ms: number; maxMs: number }>;
  /**
   * estimatedCostUsd is null (unknown, not zero) once any call went to a model without a listed
   * price; pricedCostUsd is what the priced calls cost, and unpricedCalls how many were not.
   */
  model: {
    inputTokens: number;
    outputTokens: number;
    estimatedCostUsd: number | null;
    pricedCostUsd: number;
    unpricedCalls: number;
  };
  deadLetters: number;
}

export function statsOf(values: Map<string, Map<string, number[]>>): Stats {
  const total = (name: string) =>
    [...values.values()].reduce((sum, byName) => sum + (byName.get(name) ?? []).reduce((a, b) => a + b, 0), 0);
  const stages = [...values.entries()]
    .filter(([, byName]) => (byName.get(METRIC.stageLatency) ?? []).length > 0)
    .map(([service, byName]) => {
      const sorted = [...byName.get(METRIC.stageLatency)!].sort((a, b) => a - b);
      return {
        service,
        records: sorted.length,
        p50Ms: percentile(sorted, 0.5),
        p95Ms: percentile(sorted, 0.95),
        maxMs: sorted.at(-1)!,
      };
    });
  const pricedCostUsd = Math.round(total(METRIC.cost) * 1e6) / 1e6;
  const unpricedCalls = total(METRIC.unpricedCalls);
  return {
    analyses: { completed: total(METRIC.completed), partial: total(METRIC.partial), failed: total(METRIC.failed) },
    stages,
    model: {
      inputTokens: total(METRIC.inputTokens),
      outputTokens: total(METRIC.outputTokens),
      estimatedCostUsd: unpricedCalls > 0 ? null : pricedCostUsd,
      pricedCostUsd,
      unpricedCalls,
    },
    deadLetters: total(METRIC.deadLetters),
  };
}

/** Nearest-rank percentile (the smallest value with at least p of the values at or below it). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)]!;
}

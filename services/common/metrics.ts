/**
 * Business metrics as CloudWatch embedded metric format (Powertools Metrics), namespace `Alex`,
 * one `service` dimension: analyses completed / partial / failed, per-stage latency, model
 * tokens and estimated cost, DLQ arrivals. Handlers add; each batch publishes once at its end.
 * On Lambda the EMF lines go to stdout (CloudWatch Logs turns them into metrics); locally the
 * runtime sets a sink that keeps them in the state folder for `alex stats`; elsewhere (tests,
 * a runtime without a home) nothing is kept.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { ModelCallRecord } from './model/port.ts';

export const METRICS_NAMESPACE = 'Alex';

export const METRIC = {
  completed: 'AnalysesCompleted',
  partial: 'AnalysesPartial',
  failed: 'AnalysesFailed',
  /** Milliseconds a service's handler spent on one record: the job's stage at that service. */
  stageLatency: 'StageLatency',
  inputTokens: 'ModelInputTokens',
  outputTokens: 'ModelOutputTokens',
  /** US dollars, from MODEL_PRICES; a model without a listed price adds nothing. */
  cost: 'ModelCostUsd',
  /** Records a handler sent straight to its DLQ (bad input); redrive-policy moves show as DLQ depth. */
  deadLetters: 'DeadLetters',
} as const;

/** Amazon Nova Lite on demand, US dollars per 1,000 tokens (us-east-1 list price as of 2025-06-01). */
export const NOVA_LITE_PRICE = { inputPer1k: 0.00006, outputPer1k: 0.00024 } as const;

/**
 * On-demand prices per 1,000 tokens by the model id's start; the monthly cost benchmark
 * (scripts/bench/monthly.ts) reads Nova Lite's from here too.
 */
export const MODEL_PRICES: ReadonlyArray<{ match: RegExp; inputPer1k: number; outputPer1k: number }> = [
  { match: /^bedrock:(us\.|eu\.|apac\.)?amazon\.nova-lite/, ...NOVA_LITE_PRICE },
  { match: /^offline$/, inputPer1k: 0, outputPer1k: 0 },
];

/** A published EMF document (what Metrics.serializeMetrics returns). */
export type EmfDocument = ReturnType<Metrics['serializeMetrics']>;

let sink: ((document: EmfDocument) => void) | undefined;
const byService = new Map<string, Metrics>();

/** Where this thread's EMF documents go instead of stdout (the local runtime's state folder). */
export function setMetricsSink(next: ((document: EmfDocument) => void) | undefined): void {
  sink = next;
}

function publishing(): boolean {
  return sink !== undefined || process.env.AWS_LAMBDA_FUNCTION_NAME !== undefined;
}

function metricsOf(service: string): Metrics {
  let metrics = byService.get(service);
  if (!metrics) {
    metrics = new Metrics({ namespace: METRICS_NAMESPACE, serviceName: `alex-${service}` });
    byService.set(service, metrics);
  }
  return metrics;
}

type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

export function addMetric(service: string, name: string, unit: Unit, value: number): void {
  if (!publishing()) return;
  metricsOf(service).addMetric(name, unit, value);
}

export function countMetric(service: string, name: string): void {
  addMetric(service, name, MetricUnit.Count, 1);
}

export function addLatency(service: string, milliseconds: number): void {
  addMetric(service, METRIC.stageLatency, MetricUnit.Milliseconds, Math.round(milliseconds));
}

/** A job's end, counted by how it ended once its announcement is published (by emit or the outbox relay). */
export function countOutcome(source: string, detailType: string, detail: unknown): void {
  const service = source.replace(/^alex\./, '');
  if (detailType === 'AnalysisFailed') countMetric(service, METRIC.failed);
  if (detailType === 'AnalysisCompleted') {
    countMetric(service, (detail as { status?: string }).status === 'partial' ? METRIC.partial : METRIC.completed);
  }
}

/** Tokens and estimated cost of one model call (the audit record's figures). */
export function addModelCall(record: ModelCallRecord): void {
  if (!publishing()) return;
  const input = record.inputTokens ?? 0;
  const output = record.outputTokens ?? 0;
  addMetric(record.service, METRIC.inputTokens, MetricUnit.Count, input);
  addMetric(record.service, METRIC.outputTokens, MetricUnit.Count, output);
  const price = MODEL_PRICES.find((entry) => entry.match.test(record.model));
  if (price) {
    const usd = (input / 1000) * price.inputPer1k + (output / 1000) * price.outputPer1k;
    addMetric(record.service, METRIC.cost, MetricUnit.NoUnit, usd);
  }
}

/** Publishes what this thread's services stored (at the end of a batch). */
export function publishMetrics(): void {
  for (const metrics of byService.values()) {
    if (!metrics.hasStoredMetrics()) continue;
    if (!sink) {
      metrics.publishStoredMetrics();
      continue;
    }
    const document = metrics.serializeMetrics();
    metrics.clearMetrics();
    sink(document);
  }
}

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
import { BEDROCK_PRICES, costOf, priceOf } from './model/prices.ts';

export const METRICS_NAMESPACE = 'Alex';

export const METRIC = {
  completed: 'AnalysesCompleted',
  partial: 'AnalysesPartial',
  failed: 'AnalysesFailed',
  /** Milliseconds a service's handler spent on one record: the job's stage at that service. */
  stageLatency: 'StageLatency',
  inputTokens: 'ModelInputTokens',
  outputTokens: 'ModelOutputTokens',
  /** US dollars, from the vendored price table (model/prices.ts), for the calls to a listed model. */
  cost: 'ModelCostUsd',
  /** Calls to a model without a listed price: while any are counted, the total cost is unknown. */
  unpricedCalls: 'ModelCallsUnpriced',
  /** Records a handler sent straight to its DLQ (bad input); redrive-policy moves show as DLQ depth. */
  deadLetters: 'DeadLetters',
} as const;

/** Amazon Nova Lite on demand (the default model), from the vendored table; the monthly cost benchmark reads it. */
export const NOVA_LITE_PRICE = BEDROCK_PRICES['amazon.nova-lite-v1:0']!;

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
  const price = priceOf(record.model);
  if (price) addMetric(record.service, METRIC.cost, MetricUnit.NoUnit, costOf(price, input, output));
  else countMetric(record.service, METRIC.unpricedCalls);
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

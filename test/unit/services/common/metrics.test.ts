import { afterEach, describe, expect, it } from 'vitest';
import { statsLines } from '#infra/cli/commands/stats.ts';
import { percentile, statsOf } from '#infra/telemetry/metrics-file.ts';
import {
  addLatency,
  addModelCall,
  countOutcome,
  type EmfDocument,
  METRIC,
  publishMetrics,
  setMetricsSink,
} from '#services/common/metrics.ts';
import type { ModelCallRecord } from '#services/common/model/port.ts';

const call = (model: string, inputTokens: number, outputTokens: number): ModelCallRecord => ({
  service: 'reporter',
  model,
  purpose: 'write-report',
  attempt: 1,
  promptSha256: 'a'.repeat(64),
  responseSha256: null,
  inputTokens,
  outputTokens,
  latencyMs: 5,
  at: '2026-11-30T00:00:00.000Z',
  verdicts: { outcome: 'accepted', injection: [], cut: [] },
});

function collect(): EmfDocument[] {
  const documents: EmfDocument[] = [];
  setMetricsSink((document) => documents.push(document));
  return documents;
}

afterEach(() => setMetricsSink(undefined));

describe('business metrics (EMF)', () => {
  it('publishes one EMF document per service per batch, in the Alex namespace with a service dimension', () => {
    const documents = collect();
    addLatency('charter', 12.4);
    addLatency('charter', 30);
    countOutcome('alex.aggregator', 'AnalysisCompleted', { status: 'partial' });
    publishMetrics();
    expect(documents).toHaveLength(2);
    const charter = documents.find((d) => d.service === 'alex-charter')!;
    expect(charter._aws.CloudWatchMetrics[0]).toMatchObject({
      Namespace: 'Alex',
      Dimensions: [['service']],
      Metrics: [{ Name: 'StageLatency', Unit: 'Milliseconds' }],
    });
    expect(charter[METRIC.stageLatency]).toEqual([12, 30]);
    const aggregator = documents.find((d) => d.service === 'alex-aggregator')!;
    expect(aggregator[METRIC.partial]).toBe(1);
    // Published once: a second publish with nothing new writes nothing.
    publishMetrics();
    expect(documents).toHaveLength(2);
  });

  it('prices Nova Lite calls at the published $0.00006 / $0.00024 per 1k tokens', () => {
    const documents = collect();
    // docs/aws.md: 4,000 input and 1,000 output Nova Lite tokens cost $0.00048.
    addModelCall(call('bedrock:us.amazon.nova-lite-v1:0', 4000, 1000));
    addModelCall(call('openai:llama3.1', 10, 20)); // no listed price: tokens, and counted as unpriced
    publishMetrics();
    const [reporter] = documents;
    expect(reporter![METRIC.inputTokens]).toEqual([4000, 10]);
    expect(reporter![METRIC.outputTokens]).toEqual([1000, 20]);
    expect(reporter![METRIC.cost]).toBeCloseTo(0.00048, 10);
    expect(reporter![METRIC.unpricedCalls]).toBe(1);
  });

  it('prices a configured Claude model through its inference profile id, from the vendored table', () => {
    const documents = collect();
    // Claude 3.5 Haiku at $0.0008 / $0.004 per 1k: 2,000 in and 500 out cost 0.0016 + 0.002 = $0.0036.
    addModelCall(call('bedrock:eu.anthropic.claude-3-5-haiku-20241022-v1:0', 2000, 500));
    publishMetrics();
    expect(documents[0]![METRIC.cost]).toBeCloseTo(0.0036, 10);
    expect(documents[0]![METRIC.unpricedCalls]).toBeUndefined();
  });

  it('keeps nothing when neither a sink nor Lambda asks for metrics', () => {
    const documents: EmfDocument[] = [];
    addLatency('charter', 1);
    setMetricsSink((document) => documents.push(document));
    publishMetrics();
    expect(documents).toEqual([]);
  });
});

describe('alex stats figures', () => {
  it('takes nearest-rank percentiles', () => {
    // 20 values 1..20: p50 is the 10th, p95 the 19th.
    const values = Array.from({ length: 20 }, (_, i) => i + 1);
    expect(percentile(values, 0.5)).toBe(10);
    expect(percentile(values, 0.95)).toBe(19);
  });

  it('sums counts across services and keeps each service stage apart', () => {
    const stats = statsOf(
      new Map<string, Map<string, number[]>>([
        [
          'aggregator',
          new Map<string, number[]>([
            [METRIC.completed, [1, 1]],
            [METRIC.stageLatency, [4, 2]],
          ]),
        ],
        [
          'planner',
          new Map<string, number[]>([
            [METRIC.failed, [1]],
            [METRIC.deadLetters, [1]],
          ]),
        ],
      ]),
    );
    expect(stats.analyses).toEqual({ completed: 2, partial: 0, failed: 1 });
    expect(stats.deadLetters).toBe(1);
    expect(stats.stages).toEqual([{ service: 'aggregator', records: 2, p50Ms: 2, p95Ms: 4, maxMs: 4 }]);
  });

  it('reports the cost as unknown, not zero, once a call went to a model without a listed price', () => {
    const priced = statsOf(new Map([['reporter', new Map([[METRIC.cost, [0.00048, 0.0036]]])]]));
    expect(priced.model).toMatchObject({ estimatedCostUsd: 0.00408, pricedCostUsd: 0.00408, unpricedCalls: 0 });
    const mixed = statsOf(
      new Map([
        [
          'reporter',
          new Map([
            [METRIC.cost, [0.00048]],
            [METRIC.unpricedCalls, [1, 1]],
          ]),
        ],
      ]),
    );
    expect(mixed.model).toMatchObject({ estimatedCostUsd: null, pricedCostUsd: 0.00048, unpricedCalls: 2 });
    expect(statsLines(mixed, 0)[1]).toBe(
      'Model         0 input + 0 output tokens, cost unknown: 2 calls to models without a listed price ' +
        '(the priced calls: $0.000480)',
    );
  });
});

/** The dashboard shows the services' own metrics (namespace Alex) beside the queue metrics. */
import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '#infra/cdk/config.ts';
import { MonitoringStack } from '#infra/cdk/stacks/monitoring-stack.ts';

function dashboardBody(): string {
  const stack = new MonitoringStack(new App(), 'Monitoring', { config: resolveConfig({}) });
  const [dashboard] = Object.values(Template.fromStack(stack).findResources('AWS::CloudWatch::Dashboard'));
  const body = (dashboard as { Properties: { DashboardBody: unknown } }).Properties.DashboardBody;
  // The body is a Fn::Join of literal pieces and tokens (the region); the literals hold the widgets.
  return JSON.stringify(body).replaceAll('\\"', '"');
}

describe('the monitoring dashboard', () => {
  const body = dashboardBody();

  it('graphs analyses by outcome from the aggregator and the planner', () => {
    for (const [metric, service] of [
      ['AnalysesCompleted', 'alex-aggregator'],
      ['AnalysesPartial', 'alex-aggregator'],
      ['AnalysesFailed', 'alex-aggregator'],
      ['AnalysesFailed', 'alex-planner'],
    ]) {
      expect(body).toContain(`["Alex","${metric}","service","${service}"`);
    }
  });

  it("graphs every service's stage latency and dead letters, and the model users' tokens and cost", () => {
    for (const service of ['planner', 'tagger', 'reporter', 'charter', 'retirement', 'aggregator']) {
      expect(body).toContain(`["Alex","StageLatency","service","alex-${service}"`);
      expect(body).toContain(`["Alex","DeadLetters","service","alex-${service}"`);
    }
    for (const service of ['tagger', 'reporter']) {
      for (const metric of ['ModelInputTokens', 'ModelOutputTokens', 'ModelCostUsd', 'ModelCallsUnpriced']) {
        expect(body).toContain(`["Alex","${metric}","service","alex-${service}"`);
      }
    }
  });

  it('keeps the queue metrics', () => {
    expect(body).toContain('"AWS/SQS","ApproximateNumberOfMessagesVisible","QueueName","alex-jobs"');
  });
});

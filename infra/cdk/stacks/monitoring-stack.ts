/**
 * One CloudWatch dashboard for the whole system, built from names only (functions and queues
 * have fixed names), so it deploys alone and a service change never touches it.
 */
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
import { METRIC, METRICS_NAMESPACE } from '#services/common/metrics.ts';
import { JOBS_QUEUE, type ServiceSpec, specsOf } from '../../topology.ts';
import type { AlexConfig } from '../config.ts';
import { DASHBOARD_NAME, deadLetterQueueName, functionName } from '../names.ts';

const PERIOD = Duration.minutes(5);

function lambdaMetric(metricName: string, fn: string, statistic: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/Lambda',
    metricName,
    dimensionsMap: { FunctionName: fn },
    statistic,
    period: PERIOD,
  });
}

/** A business metric the services publish as EMF (services/common/metrics.ts), for one service. */
function alexMetric(metricName: string, service: string, statistic: string, label?: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: `alex-${service}` },
    statistic,
    period: PERIOD,
    label: label ?? `${service} ${metricName}`,
  });
}

function queueMetric(metricName: string, queueName: string, label: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/SQS',
    metricName,
    dimensionsMap: { QueueName: queueName },
    statistic: 'Maximum',
    period: PERIOD,
    label,
  });
}

export interface MonitoringStackProps extends StackProps {
  config: AlexConfig;
  /** One row each; the registry's services by default. */
  services?: readonly ServiceSpec[];
}

export class MonitoringStack extends Stack {
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: MonitoringStackProps) {
    super(scope, id, props);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: DASHBOARD_NAME,
      defaultInterval: Duration.hours(3),
    });
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown:
          '# Alex\nPer service: invocations, errors, duration; its queue depth, oldest message age and DLQ depth. ' +
          'Below: analyses, stage latency, model tokens and cost, dead letters.',
        width: 24,
        height: 2,
      }),
      this.queueRow('jobs', JOBS_QUEUE.name),
    );
    for (const { name: service, queue } of props.services ?? specsOf()) {
      const fn = functionName(service);
      const queueName = queue.name;
      this.dashboard.addWidgets(
        new cloudwatch.GraphWidget({
          title: `${service}: invocations and errors`,
          left: [
            lambdaMetric('Invocations', fn, 'Sum'),
            lambdaMetric('Errors', fn, 'Sum'),
            lambdaMetric('Throttles', fn, 'Sum'),
          ],
          width: 8,
        }),
        new cloudwatch.GraphWidget({
          title: `${service}: duration`,
          left: [lambdaMetric('Duration', fn, 'p50'), lambdaMetric('Duration', fn, 'p99')],
          width: 8,
        }),
        this.queueRow(service, queueName),
      );
    }
    this.addBusinessRow(props.services ?? specsOf());
    const model = { ModelId: props.config.modelId };
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'model latency',
        left: [
          new cloudwatch.Metric({
            namespace: 'AWS/Bedrock',
            metricName: 'InvocationLatency',
            dimensionsMap: model,
            statistic: 'p90',
            period: PERIOD,
          }),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'model tokens',
        left: ['InputTokenCount', 'OutputTokenCount'].map(
          (metricName) =>
            new cloudwatch.Metric({
              namespace: 'AWS/Bedrock',
              metricName,
              dimensionsMap: model,
              statistic: 'Sum',
              period: PERIOD,
            }),
        ),
        width: 12,
      }),
    );
  }

  /** Analyses by outcome, each stage's latency, model tokens and cost, dead letters: the services' own metrics. */
  private addBusinessRow(services: readonly ServiceSpec[]): void {
    const names = services.map((service) => service.name);
    const modelUsers = services.filter((service) => service.needs.model).map((service) => service.name);
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown:
          '## Analyses\nOutcomes, stage latency, model tokens and estimated cost, dead letters (namespace Alex).',
        width: 24,
        height: 1,
      }),
      new cloudwatch.GraphWidget({
        title: 'analyses by outcome',
        left: [
          alexMetric(METRIC.completed, 'aggregator', 'Sum', 'completed'),
          alexMetric(METRIC.partial, 'aggregator', 'Sum', 'partial'),
          alexMetric(METRIC.failed, 'aggregator', 'Sum', 'failed (aggregator)'),
          alexMetric(METRIC.failed, 'planner', 'Sum', 'failed (planner)'),
        ],
        width: 6,
      }),
      new cloudwatch.GraphWidget({
        title: 'stage latency p90 (ms)',
        left: names.map((service) => alexMetric(METRIC.stageLatency, service, 'p90', service)),
        width: 6,
      }),
      new cloudwatch.GraphWidget({
        title: 'model tokens and estimated cost',
        left: modelUsers.flatMap((service) => [
          alexMetric(METRIC.inputTokens, service, 'Sum', `${service} input tokens`),
          alexMetric(METRIC.outputTokens, service, 'Sum', `${service} output tokens`),
        ]),
        // Calls to a model without a listed price sit beside the cost: while any show, the cost is incomplete.
        right: modelUsers.flatMap((service) => [
          alexMetric(METRIC.cost, service, 'Sum', `${service} cost (USD)`),
          alexMetric(METRIC.unpricedCalls, service, 'Sum', `${service} unpriced calls`),
        ]),
        width: 6,
      }),
      new cloudwatch.GraphWidget({
        title: 'dead letters for bad input',
        left: names.map((service) => alexMetric(METRIC.deadLetters, service, 'Sum', service)),
        width: 6,
      }),
    );
  }

  private queueRow(title: string, queueName: string): cloudwatch.GraphWidget {
    return new cloudwatch.GraphWidget({
      title: `${title}: queue`,
      left: [
        queueMetric('ApproximateNumberOfMessagesVisible', queueName, 'depth'),
        queueMetric('ApproximateNumberOfMessagesVisible', deadLetterQueueName(queueName), 'DLQ depth'),
      ],
      right: [queueMetric('ApproximateAgeOfOldestMessage', queueName, 'oldest message age (s)')],
      width: 8,
    });
  }
}

/**
 * One CloudWatch dashboard for the whole system, built from names only (functions and queues
 * have fixed names), so it deploys alone and a service change never touches it.
 */
import { Duration, Stack, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';
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
          '# Alex\nPer service: invocations, errors, duration; its queue depth, oldest message age and DLQ depth.',
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

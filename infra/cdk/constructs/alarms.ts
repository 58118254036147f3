/**
 * Alarms sent to the alarm topic: a message in a DLQ (something needs a person), work waiting too
 * long in a queue, function errors and throttles.
 */
import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as cwActions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { QueueSettings } from '../../topology.ts';

const PERIOD = Duration.minutes(5);

/**
 * A message older than two visibility timeouts has failed or waited through at least one full
 * attempt: the consumer is failing or falling behind.
 */
export function oldestMessageThresholdSeconds(settings: QueueSettings): number {
  return 2 * settings.visibilityTimeoutSeconds;
}

export interface QueueAlarmsProps {
  queue: sqs.IQueue;
  deadLetterQueue: sqs.IQueue;
  settings: QueueSettings;
  topic: sns.ITopic;
}

export function queueAlarms(scope: Construct, id: string, props: QueueAlarmsProps): Construct {
  const group = new Construct(scope, id);
  const action = new cwActions.SnsAction(props.topic);
  new cloudwatch.Alarm(group, 'DeadLetters', {
    alarmName: `${props.settings.name}-dlq-not-empty`,
    alarmDescription: `Messages in ${props.settings.name}'s DLQ: read their reason attribute, fix, then redrive`,
    metric: props.deadLetterQueue.metricApproximateNumberOfMessagesVisible({ period: PERIOD, statistic: 'Maximum' }),
    threshold: 0,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  }).addAlarmAction(action);
  new cloudwatch.Alarm(group, 'OldestMessage', {
    alarmName: `${props.settings.name}-oldest-message-age`,
    alarmDescription: `A message waited over ${oldestMessageThresholdSeconds(props.settings)} s in ${props.settings.name}`,
    metric: props.queue.metricApproximateAgeOfOldestMessage({ period: PERIOD, statistic: 'Maximum' }),
    threshold: oldestMessageThresholdSeconds(props.settings),
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  }).addAlarmAction(action);
  return group;
}

export function functionAlarms(
  scope: Construct,
  id: string,
  fn: lambda.IFunction,
  name: string,
  topic: sns.ITopic,
): Construct {
  const group = new Construct(scope, id);
  const action = new cwActions.SnsAction(topic);
  new cloudwatch.Alarm(group, 'Errors', {
    alarmName: `${name}-errors`,
    alarmDescription: `${name} threw (a whole batch failed; records failed one by one are retried and end in the DLQ)`,
    metric: fn.metricErrors({ period: PERIOD, statistic: 'Sum' }),
    threshold: 0,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  }).addAlarmAction(action);
  new cloudwatch.Alarm(group, 'Throttles', {
    alarmName: `${name}-throttles`,
    alarmDescription: `${name} was throttled: raise its reserved concurrency or lower the event source cap`,
    metric: fn.metricThrottles({ period: PERIOD, statistic: 'Sum' }),
    threshold: 0,
    comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    evaluationPeriods: 1,
    treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
  }).addAlarmAction(action);
  return group;
}

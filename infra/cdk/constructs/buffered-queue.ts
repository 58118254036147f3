/**
 * An SQS queue and its DLQ, with the settings the shared topology declares: SQS-managed
 * encryption (EventBridge can deliver to it, which it cannot with the AWS-managed KMS key),
 * TLS only, long polling, a redrive after maxReceiveCount receives.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { QueueSettings } from '../../topology.ts';
import { deadLetterQueueName } from '../names.ts';

export const LONG_POLL_SECONDS = 20;

export class BufferedQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, settings: QueueSettings) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      queueName: deadLetterQueueName(settings.name),
      retentionPeriod: Duration.seconds(settings.dlqRetentionSeconds),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      queueName: settings.name,
      visibilityTimeout: Duration.seconds(settings.visibilityTimeoutSeconds),
      retentionPeriod: Duration.seconds(settings.retentionSeconds),
      receiveMessageWaitTime: Duration.seconds(LONG_POLL_SECONDS),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: settings.maxReceiveCount },
      removalPolicy: RemovalPolicy.DESTROY,
    });
  }
}

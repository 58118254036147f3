import {
  ChangeMessageVisibilityCommand,
  DeleteMessageBatchCommand,
  DeleteMessageCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  ListMessageMoveTasksCommand,
  ListQueuesCommand,
  MessageNotInflight,
  QueueDoesNotExist,
  ReceiptHandleIsInvalid,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  StartMessageMoveTaskCommand,
  TooManyEntriesInBatchRequest,
} from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { md5OfAttributes } from '#infra/local/aws-endpoints/sqs-messages.ts';
import { startTestEndpoints, type TestEndpoints } from '#test/support/aws-endpoints.ts';

const ACCOUNT = '000000000000';

describe('MD5OfMessageAttributes', () => {
  // Published vectors of the npm package aws-md5-of-message-attributes, computed by AWS's algorithm.
  const single = { attribName1: { DataType: 'String', StringValue: 'attribValue 1' } };
  const custom = {
    customNumberTypeAttrib: { DataType: 'Number.float', StringValue: '4563442423554324324264524243.32543234' },
  };
  const binary = {
    binaryAttribute: { DataType: 'Binary', BinaryValue: Buffer.from('Hello binary world!').toString('base64') },
  };

  it('matches the published digests for string, custom number, binary and several attributes', () => {
    expect(md5OfAttributes(single)).toBe('19e27d4e946b072f3f58da80d94fd778');
    expect(md5OfAttributes(custom)).toBe('9fe1b90bbd9965bdf77bac517c7d2495');
    expect(md5OfAttributes(binary)).toBe('31a92b15d92f8db860eda32aceb656c3');
    expect(md5OfAttributes({ ...single, ...custom, ...binary })).toBe('c932db14a896c663f83c260297d594ff');
  });

  it('is absent when there are no attributes', () => {
    expect(md5OfAttributes({})).toBeUndefined();
    expect(md5OfAttributes(undefined)).toBeUndefined();
  });
});

describe('SQS endpoint with the SDK v3 client (MD5 checks on)', () => {
  let endpoints: TestEndpoints;
  let dlqUrl: string;
  beforeAll(async () => {
    endpoints = await startTestEndpoints();
    dlqUrl = `${endpoints.url}/${ACCOUNT}/alex-charter-dlq`;
  });
  afterAll(() => endpoints.close());

  it('GetQueueUrl answers with the host the request came to; an unknown queue is QueueDoesNotExist', async () => {
    const sqs = endpoints.sqs();
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'alex-jobs' }));
    expect(QueueUrl).toBe(`${endpoints.url}/${ACCOUNT}/alex-jobs`);
    const error = await sqs.send(new GetQueueUrlCommand({ QueueName: 'nope' })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(QueueDoesNotExist);
    // The query-compatible code the SDK takes from x-amzn-query-error.
    expect((error as { Code?: string }).Code).toBe('AWS.SimpleQueueService.NonExistentQueue');
  });

  it('ListQueues lists queues by prefix, in pages', async () => {
    const sqs = endpoints.sqs();
    const all = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'alex-' }));
    // The jobs queue and seven service queues, each with its DLQ.
    expect(all.QueueUrls).toHaveLength(16);
    const page = await sqs.send(new ListQueuesCommand({ QueueNamePrefix: 'alex-charter', MaxResults: 1 }));
    expect(page.QueueUrls).toEqual([`${endpoints.url}/${ACCOUNT}/alex-charter`]);
    const next = await sqs.send(
      new ListQueuesCommand({ QueueNamePrefix: 'alex-charter', MaxResults: 1, NextToken: page.NextToken }),
    );
    expect(next.QueueUrls).toEqual([dlqUrl]);
    expect(next.NextToken).toBeUndefined();
  });

  it('GetQueueAttributes reports the redrive policy and counts', async () => {
    const sqs = endpoints.sqs();
    const { Attributes } = await sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: `${endpoints.url}/${ACCOUNT}/alex-jobs`, AttributeNames: ['All'] }),
    );
    expect(Attributes!.QueueArn).toBe(`arn:aws:sqs:us-east-1:${ACCOUNT}:alex-jobs`);
    expect(JSON.parse(Attributes!.RedrivePolicy!)).toEqual({
      deadLetterTargetArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:alex-jobs-dlq`,
      maxReceiveCount: 3,
    });
    await expect(
      sqs.send(new GetQueueAttributesCommand({ QueueUrl: dlqUrl, AttributeNames: ['NoSuchAttribute' as 'All'] })),
    ).rejects.toMatchObject({ name: 'InvalidAttributeName' });
  });

  it('sends with attributes and a trace header, receives them back with matching digests, and deletes', async () => {
    const sqs = endpoints.sqs();
    const sent = await sqs.send(
      new SendMessageCommand({
        QueueUrl: dlqUrl,
        MessageBody: 'hello',
        MessageAttributes: { attribName1: { DataType: 'String', StringValue: 'attribValue 1' } },
        MessageSystemAttributes: {
          AWSTraceHeader: { DataType: 'String', StringValue: 'Root=1-5759e988-bd862e3fe1be46a994272793' },
        },
      }),
    );
    expect(sent.MD5OfMessageBody).toBe('5d41402abc4b2a76b9719d911017c592');
    expect(sent.MD5OfMessageAttributes).toBe('19e27d4e946b072f3f58da80d94fd778');
    const plain = await sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: 'no attributes' }));
    expect(plain.MD5OfMessageAttributes).toBeUndefined();

    const received = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: dlqUrl,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ['All'],
        MessageSystemAttributeNames: ['ApproximateReceiveCount', 'AWSTraceHeader'],
      }),
    );
    expect(received.Messages).toHaveLength(2);
    const hello = received.Messages!.find((message) => message.Body === 'hello')!;
    expect(hello.MD5OfMessageAttributes).toBe('19e27d4e946b072f3f58da80d94fd778');
    expect(hello.MessageAttributes).toEqual({ attribName1: { DataType: 'String', StringValue: 'attribValue 1' } });
    expect(hello.Attributes).toEqual({
      ApproximateReceiveCount: '1',
      AWSTraceHeader: 'Root=1-5759e988-bd862e3fe1be46a994272793',
    });
    const deleted = await sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: dlqUrl,
        Entries: received.Messages!.map((message, index) => ({
          Id: `m${index}`,
          ReceiptHandle: message.ReceiptHandle,
        })),
      }),
    );
    expect(deleted.Successful).toHaveLength(2);
    expect(endpoints.runtime.queues.get('charter')!.dlq.isEmpty).toBe(true);
  });

  it('SendMessageBatch reports each entry, and refuses more than 10', async () => {
    const sqs = endpoints.sqs();
    const batch = await sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: dlqUrl,
        Entries: [
          { Id: 'a', MessageBody: 'one' },
          { Id: 'b', MessageBody: 'bad \u0000 character' },
        ],
      }),
    );
    expect(batch.Successful!.map((entry) => entry.Id)).toEqual(['a']);
    expect(batch.Failed).toEqual([
      { Id: 'b', SenderFault: true, Code: 'InvalidMessageContents', Message: expect.any(String) },
    ]);
    await expect(
      sqs.send(
        new SendMessageBatchCommand({
          QueueUrl: dlqUrl,
          Entries: Array.from({ length: 11 }, (_, i) => ({ Id: `e${i}`, MessageBody: 'x' })),
        }),
      ),
    ).rejects.toBeInstanceOf(TooManyEntriesInBatchRequest);
    endpoints.runtime.queues.get('charter')!.dlq.takeAll();
  });

  it('ReceiveMessage long-polls until a message arrives', async () => {
    const sqs = endpoints.sqs();
    const started = Date.now();
    const polling = sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, WaitTimeSeconds: 5 }));
    setTimeout(() => void sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: 'late' })), 200);
    const { Messages } = await polling;
    expect(Messages!.map((message) => message.Body)).toEqual(['late']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    expect(Date.now() - started).toBeLessThan(4000);
    await sqs.send(new DeleteMessageCommand({ QueueUrl: dlqUrl, ReceiptHandle: Messages![0]!.ReceiptHandle }));
  });

  it('ChangeMessageVisibility to 0 makes a message visible again; a deleted one is not in flight', async () => {
    const sqs = endpoints.sqs();
    await sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: 'again' }));
    const first = await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl, VisibilityTimeout: 600 }));
    expect((await sqs.send(new ReceiveMessageCommand({ QueueUrl: dlqUrl }))).Messages).toBeUndefined();
    const handle = first.Messages![0]!.ReceiptHandle!;
    await sqs.send(
      new ChangeMessageVisibilityCommand({ QueueUrl: dlqUrl, ReceiptHandle: handle, VisibilityTimeout: 0 }),
    );
    await new Promise((resolve) => setTimeout(resolve, 10));
    const second = await sqs.send(
      new ReceiveMessageCommand({ QueueUrl: dlqUrl, MessageSystemAttributeNames: ['ApproximateReceiveCount'] }),
    );
    expect(second.Messages![0]!.Attributes!.ApproximateReceiveCount).toBe('2');
    await sqs.send(new DeleteMessageCommand({ QueueUrl: dlqUrl, ReceiptHandle: second.Messages![0]!.ReceiptHandle }));
    await expect(
      sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: dlqUrl, ReceiptHandle: handle, VisibilityTimeout: 5 })),
    ).rejects.toBeInstanceOf(MessageNotInflight);
    await expect(
      sqs.send(new DeleteMessageCommand({ QueueUrl: dlqUrl, ReceiptHandle: 'garbage' })),
    ).rejects.toBeInstanceOf(ReceiptHandleIsInvalid);
  });

  it('StartMessageMoveTask without a destination returns each dead letter to the queue it came from', async () => {
    const { queue, dlq } = endpoints.runtime.queues.get('charter')!;
    const jobsQueue = endpoints.runtime.queues.get('jobs')!.queue;
    const jobsBefore = jobsQueue.visibleCount;
    queue.takeAll();
    dlq.enqueue({
      messageId: 'm1',
      body: 'from charter',
      sentAt: 1,
      receiveCount: 3,
      attributes: { sourceQueue: 'alex-charter', reason: 'boom' },
    });
    const sqs = endpoints.sqs();
    const dlqArn = `arn:aws:sqs:us-east-1:${ACCOUNT}:alex-charter-dlq`;
    const { TaskHandle } = await sqs.send(new StartMessageMoveTaskCommand({ SourceArn: dlqArn }));
    expect(TaskHandle).toBeTruthy();
    const moved = queue.peekAll();
    expect(moved.map((message) => [message.body, message.receiveCount, message.attributes])).toEqual([
      ['from charter', 0, {}],
    ]);
    expect(jobsQueue.visibleCount).toBe(jobsBefore);
    const tasks = await sqs.send(new ListMessageMoveTasksCommand({ SourceArn: dlqArn }));
    expect(tasks.Results).toEqual([
      expect.objectContaining({ Status: 'COMPLETED', SourceArn: dlqArn, ApproximateNumberOfMessagesMoved: 1 }),
    ]);
    await expect(
      sqs.send(new StartMessageMoveTaskCommand({ SourceArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:nope` })),
    ).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
  });

  it('a client without an endpoint sends to the queue URL host, as on AWS', async () => {
    const sqs = endpoints.sqs(endpoints.outside, { endpoint: false });
    const sent = await sqs.send(new SendMessageCommand({ QueueUrl: dlqUrl, MessageBody: 'by url' }));
    expect(sent.MessageId).toBeTruthy();
    endpoints.runtime.queues.get('charter')!.dlq.takeAll();
  });

  it('refuses a wrong signature with SignatureDoesNotMatch', async () => {
    const wrong = { ...endpoints.outside, secretAccessKey: 'not-the-secret-not-the-secret-not-the-se' };
    const error = await endpoints
      .sqs(wrong)
      .send(new GetQueueUrlCommand({ QueueName: 'alex-jobs' }))
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'SignatureDoesNotMatch', $metadata: { httpStatusCode: 403 } });
  });
});

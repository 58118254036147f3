/**
 * Where a message goes when retrying cannot help (it is malformed or breaks a rule). SQS moves a
 * message to its DLQ only after maxReceiveCount failed receives and records no reason; bad input
 * is sent there at once instead, with the reason as a message attribute, so an operator reading
 * the DLQ sees what was wrong without searching the logs.
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';

export interface DeadLetter {
  body: string;
  reason: string;
  /** The queue the message was read from. */
  sourceQueue: string;
  receiveCount: number;
}

export interface DeadLetterPort {
  send(letter: DeadLetter): Promise<void>;
}

export function deadLetterOf(record: SQSRecord, reason: string): DeadLetter {
  return {
    body: record.body,
    reason: oneLineReason(reason),
    sourceQueue: record.eventSourceARN.split(':').pop() ?? record.eventSourceARN,
    receiveCount: Number(record.attributes.ApproximateReceiveCount ?? '1'),
  };
}

/** AWS adapter: SendMessage to the DLQ of the queue the message came from. */
export class SqsDeadLetters implements DeadLetterPort {
  constructor(
    private readonly client: SQSClient,
    /** DLQ URL by source queue name. */
    private readonly dlqUrls: Record<string, string>,
  ) {}

  async send(letter: DeadLetter): Promise<void> {
    const queueUrl = this.dlqUrls[letter.sourceQueue];
    if (!queueUrl) throw new Error(`No DLQ configured for queue ${letter.sourceQueue}`);
    await this.client.send(
      new SendMessageCommand({
        QueueUrl: queueUrl,
        MessageBody: letter.body,
        MessageAttributes: {
          reason: { DataType: 'String', StringValue: letter.reason },
          sourceQueue: { DataType: 'String', StringValue: letter.sourceQueue },
          receiveCount: { DataType: 'Number', StringValue: String(letter.receiveCount) },
        },
      }),
    );
  }
}

/**
 * A reason an operator can read in one line: a zod error's JSON list of issues becomes its first
 * issue (path: message) and a count of the rest; other text loses its line breaks; at most 500 characters.
 */
export function oneLineReason(reason: string): string {
  let text = reason;
  const start = reason.indexOf('[');
  if (start >= 0) {
    try {
      const issues = JSON.parse(reason.slice(start)) as Array<{ path?: PropertyKey[]; message?: string }>;
      if (Array.isArray(issues) && issues.length > 0 && typeof issues[0]?.message === 'string') {
        const [first] = issues;
        const path = (first!.path ?? [])
          .map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`))
          .join('');
        const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
        text = `${reason.slice(0, start).trim()} ${path.replace(/^\./, '')}: ${first!.message}${more}`.trim();
      }
    } catch {
      // Not a list of issues: keep the text.
    }
  }
  const line = text.replace(/\s+/g, ' ').trim();
  return line.length > 500 ? `${line.slice(0, 499)}…` : line;
}

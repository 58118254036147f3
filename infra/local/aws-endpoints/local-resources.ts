/**
 * The local runtime's resources under the names and ARNs they have on AWS: the bus, its archive,
 * the rules and the queues. Queue URLs carry the host the request came to, because clients send
 * later calls to the queue URL's host.
 */
import { ARCHIVE_NAME } from '#infra/cdk/names.ts';
import { allRules, BUS_NAME, effectivePattern, queueSettings, type RuleSpec } from '#infra/topology.ts';
import type { EventArchive } from '../archive.ts';
import type { LocalBus } from '../bus.ts';
import type { LocalQueue } from '../queue.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION, type QueueKey, type QueuePair } from '../runtime.ts';

/** What the endpoints need of the local runtime (a bench may hand a bus and queues alone). */
export interface EndpointRuntime {
  bus: LocalBus;
  archive: EventArchive;
  queues: Map<QueueKey, QueuePair>;
}

export const REGION = LOCAL_REGION;
export const ACCOUNT = LOCAL_ACCOUNT;
export { ARCHIVE_NAME, BUS_NAME };

export const busArn = (name = BUS_NAME) => `arn:aws:events:${REGION}:${ACCOUNT}:event-bus/${name}`;
export const archiveArn = (name = ARCHIVE_NAME) => `arn:aws:events:${REGION}:${ACCOUNT}:archive/${name}`;
export const replayArn = (name: string) => `arn:aws:events:${REGION}:${ACCOUNT}:replay/${name}`;
export const ruleArn = (name: string) => `arn:aws:events:${REGION}:${ACCOUNT}:rule/${BUS_NAME}/${name}`;
export const queueArn = (name: string) => `arn:aws:sqs:${REGION}:${ACCOUNT}:${name}`;
export const queueUrl = (host: string, name: string) => `http://${host}/${ACCOUNT}/${name}`;

/** A bus name or ARN as PutEvents and the rule calls take it; the default bus is Alex's bus locally. */
export function isOurBus(nameOrArn: unknown): boolean {
  return nameOrArn === undefined || nameOrArn === 'default' || nameOrArn === BUS_NAME || nameOrArn === busArn();
}

export interface LocalRuleView {
  spec: RuleSpec;
  arn: string;
  pattern: string;
  targetQueue: string;
}

export function localRules(): LocalRuleView[] {
  return allRules().map((spec) => ({
    spec,
    arn: ruleArn(spec.name),
    pattern: JSON.stringify(effectivePattern(spec)),
    targetQueue: queueSettings(spec.target).name,
  }));
}

export interface NamedQueue {
  name: string;
  queue: LocalQueue;
  /** The queue that dead-letters into this one, when this is a DLQ. */
  sourceOf?: LocalQueue;
  /** This queue's DLQ, when it has one. */
  dlq?: LocalQueue;
  maxReceiveCount?: number;
}

/** Every queue of the runtime by name: each service queue, the jobs queue, and their DLQs. */
export function namedQueues(runtime: EndpointRuntime): Map<string, NamedQueue> {
  const byName = new Map<string, NamedQueue>();
  for (const { queue, dlq } of runtime.queues.values()) {
    byName.set(queue.name, { name: queue.name, queue, dlq, maxReceiveCount: queue.options.maxReceiveCount });
    byName.set(dlq.name, { name: dlq.name, queue: dlq, sourceOf: queue });
  }
  return byName;
}

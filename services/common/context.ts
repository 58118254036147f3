/**
 * What a service's handler needs from the outside world, as ports. The Lambda entry point
 * builds it from AWS clients (services/common/aws-context.ts); the local runtime builds it from
 * the local bus, dynalite and PGlite. The handler code is the same in both.
 */

import type { Logger } from '@aws-lambda-powertools/logger';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { EventPublisher } from '#events/publisher.ts';
import type { PricePort } from '../planner/prices/port.ts';
import type { Embedder, KnowledgePort, VectorStore } from '../researcher/ports.ts';
import type { PayloadStore } from './claim-check.ts';
import type { DeadLetterPort } from './dead-letter.ts';
import type { DeadlineScheduler } from './deadlines.ts';
import type { ServiceDeclaration } from './declaration.ts';
import { type Emit, emitterFor } from './emit.ts';
import type { ModelPort } from './model/port.ts';
import type { RelayStage } from './outbox.ts';
import type { SqlDatabase } from './sql-database.ts';

export interface ServiceContext {
  /** The service's own declaration (services/<name>/service.ts). */
  service: ServiceDeclaration;
  /** Publishes one catalog event under the service's source; refuses undeclared detail-types. */
  emit: Emit;
  /** The port `emit` publishes through. */
  publisher: EventPublisher;
  deadLetters: DeadLetterPort;
  /** Schedules a job's AnalysisDeadlineReached for the aggregator. */
  deadlines: DeadlineScheduler;
  logger: Logger;
  dynamo: DynamoDBClient;
  tables: { idempotency: string; completion: string };
  /** Opened on first use: only the planner, tagger and aggregator touch PostgreSQL. */
  db: () => Promise<SqlDatabase>;
  model: ModelPort;
  /** The claim-check store large details travel through (services/common/claim-check.ts). */
  payloads?: PayloadStore;
  /** Market data for the planner's price refresh; absent: prices come from the portfolio file only. */
  prices?: PricePort;
  /**
   * The researcher's embedder and vector store (offline hashing and pgvector locally; Bedrock and
   * S3 Vectors on AWS). Only the researcher reads it.
   */
  vectors?: VectorPorts;
  /** Knowledge search for the reporter's citations; absent: a report cites nothing. */
  knowledge?: KnowledgePort;
  now: () => Date;
  /** Told why a record failed (the local runtime records it on the message for its DLQ entry). */
  onRecordFailure?: (messageId: string, reason: string) => void;
}

export interface VectorPorts {
  embedder: Embedder;
  /** Opened on first use (locally it lives in the database). */
  store: () => Promise<VectorStore>;
}

/** What a context is built from: the ports; `emit` is derived from the declaration and the publisher. */
export type ServicePorts = Omit<ServiceContext, 'service' | 'emit'>;

export function serviceContext(service: ServiceDeclaration, ports: ServicePorts): ServiceContext {
  return { ...ports, service, emit: emitterFor(service, ports.publisher) };
}

/** Observers the local runtime and tests attach to a handler; none on AWS. */
export interface ServiceHooks {
  /**
   * Called on every consolidated write the aggregator attempts (inserted tells whether the row
   * was new): the measure of "exactly once". The primary key alone would hide a second attempt.
   */
  onConsolidatedWrite?: (jobId: string, inserted: boolean) => void;
  /** Told each stage of each outbox row a relay sends (services/common/outbox.ts). */
  onOutboxStage?: (stage: RelayStage, eventId: string) => void;
}

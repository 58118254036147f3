/**
 * What a service says about itself in `services/<name>/service.ts`: plain data, no CDK or SDK.
 * The registry (services/index.ts) pairs each declaration with its handler factory;
 * infra/topology.ts turns declarations into rules and queues, and the local runtime and the
 * CDK app wire them. Nothing outside a service's folder and the registry names the service.
 */
import { catalog, type DetailType } from '#events/catalog.ts';
import type { Task } from '#events/values.ts';

/** An EventBridge event pattern, as JSON. */
export type EventPattern = Record<string, unknown>;

/** A rule on the bus that delivers to the declaring service's own queue. */
export interface RuleDeclaration {
  /** Rule name on the bus, unique. */
  name: string;
  description: string;
  pattern: EventPattern;
  /**
   * Whether archive replays reach this rule (default true). A rule whose target must never see
   * history again (say, one that notifies a person) sets false and gets a `replay-name` guard.
   */
  acceptsReplays?: boolean;
}

/** Departures from the shared queue defaults (infra/topology.ts); the queue is named `alex-<name>`. */
export interface QueueOverrides {
  visibilityTimeoutSeconds?: number;
  maxReceiveCount?: number;
  retentionSeconds?: number;
  dlqRetentionSeconds?: number;
  batchSize?: number;
  batchingWindowSeconds?: number;
}

export interface ServiceLimits {
  memoryMb: number;
  timeoutSeconds: number;
  /** Concurrency cap on the event source, so a burst cannot exhaust the database. */
  maxConcurrency: number;
}

/** What the service's function reaches besides the bus, its queue and the idempotency table. */
export interface ServiceNeeds {
  /** PostgreSQL (Aurora through the Data API), as its own login holding exactly these grants. */
  database?: DatabaseNeeds;
  /** A language model (Bedrock when configured; the offline model otherwise). */
  model?: true;
  /** The completion-tracking table. */
  completionTable?: true;
  /** Schedules AnalysisDeadlineReached messages on the deadline queue. */
  deadlines?: true;
  /** Market prices (Polygon when configured). */
  prices?: true;
  /**
   * It relays a transactional outbox (services/common/outbox.ts): on AWS an EventBridge schedule
   * puts a sweep message on its queue every few minutes, and its handler sends the rows a crash
   * left. SQS redelivery of the crashed message already resends them; the sweep covers the rows
   * whose message was dead-lettered or finished by another delivery.
   */
  outboxSweep?: true;
  /**
   * Data files its code reads at run time with `new URL('./data/<file>', import.meta.url)`, as
   * paths from the repository root. esbuild does not follow such reads, so each is copied into
   * the bundle's `data/` folder, beside the bundled module (CDK and the benchmark alike).
   */
  dataFiles?: readonly string[];
  /**
   * The knowledge base (services/researcher): `write` for the one service that owns the vector
   * bucket and index (its stack creates them) and may put and delete vectors; `read` to query
   * them. Either way the function gets the embedding model and the bucket and index names.
   */
  knowledge?: 'write' | 'read';
}

/**
 * The service's group role (`alex_<name>_role`) holds exactly these grants: the deploy's migrator
 * and the local `migrate` create the role and apply them after the migrations (see
 * infra/storage/database-roles.ts), revoking anything else. A migration that adds a table or a
 * statement the service runs must be matched by a grant here.
 */
export interface DatabaseNeeds {
  /**
   * `GRANT <this> TO <role>`, e.g. `SELECT, INSERT ON jobs` or `SELECT (job_id) ON analyses`:
   * table privileges only, on tables of the public schema.
   */
  grants: readonly string[];
}

/**
 * The database need of a specialist: the claim-check store and nothing else. It reads a snapshot
 * that came by reference and stores a result too large to go inline (services/common/claim-check.ts);
 * the table is content-addressed and every read checks the hash, so what it writes can never pass
 * for another payload. Locally such a service still runs in a worker thread, reaching the store
 * through the worker's port (infra/local/worker-handler.ts); on AWS through the Data API as its own login.
 */
export const CLAIM_CHECK_ONLY: DatabaseNeeds = { grants: ['SELECT, INSERT ON payloads'] };

/** Whether a service's database need is at most the claim-check store's. */
export function claimCheckOnly(database: DatabaseNeeds | undefined): boolean {
  return database === undefined || database.grants.every((grant) => CLAIM_CHECK_ONLY.grants.includes(grant));
}

export interface ServiceDeclaration<N extends string = string, P extends DetailType = DetailType> {
  name: N;
  /** The source every event it publishes carries. */
  source: string;
  description: string;
  /** Rules feeding its own queue. */
  rules: readonly RuleDeclaration[];
  queue?: QueueOverrides;
  /** Also consumes the shared jobs queue (AnalysisRequested). */
  consumesJobs?: true;
  /** Its queue takes the delayed AnalysisDeadlineReached messages (exactly one service does). */
  receivesDeadlines?: true;
  limits: ServiceLimits;
  needs: ServiceNeeds;
  /** The detail-types it may publish; `ctx.emit` refuses any other. */
  publishes: readonly P[];
}

/** Keeps the literal name and detail-types, so the registry and `emit` are typed by them. */
export function defineService<const N extends string, const P extends DetailType>(
  declaration: ServiceDeclaration<N, P>,
): ServiceDeclaration<N, P> {
  return declaration;
}

/** The rule of a specialist that does `task`: AnalysisPlanned events whose tasks include it. */
export function plannedTaskRule(service: string, task: Task): RuleDeclaration {
  return {
    name: `alex-${service}-analysis-planned`,
    description: `AnalysisPlanned events that ask for the ${task} task`,
    pattern: {
      source: [...catalog.AnalysisPlanned.sources],
      'detail-type': ['AnalysisPlanned'],
      detail: { tasks: [task] },
    },
  };
}

/**
 * The topology: what the services share (bus, jobs queue and its rule, tables, queue defaults),
 * and each service's rules and queue derived from its declaration in the registry
 * (services/index.ts). The local runtime wires its bus and queues from it; the CDK stacks create
 * the same rules, queues and event source mappings on AWS.
 */
import { EVENT_BUS_NAME } from '#events/catalog.ts';
import type { EventPattern, ServiceDeclaration, ServiceNeeds } from '#services/common/declaration.ts';
import { type RegisteredService, SERVICE_REGISTRY, type ServiceName } from '#services/index.ts';
import { databaseLogin } from './cdk/names.ts';
import type { DatabaseRole } from './storage/database-roles.ts';

export type { EventPattern } from '#services/common/declaration.ts';
export type { ServiceName } from '#services/index.ts';

/** The shared jobs queue, or a service's own queue by the service's name. */
export type QueueKey = 'jobs' | ServiceName;

export interface QueueSettings {
  /** Physical queue name on AWS and in the local runtime. */
  name: string;
  /** Must be at least 6 times the function timeout, as AWS advises for SQS event sources. */
  visibilityTimeoutSeconds: number;
  /** Receives before a message moves to the DLQ. */
  maxReceiveCount: number;
  retentionSeconds: number;
  dlqRetentionSeconds: number;
  /** Records handed to one invocation. */
  batchSize: number;
  /** Longest wait to fill a batch on AWS (MaximumBatchingWindowInSeconds). */
  batchingWindowSeconds: number;
}

export interface RuleSpec {
  /** Rule name on the bus, unique. */
  name: string;
  description: string;
  pattern: EventPattern;
  /** Queue key this rule delivers to (a service queue or the shared jobs queue). */
  target: QueueKey;
  /**
   * Whether archive replays reach this rule (default true). A rule whose target must never see
   * history again (say, one that notifies a person) sets false and gets a `replay-name` guard.
   */
  acceptsReplays?: boolean;
}

/** A service as the runtime and the stacks use it: its declaration with the shared defaults applied. */
export interface ServiceSpec {
  name: ServiceName;
  /** The source this service publishes under. */
  source: string;
  description: string;
  /** The queue this service owns. */
  queue: QueueSettings;
  /** Rules this service's stack owns, all delivering to its own queue. */
  rules: RuleSpec[];
  /** Queues the function consumes: its own, plus the shared jobs queue when it declares so. */
  consumes: QueueKey[];
  /** Concurrency cap on the event source, so a burst cannot exhaust the database. */
  maxConcurrency: number;
  memoryMb: number;
  timeoutSeconds: number;
  /** Whether the service may call a language model. */
  usesModel: boolean;
  needs: ServiceNeeds;
  /** Its queue takes the delayed deadline messages. */
  receivesDeadlines: boolean;
  /** The Lambda entry point, from the repository root. */
  entry: string;
}

const DAY = 24 * 60 * 60;

function queue(name: string, timeoutSeconds: number, overrides: Partial<QueueSettings> = {}): QueueSettings {
  return {
    name,
    visibilityTimeoutSeconds: Math.max(6 * timeoutSeconds, 30),
    maxReceiveCount: 3,
    retentionSeconds: 4 * DAY,
    dlqRetentionSeconds: 14 * DAY,
    batchSize: 10,
    batchingWindowSeconds: 0,
    ...overrides,
  };
}

export const BUS_NAME = EVENT_BUS_NAME;

/** The shared jobs queue: owned by the core stack; SendMessage clients and a bus rule feed it. */
export const JOBS_QUEUE: QueueSettings = queue('alex-jobs', 150, {
  visibilityTimeoutSeconds: 910,
  retentionSeconds: DAY,
  batchSize: 5,
});

export const JOBS_RULE: RuleSpec = {
  name: 'alex-analysis-requested',
  description: 'AnalysisRequested from any allowed publisher, into the jobs queue',
  pattern: { 'detail-type': ['AnalysisRequested'] },
  target: 'jobs',
};

/** A declaration with the shared defaults applied: queue `alex-<name>`, every rule into it. */
export function serviceSpec(declaration: ServiceDeclaration, entry?: string): ServiceSpec {
  const name = declaration.name as ServiceName;
  return {
    name,
    source: declaration.source,
    description: declaration.description,
    queue: queue(`alex-${name}`, declaration.limits.timeoutSeconds, declaration.queue),
    rules: declaration.rules.map((rule) => ({ ...rule, target: name })),
    consumes: declaration.consumesJobs ? ['jobs', name] : [name],
    maxConcurrency: declaration.limits.maxConcurrency,
    memoryMb: declaration.limits.memoryMb,
    timeoutSeconds: declaration.limits.timeoutSeconds,
    usesModel: declaration.needs.model === true,
    needs: declaration.needs,
    receivesDeadlines: declaration.receivesDeadlines === true,
    entry: entry ?? `services/${name}/lambda.ts`,
  };
}

/** The specs of a list of registered services (the registry's by default), in its order. */
export function specsOf(registry: readonly RegisteredService[] = SERVICE_REGISTRY): ServiceSpec[] {
  const specs = registry.map(({ service, entry }) => serviceSpec(service, entry));
  const names = new Set<string>();
  for (const spec of specs) {
    if (names.has(spec.name)) throw new Error(`two services are named ${spec.name}`);
    names.add(spec.name);
  }
  return specs;
}

const REGISTERED = specsOf();

export const SERVICE_NAMES: readonly ServiceName[] = REGISTERED.map((spec) => spec.name);
export const SERVICES = Object.fromEntries(REGISTERED.map((spec) => [spec.name, spec])) as Record<
  ServiceName,
  ServiceSpec
>;

/** Services that reach PostgreSQL, each as its own login (infra/cdk/names.ts `databaseLogin`). */
export const DATABASE_SERVICES: readonly ServiceName[] = REGISTERED.filter((s) => s.needs.database).map((s) => s.name);

/** Each database service's group role and the grants its folder declares (`needs.database`). */
export function databaseRoles(specs: readonly ServiceSpec[] = REGISTERED): DatabaseRole[] {
  return specs.flatMap(({ name, needs }) =>
    needs.database ? [{ service: name, groupRole: databaseLogin(name).groupRole, grants: needs.database.grants }] : [],
  );
}

/** What `migrate` syncs after the migrations, locally and in the deploy's migrator. */
export const DATABASE_ROLES: readonly DatabaseRole[] = databaseRoles();
/** Services whose handlers track job completion in the completion table. */
export const COMPLETION_SERVICES: readonly ServiceName[] = REGISTERED.filter((s) => s.needs.completionTable).map(
  (s) => s.name,
);

/** The service whose queue takes the delayed deadline messages: exactly one must declare it. */
export function deadlineReceiver(specs: readonly ServiceSpec[] = REGISTERED): ServiceSpec {
  const receivers = specs.filter((spec) => spec.receivesDeadlines);
  if (receivers.length !== 1) {
    throw new Error(`exactly one service must declare receivesDeadlines; found ${receivers.length}`);
  }
  return receivers[0]!;
}

/**
 * The pattern a rule is created with, on AWS and locally: its declared pattern, plus, for a
 * rule that opts out of replays, a condition that the event carries no `replay-name` (the
 * field EventBridge adds to every replayed event).
 */
export function effectivePattern(rule: RuleSpec): EventPattern {
  if (rule.acceptsReplays !== false) return rule.pattern;
  return { ...rule.pattern, 'replay-name': [{ exists: false }] };
}

/** Every rule on the bus, in a stable order. */
export function allRules(specs: readonly ServiceSpec[] = REGISTERED): RuleSpec[] {
  return [JOBS_RULE, ...specs.flatMap((spec) => spec.rules)];
}

export function queueSettings(key: QueueKey, specs: readonly ServiceSpec[] = REGISTERED): QueueSettings {
  if (key === 'jobs') return JOBS_QUEUE;
  const spec = specs.find((s) => s.name === key);
  if (!spec) throw new Error(`no service named ${key}`);
  return spec.queue;
}

/** DynamoDB tables, by name (service stacks find them by these names). */
export const TABLES = {
  completion: 'alex-completion',
  idempotency: 'alex-idempotency',
} as const;

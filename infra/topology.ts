/**
 * The topology, declared once: which rule feeds which queue with which pattern, and each
 * queue's settings. The local runtime reads it to wire its bus and queues; the CDK stacks read
 * it to create the same rules, queues and event source mappings on AWS.
 */
import { EVENT_BUS_NAME } from '#events/catalog.ts';
import type { Task } from '#events/values.ts';

export type ServiceName = 'planner' | 'tagger' | 'reporter' | 'charter' | 'retirement' | 'aggregator';
export const SERVICE_NAMES: readonly ServiceName[] = [
  'planner',
  'tagger',
  'reporter',
  'charter',
  'retirement',
  'aggregator',
];

/** An EventBridge event pattern, as JSON. */
export type EventPattern = Record<string, unknown>;

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
  target: 'jobs' | ServiceName;
  /**
   * Whether archive replays reach this rule (default true). A rule whose target must never see
   * history again (say, one that notifies a person) sets false and gets a `replay-name` guard.
   */
  acceptsReplays?: boolean;
}

export interface ServiceSpec {
  name: ServiceName;
  /** The source this service publishes under. */
  source: string;
  description: string;
  /** The queue this service owns. The planner also consumes the shared jobs queue. */
  queue: QueueSettings;
  /** Rules this service's stack owns, all delivering to its own queue. */
  rules: RuleSpec[];
  /** Queues the function consumes: its own, plus for the planner the shared jobs queue. */
  consumes: Array<'jobs' | ServiceName>;
  /** Concurrency cap on the event source, so a burst cannot exhaust the database. */
  maxConcurrency: number;
  memoryMb: number;
  timeoutSeconds: number;
  /** Whether the service may call a language model. */
  usesModel: boolean;
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

const SOURCE_PREFIX = 'alex.';

/** Rule for the specialist that does `task`: AnalysisPlanned events whose tasks include it. */
function plannedTaskRule(service: ServiceName, task: Task): RuleSpec {
  return {
    name: `alex-${service}-analysis-planned`,
    description: `AnalysisPlanned events that ask for the ${task} task`,
    pattern: {
      source: ['alex.planner'],
      'detail-type': ['AnalysisPlanned'],
      detail: { tasks: [task] },
    },
    target: service,
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

export const SERVICES: Record<ServiceName, ServiceSpec> = {
  planner: {
    name: 'planner',
    source: 'alex.planner',
    description: 'Validates a job, loads and prices the portfolio, asks for classification, plans the tasks.',
    queue: queue('alex-planner', 60),
    rules: [
      {
        name: 'alex-planner-instruments-classified',
        description: "The tagger finished classifying a job's instruments: resume planning",
        pattern: { source: ['alex.tagger'], 'detail-type': ['InstrumentsClassified'] },
        target: 'planner',
      },
    ],
    consumes: ['jobs', 'planner'],
    maxConcurrency: 10,
    memoryMb: 512,
    timeoutSeconds: 60,
    usesModel: false,
  },
  tagger: {
    name: 'tagger',
    source: 'alex.tagger',
    description: 'Classifies instruments from reference data, or with a model and a rationale.',
    queue: queue('alex-tagger', 120),
    rules: [
      {
        name: 'alex-tagger-classification-requested',
        description: 'Instruments to classify, from the planner or any other system',
        pattern: { 'detail-type': ['ClassificationRequested'] },
        target: 'tagger',
      },
    ],
    consumes: ['tagger'],
    maxConcurrency: 5,
    memoryMb: 512,
    timeoutSeconds: 120,
    usesModel: true,
  },
  reporter: {
    name: 'reporter',
    source: 'alex.reporter',
    description: 'Computes portfolio facts and writes the report and its recommendations.',
    queue: queue('alex-reporter', 120),
    rules: [plannedTaskRule('reporter', 'report')],
    consumes: ['reporter'],
    maxConcurrency: 5,
    memoryMb: 512,
    timeoutSeconds: 120,
    usesModel: true,
  },
  charter: {
    name: 'charter',
    source: 'alex.charter',
    description: 'Computes the allocation charts.',
    queue: queue('alex-charter', 30),
    rules: [plannedTaskRule('charter', 'charts')],
    consumes: ['charter'],
    maxConcurrency: 10,
    memoryMb: 256,
    timeoutSeconds: 30,
    usesModel: false,
  },
  retirement: {
    name: 'retirement',
    source: 'alex.retirement',
    description: 'Projects the retirement outcome by simulation.',
    queue: queue('alex-retirement', 60),
    rules: [plannedTaskRule('retirement', 'retirement')],
    consumes: ['retirement'],
    maxConcurrency: 10,
    memoryMb: 1024,
    timeoutSeconds: 60,
    usesModel: false,
  },
  aggregator: {
    name: 'aggregator',
    source: 'alex.aggregator',
    description: 'Tracks completion per job and writes the consolidated analysis exactly once.',
    queue: queue('alex-aggregator', 30),
    rules: [
      {
        name: 'alex-aggregator-progress',
        description: 'Planned jobs and specialist outcomes, for completion tracking',
        pattern: {
          source: [{ prefix: SOURCE_PREFIX }],
          'detail-type': ['AnalysisPlanned', 'SpecialistCompleted', 'SpecialistFailed'],
        },
        target: 'aggregator',
      },
    ],
    consumes: ['aggregator'],
    maxConcurrency: 10,
    memoryMb: 512,
    timeoutSeconds: 30,
    usesModel: false,
  },
};

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
export function allRules(): RuleSpec[] {
  return [JOBS_RULE, ...SERVICE_NAMES.flatMap((name) => SERVICES[name].rules)];
}

export function queueSettings(key: 'jobs' | ServiceName): QueueSettings {
  return key === 'jobs' ? JOBS_QUEUE : SERVICES[key].queue;
}

/** DynamoDB tables, by name (service stacks find them by these names). */
export const TABLES = {
  completion: 'alex-completion',
  idempotency: 'alex-idempotency',
} as const;

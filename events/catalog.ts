/**
 * The event catalog: every detail-type Alex publishes or accepts, defined once. Producers,
 * consumers, the generated JSON Schemas (schemas/events) and the bus rules all read from here.
 */
import * as z from 'zod';
import {
  ChartsResult,
  Classification,
  IsoTime,
  JobId,
  ReportResult,
  RetirementResult,
  Snapshot,
  TASKS,
  Task,
  Ticker,
  UserId,
} from './values.ts';

export const EVENT_BUS_NAME = 'alex-bus';
/** The detail schema version this code produces and accepts. */
export const DETAIL_VERSION = 1;

const Version = z.literal(DETAIL_VERSION, {
  error: `unsupported version; this release understands version ${DETAIL_VERSION} (set detail.version to ${DETAIL_VERSION})`,
});

export interface EventDefinition<S extends z.ZodType = z.ZodType> {
  detailType: string;
  /** Sources Alex itself publishes this detail-type under. Other systems may use their own. */
  sources: readonly string[];
  /**
   * Whether systems outside Alex may publish it. Every other detail-type is internal: only the
   * services named in `sources` may put it on the bus (bus policy on AWS, publisher keys locally).
   */
  openToOutside?: true;
  version: number;
  description: string;
  detail: S;
  example: z.input<S>;
}

/**
 * Metadata every detail may carry beside its business fields: the W3C trace context of the span
 * that published it. It lives in the detail (not in an SQS attribute or the X-Ray header) so it
 * survives the archive, replays and DLQ redrives with the event (docs/observability.md).
 */
export const EventMetadata = z
  .object({
    traceparent: z
      .string()
      .regex(
        /^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/,
        'must be a W3C traceparent (00-<trace>-<span>-<flags>)',
      )
      .optional(),
    tracestate: z.string().max(512).optional(),
  })
  .optional()
  .describe('Trace context of the publishing span (W3C traceparent, tracestate).');

function defineEvent<S extends z.ZodType>(definition: EventDefinition<S>): EventDefinition<S> {
  return definition;
}

const EXAMPLE_JOB = '3f0c6c2e-8a55-4a4f-9d43-1c1f4b3d6a10';
const EXAMPLE_TIME = '2026-11-21T09:30:00.000Z';

const exampleSnapshot: z.input<typeof Snapshot> = {
  userId: 'household-42',
  asOf: EXAMPLE_TIME,
  currency: 'USD',
  owner: { name: 'Sam Rivera', birthYear: 1980 },
  goals: {
    retirementAge: 65,
    lifeExpectancy: 95,
    annualContribution: 20000,
    annualSpending: 80000,
    otherIncome: 24000,
  },
  accounts: [{ id: 'roth', name: 'Roth IRA', type: 'roth_ira', cash: 1200 }],
  positions: [
    { accountId: 'roth', symbol: 'VTI', quantity: 100, price: 290.5, priceSource: 'portfolio', value: 29050 },
  ],
  instruments: [
    {
      symbol: 'VTI',
      name: 'Vanguard Total Stock Market ETF',
      instrumentType: 'etf',
      assetClass: { equity: 100 },
      regions: { north_america: 100 },
      sectors: { information_technology: 31, financials: 13, health_care: 11, consumer_discretionary: 11, other: 34 },
      source: 'reference',
      rationale: 'Tracks the CRSP US Total Market Index.',
      sources: ['issuer benchmark: CRSP US Total Market Index'],
    },
  ],
};

export const AnalysisRequested = defineEvent({
  detailType: 'AnalysisRequested',
  openToOutside: true,
  sources: ['alex.cli', 'alex.api'],
  version: DETAIL_VERSION,
  description:
    'Someone asks for an analysis of a stored portfolio. The jobId is chosen by the requester so that duplicates are recognised.',
  detail: z.object({
    version: Version,
    metadata: EventMetadata,
    jobId: JobId,
    userId: UserId,
    requestedAt: IsoTime,
    tasks: z.array(Task).min(1).max(TASKS.length).optional().describe('Parts wanted; all when absent.'),
    deadlineSeconds: z
      .number()
      .int()
      .min(1)
      .max(3600)
      .optional()
      .describe('Seconds the specialists get before the job is finished as partial or failed; 300 when absent.'),
  }),
  example: { version: 1, jobId: EXAMPLE_JOB, userId: 'household-42', requestedAt: EXAMPLE_TIME },
});

export const InstrumentRef = z.object({ symbol: Ticker, name: z.string().max(200).optional() });

/** Instruments per ClassificationRequested; the planner splits a larger set into several requests. */
export const MAX_INSTRUMENTS_PER_REQUEST = 100;

export const ClassificationRequested = defineEvent({
  detailType: 'ClassificationRequested',
  openToOutside: true,
  sources: ['alex.planner'],
  version: DETAIL_VERSION,
  description:
    'Instruments that have no classification yet, at most 100 a request (a job with more sends several). ' +
    'The tagger classifies them and stores the result.',
  detail: z.object({
    version: Version,
    metadata: EventMetadata,
    jobId: JobId,
    instruments: z.array(InstrumentRef).min(1).max(MAX_INSTRUMENTS_PER_REQUEST),
  }),
  example: {
    version: 1,
    jobId: EXAMPLE_JOB,
    instruments: [{ symbol: 'FSKAX', name: 'Fidelity Total Market Index Fund' }],
  },
});

export const InstrumentsClassified = defineEvent({
  detailType: 'InstrumentsClassified',
  sources: ['alex.tagger'],
  version: DETAIL_VERSION,
  description: 'The tagger stored classifications for the instruments of a ClassificationRequested.',
  detail: z.object({
    version: Version,
    metadata: EventMetadata,
    jobId: JobId,
    instruments: z.array(z.object({ symbol: Ticker, source: Classification.shape.source })),
  }),
  example: { version: 1, jobId: EXAMPLE_JOB, instruments: [{ symbol: 'FSKAX', source: 'model' }] },
});

const Sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'must be a lowercase hex SHA-256');

/**
 * A claim check: a field too large for an event, stored by its producer under the SHA-256 of its
 * JSON text (services/common/claim-check.ts). Consumers fetch it and check hash and size.
 */
export const PayloadRef = z.object({
  sha256: Sha256Hex,
  bytes: z.number().int().positive(),
});
export type PayloadRef = z.infer<typeof PayloadRef>;

export const AnalysisPlanned = defineEvent({
  detailType: 'AnalysisPlanned',
  sources: ['alex.planner'],
  version: DETAIL_VERSION,
  description:
    'A job is ready: the portfolio is frozen in a snapshot with prices and classifications, and the tasks each specialist should do are listed. ' +
    'A snapshot over 128 KiB travels by reference (snapshotRef, a claim check) instead of inline; exactly one of the two is present.',
  detail: z
    .object({
      version: Version,
      metadata: EventMetadata,
      jobId: JobId,
      userId: UserId,
      tasks: z.array(Task).min(1),
      snapshot: Snapshot.optional(),
      snapshotRef: PayloadRef.optional().describe('The stored snapshot, when it is too large to travel inline.'),
      requestedAt: IsoTime,
      plannedAt: IsoTime,
      deadline: IsoTime,
    })
    .refine((detail) => (detail.snapshot === undefined) !== (detail.snapshotRef === undefined), {
      message: 'give exactly one of snapshot and snapshotRef',
      path: ['snapshot'],
    }),
  example: {
    version: 1,
    jobId: EXAMPLE_JOB,
    userId: 'household-42',
    tasks: ['report', 'charts', 'retirement'],
    snapshot: exampleSnapshot,
    requestedAt: EXAMPLE_TIME,
    plannedAt: '2026-11-21T09:30:01.000Z',
    deadline: '2026-11-21T09:35:01.000Z',
  },
});

/**
 * One language-model call, for the audit trail: hashes rather than text, so the trail can be kept
 * without keeping what the prompts contained. Specialists without database access carry theirs
 * in SpecialistCompleted / SpecialistFailed; the aggregator stores them with the analysis.
 */
export const ModelCallAudit = z.object({
  service: z.string().min(1).max(40),
  jobId: JobId.optional(),
  model: z.string().min(1).max(200),
  purpose: z.string().min(1).max(80),
  /** 1 for the first ask, 2 for the one retry after a rejected answer. */
  attempt: z.number().int().min(1).max(10),
  promptSha256: Sha256Hex,
  responseSha256: Sha256Hex.nullable(),
  inputTokens: z.number().int().min(0).nullable(),
  outputTokens: z.number().int().min(0).nullable(),
  latencyMs: z.number().int().min(0),
  at: IsoTime,
  verdicts: z.object({
    /** accepted: the answer was used; rejected: it failed a check; error: no answer; offline: no model asked. */
    outcome: z.enum(['accepted', 'rejected', 'error', 'offline']),
    /** User-supplied fields the injection screen flagged, with the signals it saw. */
    injection: z.array(z.object({ field: z.string().max(200), signals: z.array(z.string().max(60)).max(10) })).max(200),
    /** Output fields cut to the size limit. */
    cut: z.array(z.string().max(200)).max(50),
    stopReason: z.string().max(60).optional(),
    problem: z.string().max(1000).optional(),
    /** Set on the last call when the computed-only (offline) answer replaced the model's. */
    fallback: z.string().max(1000).optional(),
  }),
});

const ModelCalls = z
  .array(ModelCallAudit)
  .max(20)
  .optional()
  .describe('Audit records of the language-model calls made for this task.');

export const SpecialistCompleted = defineEvent({
  detailType: 'SpecialistCompleted',
  sources: ['alex.reporter', 'alex.charter', 'alex.retirement'],
  version: DETAIL_VERSION,
  description:
    'A specialist finished its task for a job; the result travels in the event, or by reference (resultRef, a claim check) when it is over 128 KiB.',
  detail: z
    .intersection(
      z.object({
        version: Version,
        metadata: EventMetadata,
        jobId: JobId,
        completedAt: IsoTime,
        durationMs: z.number().min(0),
        modelCalls: ModelCalls,
        resultRef: PayloadRef.optional().describe('The stored result, when it is too large to travel inline.'),
      }),
      // Discriminated on task, so a result that does not match its task is named field by field.
      z.discriminatedUnion('task', [
        z.object({ task: z.literal('report'), result: ReportResult.optional() }),
        z.object({ task: z.literal('charts'), result: ChartsResult.optional() }),
        z.object({ task: z.literal('retirement'), result: RetirementResult.optional() }),
      ]),
    )
    .refine((detail) => (detail.result === undefined) !== (detail.resultRef === undefined), {
      message: 'give exactly one of result and resultRef',
      path: ['result'],
    }),
  example: {
    version: 1,
    jobId: EXAMPLE_JOB,
    completedAt: '2026-11-21T09:30:02.000Z',
    durationMs: 12,
    task: 'charts',
    result: {
      charts: [
        {
          id: 'asset-class',
          type: 'donut',
          title: 'Asset classes',
          description: 'Market value by asset class, cash included.',
          unit: 'USD',
          data: [
            { label: 'Equity', value: 29050, percent: 96.03 },
            { label: 'Cash', value: 1200, percent: 3.97 },
          ],
        },
      ],
    },
  },
});

export const SpecialistFailed = defineEvent({
  detailType: 'SpecialistFailed',
  sources: ['alex.reporter', 'alex.charter', 'alex.retirement'],
  version: DETAIL_VERSION,
  description: 'A specialist could not do its task for a job, and says why. Retrying would not help.',
  detail: z.object({
    version: Version,
    metadata: EventMetadata,
    jobId: JobId,
    task: Task,
    failedAt: IsoTime,
    error: z.object({ code: z.string(), message: z.string().max(2000) }),
    modelCalls: ModelCalls,
  }),
  example: {
    version: 1,
    jobId: EXAMPLE_JOB,
    task: 'retirement',
    failedAt: '2026-11-21T09:30:02.000Z',
    error: { code: 'NoPricedPositions', message: 'No position has a price, so there is nothing to project.' },
  },
});

export const JobStatus = z.enum(['completed', 'partial', 'failed']);

export const AnalysisCompleted = defineEvent({
  detailType: 'AnalysisCompleted',
  sources: ['alex.aggregator'],
  version: DETAIL_VERSION,
  description:
    'The consolidated analysis is stored. status is partial when some parts failed or missed the deadline; missing says which.',
  detail: z.object({
    version: Version,
    metadata: EventMetadata,
    jobId: JobId,
    userId: UserId,
    status: z.enum(['completed', 'partial']),
    missing: z.array(z.object({ task: Task, reason: z.string() })),
    completedAt: IsoTime,
    totalValue: z.number(),
    successProbability: z.number().min(0).max(1).nullable(),
  }),
  example: {
    version: 1,
    jobId: EXAMPLE_JOB,
    userId: 'household-42',
    status: 'completed',
    missing: [],
    completedAt: '2026-11-21T09:30:03.000Z',
    totalValue: 30250,
    successProbability: 0.87,
  },
});

export const AnalysisFailed = defineEvent({
  detailType: 'AnalysisFailed',
  sources: ['alex.aggregator', 'alex.planner'],
  version: DETAIL_VERSION,
  description: 'No analysis could be produced for the job; reason says why.',
  detail: z.object({
    version: Version,
    metadata: EventMetadata,
    jobId: JobId,
    userId: UserId.optional(),
    reason: z.string().max(2000),
    failedTasks: z.array(z.object({ task: Task, reason: z.string() })),
    failedAt: IsoTime,
  }),
  example: {
    version: 1,
    jobId: EXAMPLE_JOB,
    userId: 'household-42',
    reason: 'Portfolio for user household-42 not found; load it before requesting an analysis.',
    failedTasks: [],
    failedAt: '2026-11-21T09:30:01.000Z',
  },
});

export const AnalysisDeadlineReached = defineEvent({
  detailType: 'AnalysisDeadlineReached',
  sources: ['alex.planner'],
  version: DETAIL_VERSION,
  description:
    "A job's deadline. The planner schedules it when it creates the job; the aggregator then finishes the job as partial or failed if it has not finished yet. Delivered to the aggregator's queue (delayed), not through the bus.",
  detail: z.object({
    version: Version,
    metadata: EventMetadata,
    jobId: JobId,
    userId: UserId,
    deadline: IsoTime,
  }),
  example: { version: 1, jobId: EXAMPLE_JOB, userId: 'household-42', deadline: '2026-11-21T09:35:00.000Z' },
});

/** Inline document text at most this many UTF-8 bytes; a larger one travels by claim check (contentRef). */
export const MAX_INLINE_DOCUMENT_BYTES = 128 * 1024;

export const DocumentId = z
  .string()
  .regex(
    /^[A-Za-z0-9][A-Za-z0-9._/-]{0,199}$/,
    'must be 1-200 letters, digits, ".", "_", "-" or "/", starting with a letter or digit (e.g. docs/knowledge/bonds.md)',
  );

export const DocumentSubmitted = defineEvent({
  detailType: 'DocumentSubmitted',
  openToOutside: true,
  sources: ['alex.cli', 'alex.api'],
  version: DETAIL_VERSION,
  description:
    'A document for the knowledge base (Markdown, plain text or HTML). The researcher splits it into passages, embeds ' +
    'and stores them; the same documentId with unchanged content changes nothing, with changed content replaces its ' +
    'passages. Content over 128 KiB travels by reference (contentRef, a claim check); exactly one of the two is present.',
  detail: z
    .object({
      version: Version,
      metadata: EventMetadata,
      documentId: DocumentId,
      source: z
        .string()
        .min(1)
        .max(1024)
        .describe('Where the document came from: a path or a URL, shown in citations.'),
      format: z.enum(['markdown', 'text', 'html']),
      content: z
        .string()
        .refine((text) => new TextEncoder().encode(text).length <= MAX_INLINE_DOCUMENT_BYTES, {
          message: `must be at most ${MAX_INLINE_DOCUMENT_BYTES} bytes inline; send a larger document by contentRef`,
        })
        .optional(),
      contentRef: PayloadRef.optional().describe(
        'The stored content (a JSON string), when too large to travel inline.',
      ),
      submittedAt: IsoTime,
    })
    .refine((detail) => (detail.content === undefined) !== (detail.contentRef === undefined), {
      message: 'exactly one of content and contentRef must be present',
      path: ['content'],
    }),
  example: {
    version: 1,
    documentId: 'docs/knowledge/diversification.md',
    source: 'docs/knowledge/diversification.md',
    format: 'markdown',
    content: '# Diversification\n\nHolding many different investments spreads the risk of any one of them.\n',
    submittedAt: EXAMPLE_TIME,
  },
});

export const catalog = {
  AnalysisRequested,
  ClassificationRequested,
  InstrumentsClassified,
  AnalysisPlanned,
  SpecialistCompleted,
  SpecialistFailed,
  AnalysisCompleted,
  AnalysisFailed,
  AnalysisDeadlineReached,
  DocumentSubmitted,
} as const;

export type Catalog = typeof catalog;
export type DetailType = keyof Catalog;
export type Detail<D extends DetailType> = z.output<Catalog[D]['detail']>;
export type DetailInput<D extends DetailType> = z.input<Catalog[D]['detail']>;

export const DETAIL_TYPES = Object.keys(catalog) as DetailType[];

export function isDetailType(value: unknown): value is DetailType {
  return typeof value === 'string' && Object.hasOwn(catalog, value);
}

/** Detail-types other systems may publish; all others are Alex's own. */
export const OPEN_DETAIL_TYPES: readonly DetailType[] = DETAIL_TYPES.filter(
  (detailType) => catalog[detailType].openToOutside === true,
);

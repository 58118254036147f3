/**
 * What one analysis costs on AWS, from the usage counted in an instrumented local run, beside
 * the design Alex replaces. Pure: usage in, dollars out.
 *
 * Model (language model) charges are left out on both sides: the benchmark runs the offline
 * model, and both designs ask a model for the same narrative and classifications.
 */

/**
 * On-demand list prices, US East (N. Virginia), as published on the AWS pricing pages on
 * 2025-06-01 (DynamoDB's after its 2024-11-01 on-demand price cut). First pricing tier, free
 * tiers ignored.
 */
export const PRICES_US_EAST_1 = {
  asOf: '2025-06-01',
  /** aws.amazon.com/lambda/pricing: Arm (Graviton2), first 7.5 billion GB-s a month. */
  lambdaArmPerGbSecond: 0.0000133334,
  /** Per request, either architecture: $0.20 per million. */
  lambdaPerRequest: 0.2 / 1e6,
  /** aws.amazon.com/sqs/pricing: standard queue, $0.40 per million requests; each 64 KB chunk of a payload is a request. */
  sqsPerRequest: 0.4 / 1e6,
  /** aws.amazon.com/eventbridge/pricing: custom events, $1.00 per million; each 64 KB chunk is an event. */
  eventBridgePerEvent: 1.0 / 1e6,
  /** Archive: $0.10 per GB of events processed into it. */
  eventBridgeArchivePerGb: 0.1,
  /** aws.amazon.com/dynamodb/pricing/on-demand: $0.625 per million write request units (1 KB each). */
  dynamoPerWriteUnit: 0.625 / 1e6,
  /** $0.125 per million read request units (4 KB strongly consistent, 8 KB eventually). */
  dynamoPerReadUnit: 0.125 / 1e6,
  /** aws.amazon.com/rds/aurora/pricing, Data API: $0.35 per million requests (first billion); each 32 KB of payload is a request. */
  dataApiPerRequest: 0.35 / 1e6,
} as const;

export type Prices = typeof PRICES_US_EAST_1;

export const KB = 1024;
export const SQS_CHUNK_BYTES = 64 * KB;
export const EVENTBRIDGE_CHUNK_BYTES = 64 * KB;
export const DATA_API_CHUNK_BYTES = 32 * KB;

/** Requests (or events) a payload of `bytes` is billed as, for a service billing per `chunk`. */
export function billedChunks(bytes: number, chunk: number): number {
  return Math.max(1, Math.ceil(bytes / chunk));
}

/** Lambda bills duration rounded up to the millisecond. */
export function billedMs(durationMs: number): number {
  return Math.max(1, Math.ceil(durationMs));
}

/** One function's usage per analysis. */
export interface FunctionUsage {
  memoryMb: number;
  /** Invocations per analysis (fractional when batches hold several analyses' records). */
  invocations: number;
  /** Billed milliseconds per analysis, summed over those invocations. */
  billedMs: number;
}

/** Everything one analysis uses, counted in an instrumented run. */
export interface AnalysisUsage {
  functions: Record<string, FunctionUsage>;
  /** SendMessage (by 64 KB chunk), ReceiveMessage and DeleteMessageBatch calls. */
  sqsRequests: number;
  /** Events put on the bus, by 64 KB chunk. */
  eventBridgeEvents: number;
  /** Bytes of events archived. */
  archivedBytes: number;
  dynamoReadUnits: number;
  dynamoWriteUnits: number;
  /** ExecuteStatement, BeginTransaction and CommitTransaction calls, by 32 KB chunk. */
  dataApiRequests: number;
}

export interface CostBreakdown {
  lambdaCompute: number;
  lambdaRequests: number;
  sqs: number;
  eventBridge: number;
  dynamo: number;
  dataApi: number;
  total: number;
}

export function gbSeconds(memoryMb: number, ms: number): number {
  return (memoryMb / 1024) * (ms / 1000);
}

export function costOfAnalysis(usage: AnalysisUsage, prices: Prices = PRICES_US_EAST_1): CostBreakdown {
  let lambdaCompute = 0;
  let lambdaRequests = 0;
  for (const fn of Object.values(usage.functions)) {
    lambdaCompute += gbSeconds(fn.memoryMb, fn.billedMs) * prices.lambdaArmPerGbSecond;
    lambdaRequests += fn.invocations * prices.lambdaPerRequest;
  }
  const sqs = usage.sqsRequests * prices.sqsPerRequest;
  const eventBridge =
    usage.eventBridgeEvents * prices.eventBridgePerEvent +
    (usage.archivedBytes / 1024 ** 3) * prices.eventBridgeArchivePerGb;
  const dynamo = usage.dynamoReadUnits * prices.dynamoPerReadUnit + usage.dynamoWriteUnits * prices.dynamoPerWriteUnit;
  const dataApi = usage.dataApiRequests * prices.dataApiPerRequest;
  return {
    lambdaCompute,
    lambdaRequests,
    sqs,
    eventBridge,
    dynamo,
    dataApi,
    total: lambdaCompute + lambdaRequests + sqs + eventBridge + dynamo + dataApi,
  };
}

/**
 * The design Alex replaces: a 2 GB planner that waits about five minutes for four 1 GB agents
 * working about two minutes each, all on Lambda. Only its Lambda bill is counted (its queues
 * and database calls are left out), so the ratio flatters the original, not Alex.
 */
export const ORIGINAL_DESIGN = {
  planner: { memoryMb: 2048, seconds: 300 },
  agents: { count: 4, memoryMb: 1024, seconds: 120 },
} as const;

export function costOfOriginal(prices: Prices = PRICES_US_EAST_1): CostBreakdown {
  const { planner, agents } = ORIGINAL_DESIGN;
  const gbs =
    gbSeconds(planner.memoryMb, planner.seconds * 1000) +
    agents.count * gbSeconds(agents.memoryMb, agents.seconds * 1000);
  const lambdaCompute = gbs * prices.lambdaArmPerGbSecond;
  const lambdaRequests = (1 + agents.count) * prices.lambdaPerRequest;
  return {
    lambdaCompute,
    lambdaRequests,
    sqs: 0,
    eventBridge: 0,
    dynamo: 0,
    dataApi: 0,
    total: lambdaCompute + lambdaRequests,
  };
}

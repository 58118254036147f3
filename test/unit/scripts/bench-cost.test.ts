import { describe, expect, it } from 'vitest';
import {
  type AnalysisUsage,
  billedChunks,
  billedMs,
  costOfAnalysis,
  costOfOriginal,
  EVENTBRIDGE_CHUNK_BYTES,
  gbSeconds,
  PRICES_US_EAST_1,
} from '#scripts/bench/cost.ts';

describe('billing units', () => {
  it('rounds Lambda duration up to the millisecond, at least one', () => {
    expect(billedMs(0.2)).toBe(1);
    expect(billedMs(15)).toBe(15);
    expect(billedMs(15.01)).toBe(16);
  });

  it('bills a payload by started chunk', () => {
    expect(billedChunks(10, EVENTBRIDGE_CHUNK_BYTES)).toBe(1);
    expect(billedChunks(64 * 1024, EVENTBRIDGE_CHUNK_BYTES)).toBe(1);
    expect(billedChunks(64 * 1024 + 1, EVENTBRIDGE_CHUNK_BYTES)).toBe(2);
  });

  it('counts GB-seconds from megabytes and milliseconds', () => {
    expect(gbSeconds(512, 2000)).toBe(1);
    expect(gbSeconds(2048, 300_000)).toBe(600);
  });
});

describe('the original design', () => {
  it('is a 2 GB planner for 300 s and four 1 GB agents for 120 s each, on Lambda', () => {
    const original = costOfOriginal();
    // 600 + 4 · 120 = 1,080 GB-s at $0.0000133334, plus 5 requests at $0.20 per million.
    expect(original.lambdaCompute).toBeCloseTo(1080 * 0.0000133334, 12);
    expect(original.lambdaRequests).toBeCloseTo(5 * 0.2e-6, 15);
    expect(original.total).toBeCloseTo(0.014401072, 9);
  });
});

describe('costOfAnalysis', () => {
  const usage: AnalysisUsage = {
    functions: {
      retirement: { memoryMb: 1024, invocations: 1, billedMs: 1000 },
      charter: { memoryMb: 256, invocations: 2, billedMs: 40 },
    },
    sqsRequests: 10,
    eventBridgeEvents: 5,
    archivedBytes: 1024 ** 3,
    dynamoReadUnits: 8,
    dynamoWriteUnits: 16,
    dataApiRequests: 2,
  };

  it('prices each part at the stated unit prices', () => {
    const cost = costOfAnalysis(usage);
    // 1 GB-s + 0.25 GB · 0.04 s = 1.01 GB-s.
    expect(cost.lambdaCompute).toBeCloseTo(1.01 * 0.0000133334, 14);
    expect(cost.lambdaRequests).toBeCloseTo(3 * 0.2e-6, 15);
    expect(cost.sqs).toBeCloseTo(10 * 0.4e-6, 15);
    // 5 events at $1 per million, and one GiB archived at $0.10.
    expect(cost.eventBridge).toBeCloseTo(5e-6 + 0.1, 12);
    expect(cost.dynamo).toBeCloseTo(8 * 0.125e-6 + 16 * 0.625e-6, 15);
    expect(cost.dataApi).toBeCloseTo(2 * 0.35e-6, 15);
    expect(cost.total).toBeCloseTo(
      cost.lambdaCompute + cost.lambdaRequests + cost.sqs + cost.eventBridge + cost.dynamo + cost.dataApi,
      15,
    );
  });

  it('follows the price table it is given', () => {
    const doubled = { ...PRICES_US_EAST_1, dynamoPerWriteUnit: 2 * PRICES_US_EAST_1.dynamoPerWriteUnit };
    const onlyWrites: AnalysisUsage = {
      ...usage,
      functions: {},
      sqsRequests: 0,
      eventBridgeEvents: 0,
      archivedBytes: 0,
      dynamoReadUnits: 0,
      dataApiRequests: 0,
    };
    expect(costOfAnalysis(onlyWrites, doubled).total).toBeCloseTo(2 * costOfAnalysis(onlyWrites).total, 15);
  });
});

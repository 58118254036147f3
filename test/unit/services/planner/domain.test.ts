import { describe, expect, it } from 'vitest';
import { catalog } from '#events/catalog.ts';
import { InvalidInputError } from '#events/errors.ts';
import type { Classification } from '#events/values.ts';
import type { StoredPortfolio } from '#services/common/portfolio-store.ts';
import {
  buildSnapshot,
  deadlineOf,
  parseJobMessage,
  parsePlannerMessage,
  tasksOf,
  unclassifiedInstruments,
} from '#services/planner/domain.ts';

const request = catalog.AnalysisRequested.example;
const portfolio: StoredPortfolio = {
  user: { id: 'u1', name: 'Ana', birthYear: 1980 },
  goals: { retirementAge: 65, lifeExpectancy: 95, annualContribution: 0, annualSpending: 50000, otherIncome: 0 },
  accounts: [{ id: 'a', name: 'Taxable', type: 'taxable', cash: 100 }],
  positions: [
    { accountId: 'a', symbol: 'VTI', name: null, quantity: 3, price: 100.5 },
    { accountId: 'a', symbol: 'ZZZZ', name: 'Zed Fund', quantity: 2, price: null },
  ],
};
const vti: Classification = {
  symbol: 'VTI',
  name: 'Vanguard Total Stock Market ETF',
  instrumentType: 'etf',
  assetClass: { equity: 100 },
  regions: { north_america: 100 },
  sectors: { other: 100 },
  source: 'reference',
  rationale: 'r',
  sources: [],
};

describe('the planner domain', () => {
  it('reads a job as a bare detail or as an EventBridge envelope, and refuses anything else clearly', () => {
    expect(parseJobMessage(JSON.stringify(request)).jobId).toBe(request.jobId);
    const envelope = {
      version: '0',
      id: 'x',
      'detail-type': 'AnalysisRequested',
      source: 'partner',
      account: '1',
      time: '2026-11-21T00:00:00Z',
      region: 'us-east-1',
      resources: [],
      detail: request,
    };
    expect(parseJobMessage(JSON.stringify(envelope)).userId).toBe(request.userId);
    expect(() => parseJobMessage('{')).toThrow(/job message is not valid JSON/);
    expect(() => parseJobMessage(JSON.stringify({ ...envelope, 'detail-type': 'AnalysisPlanned' }))).toThrow(
      InvalidInputError,
    );
    expect(() => parseJobMessage(JSON.stringify({ ...request, userId: '' }))).toThrow(/job message\.userId/);
  });

  it("tells a request (with the replay it came from) from the tagger's answer, in one parse", () => {
    const envelope = {
      version: '0',
      id: 'x',
      'detail-type': 'AnalysisRequested',
      source: 'partner',
      account: '1',
      time: '2026-11-21T00:00:00Z',
      region: 'us-east-1',
      resources: [],
      detail: request,
    };
    expect(parsePlannerMessage(JSON.stringify(request))).toMatchObject({
      kind: 'request',
      replayName: null,
      request: { jobId: request.jobId },
    });
    expect(parsePlannerMessage(JSON.stringify({ ...envelope, 'replay-name': 'r1' }))).toMatchObject({
      kind: 'request',
      replayName: 'r1',
    });
    const classified = {
      ...envelope,
      source: 'alex.tagger',
      'detail-type': 'InstrumentsClassified',
      detail: { version: 1, jobId: request.jobId, instruments: [] },
    };
    expect(parsePlannerMessage(JSON.stringify(classified))).toEqual({ kind: 'classified', jobId: request.jobId });
    // The tagger's answer from anyone else is forged: refused, never applied.
    expect(() => parsePlannerMessage(JSON.stringify({ ...classified, source: 'partner' }))).toThrow(
      /source "partner" may not publish InstrumentsClassified/,
    );
    expect(() => parsePlannerMessage('x'.repeat(262_145))).toThrow(/job message is 262145 bytes/);
  });

  it('plans every task unless some are asked for, in a stable order, with the deadline', () => {
    expect(tasksOf({ ...request, version: 1 })).toEqual(['report', 'charts', 'retirement']);
    expect(tasksOf({ ...request, version: 1, tasks: ['retirement', 'report'] })).toEqual(['report', 'retirement']);
    expect(deadlineOf({ ...request, version: 1, deadlineSeconds: 60 }, new Date('2026-11-21T10:00:00Z'))).toBe(
      '2026-11-21T10:01:00.000Z',
    );
    expect(deadlineOf({ ...request, version: 1 }, new Date('2026-11-21T10:00:00Z'))).toBe('2026-11-21T10:05:00.000Z');
  });

  it('lists instruments without a classification, with their names', () => {
    expect(unclassifiedInstruments(portfolio, [vti])).toEqual([{ symbol: 'ZZZZ', name: 'Zed Fund' }]);
    expect(unclassifiedInstruments(portfolio, [])).toEqual([{ symbol: 'VTI' }, { symbol: 'ZZZZ', name: 'Zed Fund' }]);
  });

  it('freezes values, never invents a missing price, and marks what nobody classified', () => {
    const snapshot = buildSnapshot(portfolio, [vti], new Date('2026-11-21T10:00:00Z'));
    expect(snapshot.positions).toEqual([
      { accountId: 'a', symbol: 'VTI', quantity: 3, price: 100.5, priceSource: 'portfolio', value: 301.5 },
      { accountId: 'a', symbol: 'ZZZZ', quantity: 2, price: null, priceSource: 'missing', value: 0 },
    ]);
    expect(snapshot.instruments.find((i) => i.symbol === 'ZZZZ')).toMatchObject({
      source: 'unclassified',
      name: 'Zed Fund',
      assetClass: {},
    });
    expect(catalog.AnalysisPlanned.detail.shape.snapshot.parse(snapshot)).toBeTruthy();
  });
});

/**
 * The planner's frozen snapshot and its instrument lists, field by field, on a portfolio that
 * holds one symbol in two accounts: what the specialists receive must be exactly the portfolio.
 */
import { describe, expect, it } from 'vitest';
import { catalog } from '#events/catalog.ts';
import { InvalidInputError } from '#events/errors.ts';
import type { Classification } from '#events/values.ts';
import type { StoredPortfolio } from '#services/common/portfolio-store.ts';
import {
  buildSnapshot,
  heldSymbols,
  MAX_JOB_MESSAGE_BYTES,
  parseJobMessage,
  parsePlannerMessage,
  unclassifiedInstruments,
  unclassifiedMarker,
} from '#services/planner/domain.ts';

const goals = { retirementAge: 65, lifeExpectancy: 95, annualContribution: 0, annualSpending: 50000, otherIncome: 0 };
const portfolio: StoredPortfolio = {
  user: { id: 'u1', name: 'Ana', birthYear: 1980 },
  goals,
  accounts: [
    { id: 'a', name: 'Taxable', type: 'taxable', cash: 100 },
    { id: 'b', name: 'Roth', type: 'roth_ira', cash: 0 },
  ],
  positions: [
    { accountId: 'a', symbol: 'ZZZZ', name: 'Zed Fund', quantity: 2, price: null },
    { accountId: 'a', symbol: 'VTI', name: null, quantity: 3, price: 100.333 },
    { accountId: 'b', symbol: 'VTI', name: null, quantity: 1, price: 100.333 },
    { accountId: 'b', symbol: 'QQQ', name: null, quantity: 1, price: 0.5 },
  ],
};
const vti = {
  symbol: 'VTI',
  name: 'Vanguard Total Stock Market ETF',
  instrumentType: 'etf',
  assetClass: { equity: 100 },
  regions: { north_america: 100 },
  sectors: { other: 100 },
  source: 'reference',
  rationale: 'r',
  sources: [],
} as Classification;

describe('the planner’s snapshot', () => {
  it('freezes the owner, goals, accounts and the time of planning', () => {
    const snapshot = buildSnapshot(portfolio, [vti], new Date('2026-11-21T10:00:00Z'));
    expect(snapshot).toMatchObject({
      userId: 'u1',
      asOf: '2026-11-21T10:00:00.000Z',
      currency: 'USD',
      owner: { name: 'Ana', birthYear: 1980 },
      goals,
      accounts: [
        { id: 'a', name: 'Taxable', type: 'taxable', cash: 100 },
        { id: 'b', name: 'Roth', type: 'roth_ira', cash: 0 },
      ],
    });
  });

  it('values each position at its price, to the cent', () => {
    const snapshot = buildSnapshot(portfolio, [vti], new Date('2026-11-21T10:00:00Z'));
    // 3 × 100.333 = 300.999 → 301.00; 1 × 100.333 → 100.33; 1 × 0.5 → 0.5.
    expect(snapshot.positions.map((p) => [p.accountId, p.symbol, p.value])).toEqual([
      ['a', 'ZZZZ', 0],
      ['a', 'VTI', 301],
      ['b', 'VTI', 100.33],
      ['b', 'QQQ', 0.5],
    ]);
  });

  it('lists each held instrument once, sorted, and marks those nobody classified with their name', () => {
    expect(heldSymbols(portfolio)).toEqual(['QQQ', 'VTI', 'ZZZZ']);
    const snapshot = buildSnapshot(portfolio, [vti], new Date('2026-11-21T10:00:00Z'));
    expect(snapshot.instruments.map((i) => [i.symbol, i.name, i.source])).toEqual([
      ['QQQ', 'QQQ', 'unclassified'],
      ['VTI', 'Vanguard Total Stock Market ETF', 'reference'],
      ['ZZZZ', 'Zed Fund', 'unclassified'],
    ]);
    expect(snapshot.instruments[2]).toEqual({
      symbol: 'ZZZZ',
      name: 'Zed Fund',
      instrumentType: 'other',
      assetClass: {},
      regions: {},
      sectors: {},
      source: 'unclassified',
      rationale: 'No classification was stored for this instrument when the job was planned.',
      sources: [],
    });
  });

  it('asks for each unclassified symbol once, however many accounts hold it', () => {
    expect(unclassifiedInstruments(portfolio, [])).toEqual([
      { symbol: 'ZZZZ', name: 'Zed Fund' },
      { symbol: 'VTI' },
      { symbol: 'QQQ' },
    ]);
  });

  it('names a marker after its symbol when no name is known, and keeps the reason given', () => {
    expect(unclassifiedMarker('XYZ', null, 'the tagger gave up')).toMatchObject({
      name: 'XYZ',
      rationale: 'the tagger gave up',
    });
    expect(unclassifiedMarker('XYZ', undefined, 'why').name).toBe('XYZ');
  });
});

describe('the job message size', () => {
  it('accepts a message of exactly the queue’s limit, counting UTF-8 bytes', () => {
    const base = JSON.stringify(catalog.AnalysisRequested.example);
    // Trailing spaces keep the JSON valid: the message is exactly MAX_JOB_MESSAGE_BYTES long.
    const exact = base + ' '.repeat(MAX_JOB_MESSAGE_BYTES - base.length);
    expect(parseJobMessage(exact).jobId).toBe(catalog.AnalysisRequested.example.jobId);
    // "é" is one character but two bytes: as many characters, one byte over the limit.
    const accented = `${base}é${' '.repeat(MAX_JOB_MESSAGE_BYTES - base.length - 1)}`;
    expect(accented.length).toBe(MAX_JOB_MESSAGE_BYTES);
    expect(() => parseJobMessage(accented)).toThrow(
      `job message is ${MAX_JOB_MESSAGE_BYTES + 1} bytes; the jobs queue accepts at most ${MAX_JOB_MESSAGE_BYTES} bytes`,
    );
  });
});

describe('a scheduled job message', () => {
  const scheduled = {
    version: 1,
    scheduleId: '3f2504e0-4f89-41d3-9a0c-0305e82c3301',
    userId: 'u1',
    scheduledTime: '2027-03-22T18:59:00.000Z',
  };

  it('becomes the request of its slot, whose jobId is the same for every sender', () => {
    // Python's uuid.uuid5(UUID('7b0f6c8e-…'), '3f2504e0-…/2027-03-22T18:59:00Z'), worked out apart.
    expect(parsePlannerMessage(JSON.stringify(scheduled))).toEqual({
      kind: 'request',
      replayName: null,
      request: {
        version: 1,
        jobId: '58380275-9678-5ab0-b2a4-e61638035f97',
        userId: 'u1',
        requestedAt: '2027-03-22T18:59:00Z',
      },
    });
  });

  it('is refused naming the field when its schedule id is no UUID', () => {
    expect(() => parseJobMessage(JSON.stringify({ ...scheduled, scheduleId: 'nightly' }))).toThrow(
      'scheduled job message.scheduleId: must be the schedule id (a UUID)',
    );
  });

  it('is not mistaken for JSON that is no object', () => {
    for (const body of ['null', '5', '"scheduleId"']) {
      expect(() => parseJobMessage(body), body).toThrow(InvalidInputError);
      expect(() => parseJobMessage(body), body).toThrow(/^job message/);
    }
  });
});

/**
 * The planner's decisions, pure: which job was asked for, which instruments still need a
 * classification, and the frozen snapshot the specialists will work from.
 */
import { catalog, type Detail, MAX_INSTRUMENTS_PER_REQUEST } from '#events/catalog.ts';
import { isEnvelope, parseEnvelope, parseJson } from '#events/envelope.ts';
import { InvalidInputError } from '#events/errors.ts';
import { requestOfScheduled, ScheduledAnalysis } from '#events/scheduled-request.ts';
import { type Classification, round, type Snapshot, TASKS, type Task } from '#events/values.ts';
import type { StoredPortfolio } from '../common/portfolio-store.ts';
import { FILE_PRICES_ONLY, type PriceBook, priceOfPosition } from './prices/refresh.ts';

export const DEFAULT_DEADLINE_SECONDS = 300;

export type AnalysisRequest = Detail<'AnalysisRequested'>;

/**
 * The jobs queue's MaximumMessageSize: SQS's default of 256 KiB, which the core stack keeps. On
 * AWS, SendMessage refuses a larger body; the planner refuses it too, so a local or redriven
 * message gets the same answer.
 */
export const MAX_JOB_MESSAGE_BYTES = 262_144;

/**
 * A jobs-queue message is the EventBridge envelope a rule delivered, the bare AnalysisRequested
 * detail a client sent with SendMessage, or a scheduled analysis (a schedule id and slot time,
 * from EventBridge Scheduler or alex serve) whose jobId is derived from the two.
 */
export function parseJobMessage(body: string): AnalysisRequest {
  return jobRequestOf(parseMessage(body)).request;
}

/** What reaches the planner: a job request (from its jobs queue) or the tagger's answer (its own queue). */
export type PlannerMessage =
  | { kind: 'request'; request: AnalysisRequest; replayName: string | null }
  | { kind: 'classified'; jobId: string };

/** Reads a planner message with one parse, the size checked first. */
export function parsePlannerMessage(body: string): PlannerMessage {
  const raw = parseMessage(body);
  if (isEnvelope(raw) && raw['detail-type'] === 'InstrumentsClassified') {
    return { kind: 'classified', jobId: parseEnvelope(raw, ['InstrumentsClassified']).detail.jobId };
  }
  return { kind: 'request', ...jobRequestOf(raw) };
}

function parseMessage(body: string): unknown {
  // Stryker disable next-line StringLiteral: Node reads an unknown encoding name as UTF-8
  const bytes = Buffer.byteLength(body, 'utf8');
  if (bytes > MAX_JOB_MESSAGE_BYTES) {
    throw new InvalidInputError(
      `job message is ${bytes} bytes; the jobs queue accepts at most ${MAX_JOB_MESSAGE_BYTES} bytes (an AnalysisRequested needs well under 1 KB)`,
    );
  }
  return parseJson(body, 'job message');
}

/** The request, and the replay it came from if the bus replayed it. */
function jobRequestOf(raw: unknown): { request: AnalysisRequest; replayName: string | null } {
  if (typeof raw === 'object' && raw !== null && 'scheduleId' in raw) {
    const scheduled = InvalidInputError.parse(ScheduledAnalysis, raw, 'scheduled job message');
    return { request: requestOfScheduled(scheduled), replayName: null };
  }
  if (!isEnvelope(raw))
    return { request: InvalidInputError.parse(catalog.AnalysisRequested.detail, raw, 'job message'), replayName: null };
  const envelope = parseEnvelope(raw, ['AnalysisRequested']);
  return { request: envelope.detail, replayName: envelope['replay-name'] ?? null };
}

export function tasksOf(request: AnalysisRequest): Task[] {
  const wanted = new Set(request.tasks ?? TASKS);
  return TASKS.filter((task) => wanted.has(task));
}

export function deadlineOf(request: Partial<AnalysisRequest>, plannedAt: Date): string {
  const seconds = request.deadlineSeconds ?? DEFAULT_DEADLINE_SECONDS;
  return new Date(plannedAt.getTime() + seconds * 1000).toISOString();
}

/** Symbols held in the portfolio that have no stored classification, with a name if known. */
export function unclassifiedInstruments(
  portfolio: StoredPortfolio,
  classifications: readonly Classification[],
): Array<{ symbol: string; name?: string }> {
  const known = new Set(classifications.map((c) => c.symbol));
  const missing = new Map<string, string | undefined>();
  for (const position of portfolio.positions) {
    if (!known.has(position.symbol) && !missing.has(position.symbol)) {
      missing.set(position.symbol, position.name ?? undefined);
    }
  }
  return [...missing].map(([symbol, name]) => (name ? { symbol, name } : { symbol }));
}

/**
 * The instruments to classify, split into ClassificationRequested-sized batches. Sorted by
 * symbol first, so a duplicate of the same request batches identically (the tagger's key is the
 * job and the symbols asked for).
 */
export function classificationBatches<I extends { symbol: string }>(
  instruments: readonly I[],
  size = MAX_INSTRUMENTS_PER_REQUEST,
): I[][] {
  // Stryker disable next-line EqualityOperator,ConditionalExpression: the symbols are unique (never equal), and V8's
  // sort reads only whether the comparison is negative, so 0 and 1 for "after" sort alike
  const sorted = [...instruments].sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  const batches: I[][] = [];
  for (let start = 0; start < sorted.length; start += size) batches.push(sorted.slice(start, start + size));
  return batches;
}

export function heldSymbols(portfolio: StoredPortfolio): string[] {
  return [...new Set(portfolio.positions.map((p) => p.symbol))].sort();
}

/** The marker stored for an instrument nobody could classify: shown as such, never guessed. */
export function unclassifiedMarker(symbol: string, name: string | null | undefined, why: string): Classification {
  return {
    symbol,
    name: name ?? symbol,
    instrumentType: 'other',
    assetClass: {},
    regions: {},
    sectors: {},
    source: 'unclassified',
    rationale: why,
    sources: [],
  };
}

/**
 * Freezes the portfolio with prices and classifications for the specialists. `prices` is what
 * the planner's price refresh found (services/planner/prices/refresh.ts); without it each
 * position keeps its file price or is missing.
 */
export function buildSnapshot(
  portfolio: StoredPortfolio,
  classifications: readonly Classification[],
  asOf: Date,
  prices: PriceBook = FILE_PRICES_ONLY,
): Snapshot {
  const bySymbol = new Map(classifications.map((c) => [c.symbol, c]));
  const instruments = heldSymbols(portfolio).map((symbol) => {
    const known = bySymbol.get(symbol);
    if (known) return known;
    // Stryker disable next-line OptionalChaining: every held symbol comes from a position, so find always finds one
    const name = portfolio.positions.find((p) => p.symbol === symbol)?.name;
    return unclassifiedMarker(
      symbol,
      name,
      'No classification was stored for this instrument when the job was planned.',
    );
  });
  return {
    userId: portfolio.user.id,
    asOf: asOf.toISOString(),
    currency: 'USD',
    owner: { name: portfolio.user.name, birthYear: portfolio.user.birthYear },
    goals: portfolio.goals,
    accounts: portfolio.accounts.map((a) => ({
      id: a.id,
      name: a.name,
      type: a.type as Snapshot['accounts'][number]['type'],
      cash: a.cash,
    })),
    positions: portfolio.positions.map((p) => {
      const { price, priceSource } = priceOfPosition(p, prices);
      // A missing price is reported as missing and contributes no value; it is never invented.
      return {
        accountId: p.accountId,
        symbol: p.symbol,
        quantity: p.quantity,
        price,
        priceSource,
        // Stryker disable next-line ConditionalExpression: round(quantity × null, 2) is 0 as well
        value: price === null ? 0 : round(p.quantity * price, 2),
      };
    }),
    instruments,
  };
}

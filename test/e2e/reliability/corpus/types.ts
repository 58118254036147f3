/**
 * The shape of a bad-input case: what is sent, and what must happen to it. Cases are data so
 * the corpus can grow without touching the test that runs it.
 */

/** The kinds of bad input issue 6 asks the corpus to cover. */
export const CATEGORIES = [
  'malformed',
  'missing-field',
  'wrong-type',
  'oversized',
  'invalid-symbol',
  'hostile-string',
  'unknown-version',
] as const;
export type Category = (typeof CATEGORIES)[number];

export interface Expectation {
  /**
   * dlq: accepted by the queue or bus, then sent to a DLQ with the reason at the first receive;
   * refused: rejected at the door (PutEvents, the CLI) with the reason, nothing stored or sent;
   * ignored: a detail-type no rule matches, so nothing is delivered (not an error, as on EventBridge).
   */
  kind: 'dlq' | 'refused' | 'ignored';
  /** DLQ(s) the entry must land in, one entry in each. */
  queues?: readonly string[];
  reason?: RegExp;
}

export interface Case<Input> {
  name: string;
  category?: Category;
  input: Input;
  expect: Expectation;
}

/** A message body sent to the jobs queue with SendMessage. */
export type JobMessageCase = Case<string>;

/** An entry another system puts on the bus with PutEvents. */
export type EventCase = Case<{ detailType: string; source: string; detail: unknown }>;

/** A file handed to `alex analyze`: its text, or a folder where a file should be. */
export const A_FOLDER = Symbol('a folder instead of a file');
export type PortfolioCase = Case<string | typeof A_FOLDER>;

export const JOBS_DLQ = 'alex-jobs-dlq';

/** Distinct, valid jobIds, so each case's DLQ entry can be told apart by its body. */
export function jobIdFor(n: number): string {
  return `00000000-0000-4000-8000-${n.toString(16).padStart(12, '0')}`;
}

export const REQUESTED_AT = '2026-11-21T09:30:00.000Z';
export const USER_ID = 'rivera-household';

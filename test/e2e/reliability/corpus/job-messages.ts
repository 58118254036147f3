/**
 * Bodies a client might send to the jobs queue with SendMessage. Each is rejected by the planner
 * at the first receive and lands in the jobs DLQ with a reason naming the field.
 */
import { type Category, JOBS_DLQ, type JobMessageCase, jobIdFor, REQUESTED_AT, USER_ID } from './types.ts';

let next = 0x100;
/** A valid AnalysisRequested detail with its own jobId, changed by `change`. */
function request(change: (detail: Record<string, unknown>) => void = () => {}): string {
  const detail: Record<string, unknown> = {
    version: 1,
    jobId: jobIdFor(next++),
    userId: USER_ID,
    requestedAt: REQUESTED_AT,
  };
  change(detail);
  return JSON.stringify(detail);
}

/** The same detail inside the envelope an EventBridge rule would deliver. */
function envelope(change: (envelope: Record<string, unknown>) => void): string {
  const wrapped: Record<string, unknown> = {
    version: '0',
    id: `e${next}`,
    'detail-type': 'AnalysisRequested',
    source: 'partner.crm',
    account: '000000000000',
    time: '2026-11-21T09:30:00Z',
    region: 'us-east-1',
    resources: [],
    detail: JSON.parse(request()),
  };
  change(wrapped);
  return JSON.stringify(wrapped);
}

function dlq(name: string, category: Category, input: string, reason: RegExp): JobMessageCase {
  return { name, category, input, expect: { kind: 'dlq', queues: [JOBS_DLQ], reason } };
}

export const jobMessageCases: JobMessageCase[] = [
  // Not a job message at all.
  dlq('plain text', 'malformed', 'this is not json', /message is not valid JSON/),
  dlq('truncated JSON', 'malformed', '{"version":1,"jobId":', /message is not valid JSON/),
  dlq('a JSON array', 'malformed', '[{"version":1}]', /job message: Invalid input: expected object, received array/),
  dlq('JSON null', 'malformed', 'null', /job message: Invalid input: expected object, received null/),
  dlq(
    'a JSON string',
    'malformed',
    '"AnalysisRequested"',
    /job message: Invalid input: expected object, received string/,
  ),
  dlq(
    'an empty object',
    'missing-field',
    '{}',
    /job message\.version: unsupported version.*\(and 3 more: .*job message\.jobId.*job message\.userId.*job message\.requestedAt/,
  ),

  // Missing fields.
  dlq(
    'no jobId',
    'missing-field',
    request((d) => delete d.jobId),
    /job message\.jobId: /,
  ),
  dlq(
    'no userId',
    'missing-field',
    request((d) => delete d.userId),
    /job message\.userId: /,
  ),
  dlq(
    'no requestedAt',
    'missing-field',
    request((d) => delete d.requestedAt),
    /job message\.requestedAt: /,
  ),
  dlq(
    'no version',
    'missing-field',
    request((d) => delete d.version),
    /job message\.version: unsupported version; this release understands version 1/,
  ),
  dlq(
    'an envelope without its time',
    'missing-field',
    envelope((e) => delete e.time),
    /event\.time: /,
  ),

  // Wrong types.
  dlq(
    'jobId as a number',
    'wrong-type',
    request((d) => (d.jobId = 42)),
    /job message\.jobId: /,
  ),
  dlq(
    'version as a string',
    'wrong-type',
    request((d) => (d.version = '1')),
    /job message\.version: unsupported version/,
  ),
  dlq(
    'requestedAt in words',
    'wrong-type',
    request((d) => (d.requestedAt = 'yesterday')),
    /job message\.requestedAt: Invalid ISO datetime/,
  ),
  dlq(
    'tasks as a string',
    'wrong-type',
    request((d) => (d.tasks = 'report')),
    /job message\.tasks: Invalid input: expected array, received string/,
  ),
  dlq(
    'an unknown task',
    'wrong-type',
    request((d) => (d.tasks = ['report', 'horoscope'])),
    /job message\.tasks\[1\]: Invalid option: expected one of "report"\|"charts"\|"retirement"/,
  ),
  dlq(
    'deadlineSeconds as a string',
    'wrong-type',
    request((d) => (d.deadlineSeconds = '300')),
    /job message\.deadlineSeconds: Invalid input: expected number, received string/,
  ),
  dlq(
    'deadlineSeconds not whole',
    'wrong-type',
    request((d) => (d.deadlineSeconds = 12.5)),
    /job message\.deadlineSeconds: Invalid input: expected int/,
  ),
  dlq(
    'an envelope of another detail-type',
    'wrong-type',
    envelope((e) => (e['detail-type'] = 'AnalysisPlanned')),
    /detail-type "AnalysisPlanned" is not one this consumer handles \(expected AnalysisRequested\)/,
  ),

  // Unknown versions.
  dlq(
    'version 2',
    'unknown-version',
    request((d) => (d.version = 2)),
    /job message\.version: unsupported version; this release understands version 1 \(set detail\.version to 1\)/,
  ),
  dlq(
    'version 0',
    'unknown-version',
    request((d) => (d.version = 0)),
    /job message\.version: unsupported version/,
  ),
  dlq(
    'an envelope whose detail is version 3',
    'unknown-version',
    envelope((e) => ((e.detail as Record<string, unknown>).version = 3)),
    /AnalysisRequested detail\.version: unsupported version/,
  ),

  // Oversized.
  dlq(
    'four tasks where three exist',
    'oversized',
    request((d) => (d.tasks = ['report', 'charts', 'retirement', 'report'])),
    /job message\.tasks: Too big: expected array to have <=3 items/,
  ),
  dlq(
    'a deadline of a day',
    'oversized',
    request((d) => (d.deadlineSeconds = 86_400)),
    /job message\.deadlineSeconds: Too big: expected number to be <=3600/,
  ),
  dlq(
    'a 65-character userId',
    'oversized',
    request((d) => (d.userId = 'u'.repeat(65))),
    /job message\.userId: must be 1–64 letters, digits/,
  ),
  dlq(
    'a message over the 256 KiB queue limit',
    'oversized',
    request((d) => (d.notes = 'x'.repeat(300_000))),
    /job message is 300\d{3} bytes; the jobs queue accepts at most 262144 bytes/,
  ),

  // Hostile strings: none reaches a query, a path or a page.
  dlq(
    'SQL in the userId',
    'hostile-string',
    request((d) => (d.userId = "x'; DROP TABLE jobs; --")),
    /job message\.userId: must be 1–64 letters, digits/,
  ),
  dlq(
    'a path in the userId',
    'hostile-string',
    request((d) => (d.userId = '../../etc/passwd')),
    /job message\.userId: must be 1–64 letters, digits/,
  ),
  dlq(
    'a script as the jobId',
    'hostile-string',
    request((d) => (d.jobId = '<script>alert(1)</script>')),
    /job message\.jobId: must be a UUID/,
  ),
  dlq(
    'a right-to-left override in the userId',
    'hostile-string',
    request((d) => (d.userId = 'rivera\u202Edlohesuoh')),
    /job message\.userId: must be 1–64 letters, digits/,
  ),
  dlq(
    'a NUL character in the userId',
    'hostile-string',
    request((d) => (d.userId = 'rivera\u0000household')),
    /message\.userId: contains a NUL character \(U\+0000\)/,
  ),
  dlq(
    'the jobId hidden under __proto__',
    'hostile-string',
    `{"__proto__":{"jobId":"${jobIdFor(0xfff)}"},"version":1,"userId":"${USER_ID}","requestedAt":"${REQUESTED_AT}"}`,
    /job message\.jobId: /,
  ),
  dlq(
    'a raw control character in a string',
    'hostile-string',
    `{"version":1,"userId":"a\u0001b","jobId":"${jobIdFor(0xffe)}","requestedAt":"${REQUESTED_AT}"}`,
    /message is not valid JSON: Bad control character/,
  ),
];

/**
 * Entries other systems put on the bus with PutEvents. Some are refused at the bus as
 * EventBridge would refuse them; the rest are delivered by a rule and rejected by the consuming
 * service, landing in that service's DLQ with the reason. A few match no rule and are ignored.
 */
import { type Category, type EventCase, JOBS_DLQ, jobIdFor, REQUESTED_AT, USER_ID } from './types.ts';

const TAGGER_DLQ = 'alex-tagger-dlq';
const PLANNER_DLQ = 'alex-planner-dlq';
const CHARTER_DLQ = 'alex-charter-dlq';
const AGGREGATOR_DLQ = 'alex-aggregator-dlq';

let next = 0x200;
const newJobId = () => jobIdFor(next++);

function analysisRequested(change: (detail: Record<string, unknown>) => void = () => {}): EventCase['input'] {
  const detail: Record<string, unknown> = { version: 1, jobId: newJobId(), userId: USER_ID, requestedAt: REQUESTED_AT };
  change(detail);
  return { detailType: 'AnalysisRequested', source: 'partner.crm', detail };
}

function classificationRequested(
  change: (detail: Record<string, unknown>, instrument: Record<string, unknown>) => void,
): EventCase['input'] {
  const instrument: Record<string, unknown> = { symbol: 'FSKAX', name: 'Fidelity Total Market Index Fund' };
  const detail: Record<string, unknown> = { version: 1, jobId: newJobId(), instruments: [instrument] };
  change(detail, instrument);
  return { detailType: 'ClassificationRequested', source: 'partner.research', detail };
}

function dlq(name: string, category: Category, input: EventCase['input'], queues: string[], reason: RegExp): EventCase {
  return { name, category, input, expect: { kind: 'dlq', queues, reason } };
}

function refused(name: string, category: Category, input: EventCase['input'], reason: RegExp): EventCase {
  return { name, category, input, expect: { kind: 'refused', reason } };
}

/** `depth` arrays nested inside one another. */
function nested(depth: number): unknown {
  let value: unknown = [];
  for (let i = 1; i < depth; i++) value = [value];
  return value;
}

export const eventCases: EventCase[] = [
  // Refused at the bus, as PutEvents refuses them: nothing archived, nothing delivered.
  refused(
    'a detail that is an array',
    'malformed',
    { detailType: 'AnalysisRequested', source: 'partner.crm', detail: [] },
    /entry\.Detail: must be a JSON object, not an array/,
  ),
  refused(
    'a detail that is a string',
    'malformed',
    { detailType: 'AnalysisRequested', source: 'partner.crm', detail: 'please analyse' },
    /entry\.Detail: must be a JSON object, not a string/,
  ),
  refused(
    'a detail that is null',
    'malformed',
    { detailType: 'AnalysisRequested', source: 'partner.crm', detail: null },
    /entry\.Detail: must be a JSON object, not null/,
  ),
  refused('no source', 'missing-field', { ...analysisRequested(), source: '' }, /entry\.Source: is required/),
  refused(
    'no detail-type',
    'missing-field',
    { ...analysisRequested(), detailType: ' ' },
    /entry\.DetailType: is required/,
  ),
  refused(
    'a detail over the 256 KB entry limit',
    'oversized',
    analysisRequested((d) => (d.attachment = 'x'.repeat(300_000))),
    /AnalysisRequested event from partner\.crm is 300\d{3} bytes; EventBridge accepts at most 262144 bytes per entry/,
  ),
  refused(
    'a detail nested 1,200 levels deep',
    'hostile-string',
    analysisRequested((d) => (d.extra = nested(1_200))),
    /entry\.Detail: is nested more than 1100 levels deep/,
  ),

  // AnalysisRequested from another system: the rule takes any source to the jobs queue.
  dlq(
    'AnalysisRequested without a jobId',
    'missing-field',
    analysisRequested((d) => delete d.jobId),
    [JOBS_DLQ],
    /AnalysisRequested detail\.jobId: /,
  ),
  dlq(
    'AnalysisRequested without a version',
    'missing-field',
    analysisRequested((d) => delete d.version),
    [JOBS_DLQ],
    /AnalysisRequested detail\.version: unsupported version/,
  ),
  dlq(
    'AnalysisRequested version 2',
    'unknown-version',
    analysisRequested((d) => (d.version = 2)),
    [JOBS_DLQ],
    /AnalysisRequested detail\.version: unsupported version; this release understands version 1/,
  ),
  dlq(
    'AnalysisRequested with a numeric userId',
    'wrong-type',
    analysisRequested((d) => (d.userId = 42)),
    [JOBS_DLQ],
    /AnalysisRequested detail\.userId: Invalid input: expected string, received number/,
  ),
  dlq(
    'AnalysisRequested asking for no tasks',
    'wrong-type',
    analysisRequested((d) => (d.tasks = [])),
    [JOBS_DLQ],
    /AnalysisRequested detail\.tasks: Too small: expected array to have >=1 items/,
  ),
  dlq(
    'AnalysisRequested with SQL in the userId',
    'hostile-string',
    analysisRequested((d) => (d.userId = "' OR 1=1 --")),
    [JOBS_DLQ],
    /AnalysisRequested detail\.userId: must be 1–64 letters, digits/,
  ),

  // ClassificationRequested from another system: the rule takes any source to the tagger.
  dlq(
    'ClassificationRequested without instruments',
    'missing-field',
    classificationRequested((d) => delete d.instruments),
    [TAGGER_DLQ],
    /ClassificationRequested detail\.instruments: Invalid input: expected array, received undefined/,
  ),
  dlq(
    'ClassificationRequested without a jobId',
    'missing-field',
    classificationRequested((d) => delete d.jobId),
    [TAGGER_DLQ],
    /ClassificationRequested detail\.jobId: /,
  ),
  dlq(
    'ClassificationRequested with no instruments',
    'missing-field',
    classificationRequested((d) => (d.instruments = [])),
    [TAGGER_DLQ],
    /ClassificationRequested detail\.instruments: Too small: expected array to have >=1 items/,
  ),
  dlq(
    'ClassificationRequested version 99',
    'unknown-version',
    classificationRequested((d) => (d.version = 99)),
    [TAGGER_DLQ],
    /ClassificationRequested detail\.version: unsupported version/,
  ),
  dlq(
    'a numeric symbol',
    'wrong-type',
    classificationRequested((_, i) => (i.symbol = 123)),
    [TAGGER_DLQ],
    /ClassificationRequested detail\.instruments\[0\]\.symbol: Invalid input: expected string, received number/,
  ),
  dlq(
    '101 instruments in one request',
    'oversized',
    classificationRequested((d) => (d.instruments = Array.from({ length: 101 }, (_, n) => ({ symbol: `X${n}` })))),
    [TAGGER_DLQ],
    /ClassificationRequested detail\.instruments: Too big: expected array to have <=100 items/,
  ),
  dlq(
    'a 201-character instrument name',
    'oversized',
    classificationRequested((_, i) => (i.name = 'N'.repeat(201))),
    [TAGGER_DLQ],
    /ClassificationRequested detail\.instruments\[0\]\.name: Too big: expected string to have <=200 characters/,
  ),
  dlq(
    'a lower-case symbol',
    'invalid-symbol',
    classificationRequested((_, i) => (i.symbol = 'vti')),
    [TAGGER_DLQ],
    /instruments\[0\]\.symbol: must be an upper-case ticker/,
  ),
  dlq(
    'a symbol with a space and a dollar',
    'invalid-symbol',
    classificationRequested((_, i) => (i.symbol = '$VT I')),
    [TAGGER_DLQ],
    /instruments\[0\]\.symbol: must be an upper-case ticker/,
  ),
  dlq(
    'an 11-letter symbol',
    'invalid-symbol',
    classificationRequested((_, i) => (i.symbol = 'ABCDEFGHIJK')),
    [TAGGER_DLQ],
    /instruments\[0\]\.symbol: must be an upper-case ticker/,
  ),
  dlq(
    'a symbol with a Cyrillic look-alike letter',
    'invalid-symbol',
    classificationRequested((_, i) => (i.symbol = 'V\u0422I')),
    [TAGGER_DLQ],
    /instruments\[0\]\.symbol: must be an upper-case ticker/,
  ),
  dlq(
    'a symbol with two class suffixes',
    'invalid-symbol',
    classificationRequested((_, i) => (i.symbol = 'BRK.B.C')),
    [TAGGER_DLQ],
    /instruments\[0\]\.symbol: must be an upper-case ticker/,
  ),
  dlq(
    'an empty symbol',
    'invalid-symbol',
    classificationRequested((_, i) => (i.symbol = '')),
    [TAGGER_DLQ],
    /instruments\[0\]\.symbol: must be an upper-case ticker/,
  ),
  dlq(
    'a script as the symbol',
    'hostile-string',
    classificationRequested((_, i) => (i.symbol = '<script>alert(1)</script>')),
    [TAGGER_DLQ],
    /instruments\[0\]\.symbol: must be an upper-case ticker/,
  ),
  dlq(
    'a NUL character in an instrument name',
    'hostile-string',
    classificationRequested((_, i) => (i.name = 'Total\u0000Market')),
    [TAGGER_DLQ],
    /message\.detail\.instruments\[0\]\.name: contains a NUL character \(U\+0000\), which cannot be stored/,
  ),

  // Events only Alex's services publish, forged under their sources by another system.
  dlq(
    'InstrumentsClassified with an unknown classification source',
    'wrong-type',
    {
      detailType: 'InstrumentsClassified',
      source: 'alex.tagger',
      detail: { version: 1, jobId: newJobId(), instruments: [{ symbol: 'VTI', source: 'oracle' }] },
    },
    [PLANNER_DLQ],
    /InstrumentsClassified detail\.instruments\[0\]\.source: Invalid option/,
  ),
  dlq(
    'InstrumentsClassified with a jobId that is not a UUID',
    'wrong-type',
    {
      detailType: 'InstrumentsClassified',
      source: 'alex.tagger',
      detail: { version: 1, jobId: 'job-1', instruments: [] },
    },
    [PLANNER_DLQ],
    /InstrumentsClassified detail\.jobId: must be a UUID/,
  ),
  dlq(
    'AnalysisPlanned without a snapshot',
    'missing-field',
    {
      detailType: 'AnalysisPlanned',
      source: 'alex.planner',
      detail: {
        version: 1,
        jobId: newJobId(),
        userId: USER_ID,
        tasks: ['charts'],
        requestedAt: REQUESTED_AT,
        plannedAt: REQUESTED_AT,
        deadline: REQUESTED_AT,
      },
    },
    [CHARTER_DLQ, AGGREGATOR_DLQ],
    /AnalysisPlanned detail\.snapshot: give exactly one of snapshot and snapshotRef/,
  ),
  dlq(
    'SpecialistCompleted for a task that does not exist',
    'wrong-type',
    {
      detailType: 'SpecialistCompleted',
      source: 'alex.charter',
      detail: {
        version: 1,
        jobId: newJobId(),
        completedAt: REQUESTED_AT,
        durationMs: 3,
        task: 'horoscope',
        result: {},
      },
    },
    [AGGREGATOR_DLQ],
    /SpecialistCompleted detail/,
  ),
  dlq(
    'SpecialistFailed version 2',
    'unknown-version',
    {
      detailType: 'SpecialistFailed',
      source: 'alex.retirement',
      detail: {
        version: 2,
        jobId: newJobId(),
        task: 'retirement',
        failedAt: REQUESTED_AT,
        error: { code: 'X', message: 'y' },
      },
    },
    [AGGREGATOR_DLQ],
    /SpecialistFailed detail\.version: unsupported version/,
  ),

  // Matching no rule is not an error: EventBridge simply delivers such events nowhere.
  {
    name: 'an unknown detail-type',
    input: { ...analysisRequested(), detailType: 'AnalysisRequestedV2' },
    expect: { kind: 'ignored' },
  },
  {
    name: 'a detail-type in the wrong case',
    input: { ...analysisRequested(), detailType: 'analysisrequested' },
    expect: { kind: 'ignored' },
  },
  {
    name: 'InstrumentsClassified from a source other than the tagger',
    input: {
      detailType: 'InstrumentsClassified',
      source: 'partner.crm',
      detail: { version: 1, jobId: newJobId(), instruments: [] },
    },
    expect: { kind: 'ignored' },
  },
];

import { describe, expect, it } from 'vitest';
import { catalog } from '#events/catalog.ts';
import { isEnvelope, parseEnvelope, parseJson } from '#events/envelope.ts';
import { InvalidInputError } from '#events/errors.ts';

/** An SpecialistCompleted envelope as a rule delivers it, with a chart that omits its unit. */
function completedEnvelope(): Record<string, unknown> {
  const example = catalog.SpecialistCompleted.example;
  const chart = {
    id: 'cash',
    type: 'bar',
    title: 'Cash',
    description: 'Cash by account.',
    data: [{ label: 'Roth IRA', value: 1200 }],
  };
  return {
    version: '0',
    id: '9c1e3a0b-5d4f-4e2a-8b7c-0a1b2c3d4e5f',
    'detail-type': 'SpecialistCompleted',
    source: 'alex.charter',
    account: '123456789012',
    time: '2026-11-21T09:30:02Z',
    region: 'us-east-1',
    resources: [],
    detail: { ...example, task: 'charts', result: { charts: [chart] } },
  };
}

function messageOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as Error).message;
  }
  throw new Error('expected an InvalidInputError');
}

describe('parseJson', () => {
  it('returns the parsed value', () => {
    expect(parseJson('{"jobId":"a","n":[1,2]}', 'message body')).toEqual({ jobId: 'a', n: [1, 2] });
  });

  it('says what was not JSON', () => {
    expect(messageOf(() => parseJson('{"jobId":', 'SQS message 7 body'))).toMatch(
      /^SQS message 7 body is not valid JSON: /,
    );
  });
});

describe('parseEnvelope', () => {
  it('returns the envelope with a detail parsed by the catalog, defaults applied', () => {
    const envelope = parseEnvelope(completedEnvelope(), ['SpecialistCompleted']);

    expect(envelope['detail-type']).toBe('SpecialistCompleted');
    expect(envelope.source).toBe('alex.charter');
    expect(envelope.detail.jobId).toBe('3f0c6c2e-8a55-4a4f-9d43-1c1f4b3d6a10');
    if (envelope.detail.task !== 'charts') throw new Error('expected the charts result');
    // Chart.unit defaults to USD when the producer leaves it out.
    expect(envelope.detail.result!.charts[0]!.unit).toBe('USD');
  });

  it('fills version and resources when a replayed or hand-made envelope leaves them out', () => {
    const { version: _version, resources: _resources, ...bare } = completedEnvelope();
    const envelope = parseEnvelope(bare, ['SpecialistCompleted']);
    expect(envelope.version).toBe('0');
    expect(envelope.resources).toEqual([]);
  });

  it('keeps replay-name, so a consumer can tell a replay', () => {
    const envelope = parseEnvelope({ ...completedEnvelope(), 'replay-name': 'replay-2026-11-21' }, [
      'SpecialistCompleted',
    ]);
    expect(envelope['replay-name']).toBe('replay-2026-11-21');
  });

  it('refuses a detail-type this consumer does not handle, naming both', () => {
    expect(messageOf(() => parseEnvelope(completedEnvelope(), ['AnalysisPlanned', 'AnalysisRequested']))).toBe(
      'event: detail-type "SpecialistCompleted" is not one this consumer handles (expected AnalysisPlanned or AnalysisRequested)',
    );
  });

  it('names the envelope field that is missing', () => {
    const { source: _source, ...withoutSource } = completedEnvelope();
    expect(messageOf(() => parseEnvelope(withoutSource, ['SpecialistCompleted']))).toMatch(/^event\.source: /);
  });

  it('names the detail field that is wrong', () => {
    const raw = completedEnvelope();
    raw.detail = { ...(raw.detail as object), durationMs: -1 };
    expect(messageOf(() => parseEnvelope(raw, ['SpecialistCompleted']))).toMatch(
      /^SpecialistCompleted detail\.durationMs: /,
    );
  });

  it('refuses a time without a date-time shape', () => {
    expect(
      messageOf(() => parseEnvelope({ ...completedEnvelope(), time: 'yesterday' }, ['SpecialistCompleted'])),
    ).toMatch(/^event\.time: /);
  });

  it('refuses something that is not an object at all', () => {
    expect(messageOf(() => parseEnvelope('AnalysisRequested', ['AnalysisRequested']))).toMatch(/^event: /);
  });
});

describe('isEnvelope', () => {
  it('tells an envelope from a bare detail sent with SendMessage', () => {
    expect(isEnvelope(completedEnvelope())).toBe(true);
    expect(isEnvelope(catalog.AnalysisRequested.example)).toBe(false);
    expect(isEnvelope(null)).toBe(false);
    expect(isEnvelope('{"detail-type":"x","detail":{}}')).toBe(false);
  });
});

import { describe, expect, it } from 'vitest';
import { parseEnvelope } from '#events/envelope.ts';
import { InvalidInputError } from '#events/errors.ts';
import { publishRefusal, refuseSource } from '#events/provenance.ts';

const outside = { name: 'partner', internal: false };
const refuseOutsideEntry = (entry: { detailType: string; source: string }) => publishRefusal(entry, outside);

describe('who may publish what', () => {
  it.each(['AnalysisRequested', 'ClassificationRequested'])('lets other systems publish %s', (detailType) => {
    expect(refuseOutsideEntry({ detailType, source: 'partner.crm' })).toBeUndefined();
  });

  it.each([
    ['AnalysisPlanned', 'alex.planner', /AnalysisPlanned is internal to Alex: only alex\.planner publish it/],
    ['SpecialistCompleted', 'alex.reporter', /only alex\.reporter, alex\.charter, alex\.retirement publish it/],
    ['AnalysisCompleted', 'aws.s3', /AnalysisCompleted is internal/],
    ['Whatever', 'alex.evil', /"Whatever" is not a detail-type Alex accepts from other systems/],
  ])('refuses %s from %s at the door, with the reason', (detailType, source, reason) => {
    expect(refuseOutsideEntry({ detailType, source })).toEqual({
      errorCode: 'NotAuthorizedForDetailTypeException',
      errorMessage: expect.stringMatching(reason),
    });
  });

  it('accepts an internal event only from a source the catalog names for it', () => {
    expect(refuseSource('SpecialistCompleted', 'alex.charter')).toBeUndefined();
    expect(refuseSource('AnalysisRequested', 'partner.crm')).toBeUndefined();
    expect(refuseSource('SpecialistCompleted', 'aws.s3')).toMatch(
      /source "aws\.s3" may not publish SpecialistCompleted \(only alex\.reporter, alex\.charter, alex\.retirement do\)/,
    );
    expect(refuseSource('AnalysisPlanned', 'alex.tagger')).toMatch(/refused as forged/);
  });

  it('makes consumers refuse a forged internal event as bad input (so it is dead-lettered, never applied)', () => {
    const forged = {
      id: '1',
      source: 'alex.evil',
      'detail-type': 'AnalysisFailed',
      account: '0',
      time: '2026-11-21T00:00:00Z',
      region: 'us-east-1',
      detail: {},
    };
    expect(() => parseEnvelope(forged, ['AnalysisFailed'])).toThrow(InvalidInputError);
    expect(() => parseEnvelope(forged, ['AnalysisFailed'])).toThrow(
      /source "alex\.evil" may not publish AnalysisFailed/,
    );
  });
});

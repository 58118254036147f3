import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import formats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { catalog, DETAIL_TYPES, DETAIL_VERSION, type DetailType, isDetailType } from '#events/catalog.ts';
import { InvalidInputError } from '#events/errors.ts';

const schemaDir = new URL('../../../schemas/events/', import.meta.url);
function schemaOf(detailType: DetailType): JsonSchema {
  return JSON.parse(readFileSync(new URL(`${detailType}.json`, schemaDir), 'utf8')) as JsonSchema;
}

/** The catalog example inside the envelope EventBridge delivers. */
function envelopeAround(detailType: DetailType, detail: unknown) {
  return {
    version: '0',
    id: 'b3f0d2a4-9e0c-4a55-8d3c-7d1c2f1e0a01',
    'detail-type': detailType,
    source: catalog[detailType].sources[0],
    account: '123456789012',
    time: '2026-11-21T09:30:00Z',
    region: 'eu-west-1',
    resources: [],
    detail,
  };
}

function parseError(detailType: DetailType, detail: unknown): string {
  try {
    InvalidInputError.parse(catalog[detailType].detail, detail, `${detailType} detail`);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidInputError);
    return (error as Error).message;
  }
  throw new Error(`${detailType} detail was accepted: ${JSON.stringify(detail)}`);
}

describe('event catalog', () => {
  it('keys every definition by its own detail-type, at the current version, with Alex sources', () => {
    expect(DETAIL_TYPES).toHaveLength(10);
    for (const detailType of DETAIL_TYPES) {
      const definition = catalog[detailType];
      expect(definition.detailType).toBe(detailType);
      expect(definition.version).toBe(DETAIL_VERSION);
      expect(definition.sources.length).toBeGreaterThan(0);
      for (const source of definition.sources) expect(source).toMatch(/^alex\.[a-z]+$/);
      expect(definition.description.length).toBeGreaterThan(20);
    }
    expect(isDetailType('AnalysisPlanned')).toBe(true);
    expect(isDetailType('toString')).toBe(false);
    expect(isDetailType(undefined)).toBe(false);
  });

  describe.each(DETAIL_TYPES)('%s example', (detailType) => {
    const { detail, example } = catalog[detailType];

    it('validates against its zod schema', () => {
      expect(detail.safeParse(example).error).toBeUndefined();
    });

    it('validates, in its envelope, against the generated JSON Schema', () => {
      expect(validate(schemaOf(detailType), envelopeAround(detailType, example))).toEqual([]);
    });

    it('is refused by the JSON Schema without its business key, under another detail-type, or at version 2', () => {
      const schema = schemaOf(detailType);
      // Every detail is keyed by its job, except a document, keyed by its id.
      const key = detailType === 'DocumentSubmitted' ? 'documentId' : 'jobId';
      const { [key]: _key, ...withoutKey } = example as Record<string, unknown>;
      expect(validate(schema, envelopeAround(detailType, withoutKey))).toContain(`/detail required:${key}`);
      expect(validate(schema, envelopeAround(detailType, { ...example, version: 2 }))).toContain(
        '/detail/version const:1',
      );
      const other = detailType === 'AnalysisFailed' ? 'AnalysisCompleted' : 'AnalysisFailed';
      expect(validate(schema, { ...envelopeAround(detailType, example), 'detail-type': other })).toContain(
        `/detail-type const:"${detailType}"`,
      );
    });
  });
});

describe('invalid details are rejected with the field named', () => {
  const example = catalog.AnalysisRequested.example;

  it('a missing jobId', () => {
    const { jobId: _jobId, ...withoutJobId } = example;
    expect(parseError('AnalysisRequested', withoutJobId)).toMatch(/^AnalysisRequested detail\.jobId: /);
  });

  it('a version this release does not understand, saying which it does', () => {
    expect(parseError('AnalysisRequested', { ...example, version: 2 })).toBe(
      'AnalysisRequested detail.version: unsupported version; this release understands version 1 (set detail.version to 1)',
    );
  });

  it('a jobId that is not a UUID', () => {
    expect(parseError('AnalysisRequested', { ...example, jobId: 'job-1' })).toBe(
      'AnalysisRequested detail.jobId: must be a UUID, for example 3f0c6c2e-8a55-4a4f-9d43-1c1f4b3d6a10',
    );
  });

  it('a ticker deep inside a list', () => {
    const detail = { ...catalog.ClassificationRequested.example, instruments: [{ symbol: 'VTI' }, { symbol: 'vti' }] };
    expect(parseError('ClassificationRequested', detail)).toMatch(
      /^ClassificationRequested detail\.instruments\[1\]\.symbol: must be an upper-case ticker/,
    );
  });

  it('a specialist result that does not match its task', () => {
    const { result: _result, ...rest } = catalog.SpecialistCompleted.example;
    const detail = { ...rest, task: 'retirement', result: { charts: [] } };
    expect(parseError('SpecialistCompleted', detail)).toMatch(/^SpecialistCompleted detail\.result\.\w+: /);
  });
});

// The generated schemas are draft 2020-12; ajv validates them as any other publisher would.
type JsonSchema = { [keyword: string]: unknown };

const ajv = new Ajv2020({ allErrors: true, strict: false });
// ajv-formats is CommonJS: its default export arrives as the module object under NodeNext.
const addFormats = (formats as unknown as { default: (a: Ajv2020) => void }).default ?? formats;
addFormats(ajv);

/** "instancePath keyword[:detail]" strings, empty when valid. */
function validate(schema: JsonSchema, value: unknown): string[] {
  const check = ajv.compile(schema);
  if (check(value)) return [];
  return (check.errors ?? []).map((error) => {
    const params = error.params as Record<string, unknown>;
    const detail =
      error.keyword === 'required'
        ? `:${String(params.missingProperty)}`
        : error.keyword === 'const'
          ? `:${JSON.stringify(params.allowedValue)}`
          : '';
    return `${error.instancePath || '/'} ${error.keyword}${detail}`;
  });
}

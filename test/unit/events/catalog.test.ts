import { readFileSync } from 'node:fs';
import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { catalog, DETAIL_TYPES, DETAIL_VERSION, isDetailType, type DetailType } from '../../../events/catalog.ts';
import { InvalidInputError } from '../../../events/errors.ts';

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
    expect(DETAIL_TYPES).toHaveLength(8);
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

    it('is refused by the JSON Schema without its jobId, under another detail-type, or at version 2', () => {
      const schema = schemaOf(detailType);
      const { jobId: _jobId, ...withoutJobId } = example as Record<string, unknown>;
      expect(validate(schema, envelopeAround(detailType, withoutJobId))).toContain('/detail: missing required "jobId"');
      expect(validate(schema, envelopeAround(detailType, { ...example, version: 2 }))).toContain(
        '/detail/version: must equal 1',
      );
      const other = detailType === 'AnalysisFailed' ? 'AnalysisCompleted' : 'AnalysisFailed';
      expect(validate(schema, { ...envelopeAround(detailType, example), 'detail-type': other })).toContain(
        `/detail-type: must equal "${detailType}"`,
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

// A small JSON Schema evaluator for the keywords zod's generator emits. No validator (ajv) is
// installed; this one refuses any keyword it does not know, so a schema it cannot judge fails
// the test instead of passing unchecked. Returns "path: problem" strings, empty when valid.
type JsonSchema = { [keyword: string]: unknown };

const ANNOTATIONS = new Set(['$schema', '$comment', 'title', 'description', 'examples', 'default', 'format', 'x-alex']);

function validate(schema: JsonSchema, value: unknown, path = ''): string[] {
  const at = path || '/';
  const errors: string[] = [];
  const child = (key: string | number) => `${path}/${key}`;
  for (const [keyword, rule] of Object.entries(schema)) {
    if (ANNOTATIONS.has(keyword)) continue;
    switch (keyword) {
      case 'type':
        if (![rule].flat().some((type) => hasType(value, type as string))) errors.push(`${at}: must be ${[rule].flat().join(' or ')}`);
        break;
      case 'const':
        if (!isDeepStrictEqual(value, rule)) errors.push(`${at}: must equal ${JSON.stringify(rule)}`);
        break;
      case 'enum':
        if (!(rule as unknown[]).some((option) => isDeepStrictEqual(value, option))) errors.push(`${at}: must be one of ${JSON.stringify(rule)}`);
        break;
      case 'pattern':
        if (typeof value === 'string' && !new RegExp(rule as string, 'u').test(value)) errors.push(`${at}: must match ${rule}`);
        break;
      case 'minLength':
      case 'maxLength':
        if (typeof value === 'string' && !within(keyword, [...value].length, rule as number)) errors.push(`${at}: ${keyword} ${rule}`);
        break;
      case 'minimum':
      case 'maximum':
      case 'exclusiveMinimum':
      case 'exclusiveMaximum':
        if (typeof value === 'number' && !within(keyword, value, rule as number)) errors.push(`${at}: ${keyword} ${rule}`);
        break;
      case 'minItems':
      case 'maxItems':
        if (Array.isArray(value) && !within(keyword, value.length, rule as number)) errors.push(`${at}: ${keyword} ${rule}`);
        break;
      case 'items':
        if (Array.isArray(value)) value.forEach((item, i) => errors.push(...validate(rule as JsonSchema, item, child(i))));
        break;
      case 'required':
        if (isObject(value)) for (const key of rule as string[]) if (!(key in value)) errors.push(`${at}: missing required "${key}"`);
        break;
      case 'properties':
        if (isObject(value)) {
          for (const [key, sub] of Object.entries(rule as Record<string, JsonSchema>)) {
            if (key in value) errors.push(...validate(sub, value[key], child(key)));
          }
        }
        break;
      case 'additionalProperties':
        if (isObject(value)) {
          const declared = Object.keys((schema.properties as object | undefined) ?? {});
          for (const key of Object.keys(value).filter((k) => !declared.includes(k))) {
            if (rule === false) errors.push(`${child(key)}: not allowed`);
            else errors.push(...validate(rule as JsonSchema, value[key], child(key)));
          }
        }
        break;
      case 'propertyNames':
        if (isObject(value)) for (const key of Object.keys(value)) errors.push(...validate(rule as JsonSchema, key, child(key)));
        break;
      case 'allOf':
        for (const sub of rule as JsonSchema[]) errors.push(...validate(sub, value, path));
        break;
      case 'anyOf':
      case 'oneOf': {
        const outcomes = (rule as JsonSchema[]).map((sub) => validate(sub, value, path));
        const passing = outcomes.filter((outcome) => outcome.length === 0).length;
        // When nothing matches, the closest alternative's problems are the ones worth reading.
        if (passing === 0) errors.push(...outcomes.reduce((best, outcome) => (outcome.length < best.length ? outcome : best)));
        else if (keyword === 'oneOf' && passing > 1) errors.push(`${at}: oneOf matched ${passing} alternatives`);
        break;
      }
      default:
        throw new Error(`test evaluator does not know JSON Schema keyword "${keyword}" at ${at}`);
    }
  }
  return errors;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case 'integer':
      return Number.isInteger(value);
    case 'number':
      return typeof value === 'number' && Number.isFinite(value);
    case 'array':
      return Array.isArray(value);
    case 'object':
      return isObject(value);
    case 'null':
      return value === null;
    default:
      return typeof value === type;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function within(keyword: string, actual: number, limit: number): boolean {
  if (keyword.startsWith('exclusiveMin')) return actual > limit;
  if (keyword.startsWith('exclusiveMax')) return actual < limit;
  return keyword.startsWith('min') ? actual >= limit : actual <= limit;
}

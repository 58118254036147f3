import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { AnalysisRequested, catalog, DETAIL_TYPES } from '#events/catalog.ts';
import { generateAsyncApi, partiesOf } from '#schemas/catalog-documents.ts';
import { breakingChanges, checkPublished, detailSchema } from '#schemas/compatibility.ts';
import { ASYNCAPI_FILE, EVENTS_DOC_FILE, generateCatalogDocuments, staleCatalogDocuments } from '#schemas/generate.ts';

const RUN_IT = 'run `npm run schemas`';

describe('the catalog documents', () => {
  it('on disk (schemas/asyncapi.json, docs/events.md) are what the catalog generates now', () => {
    expect(staleCatalogDocuments(), RUN_IT).toEqual([]);
  });

  it('asyncapi.json is a valid AsyncAPI 3.0.0 document by the published JSON Schema of the spec', () => {
    const require = createRequire(import.meta.url);
    const spec = require('@asyncapi/specs/schemas/3.0.0-without-$id.json');
    const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
    addFormats.default(ajv);
    const validate = ajv.compile(spec);
    const document = JSON.parse(readFileSync(ASYNCAPI_FILE, 'utf8'));
    expect(validate(document), JSON.stringify(validate.errors?.slice(0, 5), null, 2)).toBe(true);
    expect(document.asyncapi).toBe('3.0.0');
    expect(Object.keys(document.components.messages)).toEqual(DETAIL_TYPES);
  });

  it('an invalid document fails the same validation (the check can fail)', () => {
    const require = createRequire(import.meta.url);
    const ajv = new Ajv({ strict: false });
    const validate = ajv.compile(require('@asyncapi/specs/schemas/3.0.0-without-$id.json'));
    const broken = generateAsyncApi() as { operations: Record<string, Record<string, unknown>> };
    broken.operations.sendAnalysisRequested!.action = 'publish';
    expect(validate(broken)).toBe(false);
  });

  it('names publishers and subscribers from the services and the bus rules', () => {
    // infra/topology.ts: the jobs rule takes AnalysisRequested into alex-jobs, which the planner consumes.
    expect(partiesOf('AnalysisRequested')).toEqual({
      publishers: [{ source: 'alex.cli' }, { source: 'alex.api' }],
      openToOutside: true,
      subscribers: [{ rule: 'alex-analysis-requested', service: 'planner', queue: 'alex-jobs' }],
    });
    expect(partiesOf('SpecialistCompleted').publishers.map((p) => p.service)).toEqual([
      'reporter',
      'charter',
      'retirement',
    ]);
    expect(partiesOf('AnalysisPlanned').subscribers.map((s) => s.service)).toEqual([
      'reporter',
      'charter',
      'retirement',
      'aggregator',
    ]);
  });

  it('docs/events.md has a section per event with an example and an aws command whose detail the catalog accepts', () => {
    const markdown = generateCatalogDocuments()[EVENTS_DOC_FILE]!;
    for (const detailType of DETAIL_TYPES) {
      const section = markdown.split(`\n## ${detailType}\n`)[1]!.split('\n## ')[0]!;
      const command = /aws --endpoint-url "\$AWS_ENDPOINT_URL" events put-events --entries '(.*)'/.exec(section);
      expect(command, `${detailType} has no aws command`).not.toBeNull();
      const [entry] = JSON.parse(command![1]!.replace(/'\\''/g, "'")) as Array<{ DetailType: string; Detail: string }>;
      expect(entry!.DetailType).toBe(detailType);
      expect(catalog[detailType].detail.safeParse(JSON.parse(entry!.Detail)).success).toBe(true);
    }
  });
});

describe('published schemas and breaking changes', () => {
  const published = {
    type: 'object',
    properties: { jobId: { type: 'string' }, count: { type: 'number' }, note: { type: 'string' } },
    required: ['jobId'],
  };

  it('finds a removed field, a retyped field and a newly required field', () => {
    const next = {
      type: 'object',
      properties: { jobId: { type: 'integer' }, note: { type: 'string' } },
      required: ['jobId', 'note'],
    };
    expect(breakingChanges(published, next)).toEqual([
      'detail.jobId: type changed from "string" to "integer"',
      'detail.count: removed',
      'detail.note: now required (it was optional)',
    ]);
  });

  it('accepts a new optional field and an unchanged schema', () => {
    const next = { ...published, properties: { ...published.properties, extra: { type: 'boolean' } } };
    expect(breakingChanges(published, next)).toEqual([]);
    expect(breakingChanges(published, published)).toEqual([]);
  });

  it('a new required field in a catalog detail breaks its published version', () => {
    const stored = JSON.parse(
      readFileSync(new URL('../../../schemas/published/AnalysisRequested.v1.json', import.meta.url), 'utf8'),
    );
    const changed = z.toJSONSchema((AnalysisRequested.detail as z.ZodObject).extend({ priority: z.number() }), {
      target: 'draft-2020-12',
      io: 'input',
    });
    expect(breakingChanges(stored, changed as never)).toEqual(['detail.priority: now required (it was absent)']);
  });

  it('every detail-type matches the stored schema of its version, or its version was raised and published', () => {
    for (const report of checkPublished()) {
      expect(report.unpublished, `${report.detailType} v${report.version} is not published; ${RUN_IT}`).toBe(false);
      expect(
        report.breaking,
        `${report.detailType} changed incompatibly; raise its version (then ${RUN_IT}) or undo the change`,
      ).toEqual([]);
    }
    expect(detailSchema('AnalysisRequested')).toMatchObject({
      required: ['version', 'jobId', 'userId', 'requestedAt'],
    });
  });
});

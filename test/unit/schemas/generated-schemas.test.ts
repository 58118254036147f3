import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DETAIL_TYPES } from '#events/catalog.ts';
import { generateEventSchemas, SCHEMA_DIR, staleSchemaFiles, writeEventSchemas } from '#schemas/generate.ts';

const RUN_IT = 'schemas/events is out of date with events/catalog.ts: run `npm run schemas`';

describe('generated event schemas', () => {
  const generated = generateEventSchemas();

  it('on disk are exactly what the catalog generates now', () => {
    for (const [name, text] of Object.entries(generated)) {
      const path = join(SCHEMA_DIR, name);
      expect(existsSync(path), `${name} is missing; ${RUN_IT}`).toBe(true);
      expect(readFileSync(path, 'utf8'), `${name} differs; ${RUN_IT}`).toBe(text);
    }
    expect(staleSchemaFiles(generated), RUN_IT).toEqual([]);
  });

  it('are one file per detail-type plus the index', () => {
    expect(Object.keys(generated).sort()).toEqual([...DETAIL_TYPES.map((type) => `${type}.json`), 'index.json'].sort());
    const index = JSON.parse(generated['index.json']!) as { events: { detailType: string; file: string }[] };
    expect(index.events.map((entry) => entry.file)).toEqual(DETAIL_TYPES.map((type) => `${type}.json`));
  });

  it('describe the whole EventBridge envelope, pinned to the detail-type, with catalog metadata', () => {
    const schema = JSON.parse(generated['SpecialistFailed.json']!);
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.properties['detail-type']).toEqual({ type: 'string', const: 'SpecialistFailed' });
    expect(schema.required).toEqual(['id', 'detail-type', 'source', 'account', 'time', 'region', 'detail']);
    expect(schema['x-alex']).toEqual({
      detailType: 'SpecialistFailed',
      sources: ['alex.reporter', 'alex.charter', 'alex.retirement'],
      version: 1,
      description: 'A specialist could not do its task for a job, and says why. Retrying would not help.',
    });
    expect(schema.properties.detail.properties.version).toEqual({ type: 'number', const: 1 });
    expect(schema.examples[0].detail.error.code).toBe('NoPricedPositions');
  });

  it('describe what a publisher may send: defaulted fields optional, extra fields allowed', () => {
    const planned = JSON.parse(generated['AnalysisPlanned.json']!);
    const goals = planned.properties.detail.properties.snapshot.properties.goals;
    // lifeExpectancy has a default in values.ts, so a publisher may leave it out.
    expect(goals.required).toEqual(['retirementAge', 'annualSpending']);
    expect(goals.additionalProperties).toBeUndefined();
  });

  it('are deterministic: 2-space JSON ending in a newline, same text on every run', () => {
    expect(generateEventSchemas()).toEqual(generated);
    for (const text of Object.values(generated)) {
      expect(text.endsWith('}\n')).toBe(true);
      expect(text).toBe(`${JSON.stringify(JSON.parse(text), null, 2)}\n`);
    }
  });
});

describe('writing and checking', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('finds changed, missing and leftover files, and writing fixes all three', () => {
    dir = mkdtempSync(join(tmpdir(), 'alex-schemas-'));
    const generated = generateEventSchemas();
    writeEventSchemas(generated, dir);
    expect(staleSchemaFiles(generated, dir)).toEqual([]);

    writeFileSync(join(dir, 'AnalysisRequested.json'), '{}\n');
    rmSync(join(dir, 'index.json'));
    writeFileSync(join(dir, 'RetiredEvent.json'), '{}\n');
    expect(staleSchemaFiles(generated, dir)).toEqual(['AnalysisRequested.json', 'RetiredEvent.json', 'index.json']);

    writeEventSchemas(generated, dir);
    expect(staleSchemaFiles(generated, dir)).toEqual([]);
    expect(existsSync(join(dir, 'RetiredEvent.json'))).toBe(false);
  });
});

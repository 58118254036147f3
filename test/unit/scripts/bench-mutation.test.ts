/**
 * The bench's mutation rows from Stryker's reports in a scratch repository: a whole module is
 * scored against 85 %, a part of one is scored but never `met`, and a missing report is named.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mutationNotes, mutationResults } from '#scripts/bench/mutation.ts';
import { moduleFiles } from '#scripts/mutation/modules.ts';

let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'alex-mutation-'));
  for (const file of [
    'services/planner/domain.ts',
    'services/planner/handler.ts',
    'services/planner/lambda.ts',
    'services/aggregator/consolidate.ts',
    'services/aggregator/lambda.ts',
    'services/aggregator/service.ts',
    'services/aggregator/README.md',
  ])
    write(file, '');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

function write(file: string, text: string) {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  writeFileSync(join(root, file), text);
}

/** A report of `killed` killed and `survived` surviving mutants in each of `files` (each's source: `source`). */
function report(name: string, files: string[], killed: number, survived: number, mutate = files, source?: string) {
  const mutants = [
    ...Array.from({ length: killed }, () => ({ status: 'Killed' })),
    ...Array.from({ length: survived }, () => ({ status: 'Survived' })),
  ].map((m) => ({ ...m, mutatorName: 'ConditionalExpression', location: { start: { line: 1 } } }));
  const report = { config: { mutate }, files: Object.fromEntries(files.map((file) => [file, { mutants, source }])) };
  write(`reports/mutation/${name}.json`, JSON.stringify(report));
}

describe('mutationResults', () => {
  it('names the files of a module from its globs, leaving out the excluded ones', () => {
    expect(moduleFiles(['services/aggregator/*.ts', '!services/aggregator/lambda.ts'], root)).toEqual([
      'services/aggregator/consolidate.ts',
      'services/aggregator/service.ts',
    ]);
  });

  it('scores a module whose every file was mutated against 85 %', () => {
    // planner: 2 files × (9 killed + 1 survived) = 18 / 20 = 90 %
    report('planner', ['services/planner/domain.ts', 'services/planner/handler.ts'], 9, 1);
    const { results, partial } = mutationResults(root);
    expect(results.find((r) => r.name === 'mutation.planner.score')).toEqual({
      name: 'mutation.planner.score',
      value: 90,
      unit: '%',
      target: '>= 85',
      met: true,
    });
    expect(partial).toEqual([]);
  });

  it('never counts a part of a module as met, and names what it left out', () => {
    report('planner', ['services/planner/domain.ts'], 19, 1); // 95 %, but handler.ts was not mutated
    report('aggregator', ['services/aggregator/consolidate.ts'], 10, 0, ['services/aggregator/consolidate.ts:10-20']);
    const measured = mutationResults(root);
    expect(measured.results.find((r) => r.name === 'mutation.planner.score')).toMatchObject({ value: 95, met: false });
    expect(measured.partial).toEqual([
      { name: 'planner', missing: ['services/planner/handler.ts'] },
      { name: 'aggregator', missing: ['services/aggregator/consolidate.ts outside lines 10-20'] },
    ]);
    expect(mutationNotes(measured)).toContain(
      "Mutation: planner's report mutated only part of it (not met); left out: services/planner/handler.ts.",
    );
  });

  it('never counts a report of older code as met, and names the files changed since', () => {
    write('services/planner/handler.ts', 'export const changed = true;\n');
    const files = ['services/planner/domain.ts', 'services/planner/handler.ts'];
    report('planner', files, 19, 1, files, ''); // 95 %, measured when both files were empty
    const measured = mutationResults(root);
    expect(measured.results.find((r) => r.name === 'mutation.planner.score')).toMatchObject({ value: 95, met: false });
    expect(measured.stale).toEqual([{ name: 'planner', files: ['services/planner/handler.ts'] }]);
    expect(mutationNotes(measured)).toContain(
      "Mutation: planner's report is of older code (not met; npm run mutation -- planner): services/planner/handler.ts.",
    );
  });

  it('counts a report whose sources are the files as they are now', () => {
    const files = ['services/planner/domain.ts', 'services/planner/handler.ts'];
    report('planner', files, 19, 1, files, '');
    expect(mutationResults(root).results.find((r) => r.name === 'mutation.planner.score')).toMatchObject({ met: true });
  });

  it('gives a module without a report no score and names it', () => {
    report('planner', ['services/planner/domain.ts', 'services/planner/handler.ts'], 1, 0);
    const measured = mutationResults(root);
    expect(measured.results.map((r) => r.name)).toEqual(['mutation.planner.score']);
    expect(measured.unmeasured).toContain('aggregator');
    expect(mutationNotes(measured)[0]).toMatch(/^Mutation: no Stryker report \(npm run mutation\) for .*aggregator/);
  });
});

/**
 * Mutation scores, read from Stryker's JSON reports (`npm run mutation` writes them; the bench
 * never re-runs Stryker, which takes many minutes). A module without a report is named as not
 * measured rather than given a score; a report that mutated only part of the module's files, or
 * files that have changed since, is given its score but not `met`, and those files are named.
 */
import {
  MUTATION_MODULE_NAMES,
  MUTATION_MODULES,
  MUTATION_SCORE_TARGET,
  type MutationModuleName,
  moduleFiles,
  reportPath,
} from '../mutation/modules.ts';
import { readModuleScore } from '../mutation/score.ts';
import { atLeast, type BenchResult, result } from './results.ts';

export interface MutationResults {
  results: BenchResult[];
  /** Modules without a report (or without a single mutant that could be killed). */
  unmeasured: MutationModuleName[];
  /** Modules whose report left some of their files out, with those files. */
  partial: { name: MutationModuleName; missing: string[] }[];
  /** Modules whose report is of older code than some of their files now, with those files. */
  stale: { name: MutationModuleName; files: string[] }[];
}

export function mutationResults(root = '.'): MutationResults {
  const results: BenchResult[] = [];
  const unmeasured: MutationModuleName[] = [];
  const partial: MutationResults['partial'] = [];
  const stale: MutationResults['stale'] = [];
  for (const name of MUTATION_MODULE_NAMES) {
    const score = readModuleScore(`${root}/${reportPath(name)}`, root);
    if (!score || !Number.isFinite(score.score)) {
      unmeasured.push(name);
      continue;
    }
    // Files never mutated, and files mutated only within some lines (`--mutate file:from-to`).
    const missing = [
      ...moduleFiles(MUTATION_MODULES[name].mutate, root).filter((file) => !score.files.includes(file)),
      ...score.mutate
        .filter((glob) => /:\d+(-\d+)?$/.test(glob))
        .map((glob) => `${glob.replace(/:([\d-]+)$/, '')} outside lines ${glob.split(':').at(-1)}`),
    ];
    const measured = result(`mutation.${name}.score`, score.score, '%', atLeast(MUTATION_SCORE_TARGET), 1);
    // A part's score says nothing of the files left out: the target is for the whole module.
    if (missing.length > 0) partial.push({ name, missing });
    if (score.stale.length > 0) stale.push({ name, files: score.stale });
    results.push(missing.length > 0 || score.stale.length > 0 ? { ...measured, met: false } : measured);
  }
  return { results, unmeasured, partial, stale };
}

/** The bench's notes on what the mutation scores do not cover. */
export function mutationNotes({ unmeasured, partial, stale }: MutationResults): string[] {
  const notes: string[] = [];
  if (unmeasured.length > 0) notes.push(`Mutation: no Stryker report (npm run mutation) for ${unmeasured.join(', ')}.`);
  for (const { name, missing } of partial)
    notes.push(`Mutation: ${name}'s report mutated only part of it (not met); left out: ${missing.join(', ')}.`);
  for (const { name, files } of stale)
    notes.push(
      `Mutation: ${name}'s report is of older code (not met; npm run mutation -- ${name}): ${files.join(', ')}.`,
    );
  return notes;
}

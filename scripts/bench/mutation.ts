/**
 * Mutation scores, read from Stryker's JSON reports (`npm run mutation` writes them; the bench
 * never re-runs Stryker, which takes many minutes). A module without a report is named as not
 * measured rather than given a score.
 */
import {
  MUTATION_MODULE_NAMES,
  MUTATION_SCORE_TARGET,
  type MutationModuleName,
  reportPath,
} from '../mutation/modules.ts';
import { readModuleScore } from '../mutation/score.ts';
import { atLeast, type BenchResult, result } from './results.ts';

export function mutationResults(): { results: BenchResult[]; unmeasured: MutationModuleName[] } {
  const results: BenchResult[] = [];
  const unmeasured: MutationModuleName[] = [];
  for (const name of MUTATION_MODULE_NAMES) {
    const score = readModuleScore(reportPath(name));
    if (!score || !Number.isFinite(score.score)) unmeasured.push(name);
    else results.push(result(`mutation.${name}.score`, score.score, '%', atLeast(MUTATION_SCORE_TARGET), 1));
  }
  return { results, unmeasured };
}

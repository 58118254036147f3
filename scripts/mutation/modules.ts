/**
 * The modules whose mistakes lose or corrupt data or mislead a user, as mutation testing sees
 * them: the files Stryker mutates and the tests that may kill those mutants. `npm run mutation`
 * runs Stryker on them (scripts/mutation.ts); `npm run bench` reads each one's JSON report.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface MutationModule {
  /** Files Stryker mutates (globs relative to the repository). */
  mutate: string[];
  /** Test files that guard them (globs); the runner picks per mutant those that cover it. */
  tests: string[];
  /**
   * The test files of one mutant's run share one worker and one set of test ports
   * (vitest.mutation.config.ts): for tests that each open dynalite and PGlite, keyed by fresh ids.
   */
  sharedWorker?: boolean;
}

export const MUTATION_MODULES = {
  // Where a module's full test folder is slow (the writer's and the Monte Carlo tests take
  // seconds a run), only the tests written for the module itself: a score on fewer tests is a
  // lower bound of the score on all of them, never an overstatement.
  'number-check': {
    mutate: ['services/reporter/number-check.ts'],
    tests: ['test/unit/services/reporter/number-check*.test.ts'],
  },
  'portfolio-validation': {
    mutate: ['services/common/portfolio-file.ts'],
    tests: ['test/unit/services/common/portfolio-file*.test.ts'],
  },
  'retirement-engine': {
    mutate: ['services/retirement/engine.ts'],
    tests: [
      'test/unit/services/retirement/engine.test.ts',
      'test/unit/services/retirement/run-paths.test.ts',
      'test/unit/services/retirement/historical.test.ts',
    ],
  },
  'local-queue': {
    mutate: ['infra/local/queue.ts'],
    tests: ['test/unit/infra/local/queue*.test.ts'],
  },
  'event-pattern': {
    mutate: ['infra/local/event-pattern.ts', 'infra/local/event-pattern/*.ts'],
    tests: [
      'test/unit/infra/local/event-pattern*.test.ts',
      'test/unit/infra/local/rule-index.test.ts',
      'test/unit/infra/local/bus.test.ts',
    ],
  },
  planner: {
    mutate: ['services/planner/domain.ts', 'services/planner/handler.ts'],
    tests: ['test/unit/services/planner/*.test.ts'],
  },
  aggregator: {
    mutate: ['services/aggregator/*.ts', '!services/aggregator/lambda.ts', '!services/aggregator/service.ts'],
    // The unit tests only: they run the handler on dynalite and PGlite one message at a time
    // (deadlines included, deadline.test.ts); the e2e tests start a whole runtime per mutant.
    tests: ['test/unit/services/aggregator/*.test.ts'],
    sharedWorker: true,
  },
} as const satisfies Record<string, MutationModule>;

export type MutationModuleName = keyof typeof MUTATION_MODULES;

export const MUTATION_MODULE_NAMES = Object.keys(MUTATION_MODULES) as MutationModuleName[];

/** Stryker's JSON report for a module: what the bench reads (committed). */
export const reportPath = (name: MutationModuleName) => `reports/mutation/${name}.json`;

/** Stryker's incremental file for a module: reused by the next run (not committed). */
export const incrementalPath = (name: MutationModuleName) => `reports/mutation/${name}.incremental.json`;

export const MUTATION_SCORE_TARGET = 85;

/**
 * The files a module's `mutate` globs name, sorted: what a report must cover to score the whole
 * module. The globs here are plain paths or `folder/<pattern>` with `*` inside one file name, and
 * `!` excludes; that is all this reads (Stryker's own matching is fuller).
 */
export function moduleFiles(mutate: readonly string[], root = '.'): string[] {
  const matcher = (glob: string) => {
    const pattern = glob
      .split('/')
      .at(-1)!
      .replace(/[.+?^${}()|[\]\\]/g, '\\$&')
      .replaceAll('*', '[^/]*');
    return { folder: glob.split('/').slice(0, -1).join('/'), name: new RegExp(`^${pattern}$`) };
  };
  const excluded = mutate.filter((glob) => glob.startsWith('!')).map((glob) => glob.slice(1));
  const files = new Set<string>();
  for (const glob of mutate.filter((g) => !g.startsWith('!'))) {
    const { folder, name } = matcher(glob);
    const entries = existsSync(join(root, folder)) ? readdirSync(join(root, folder), { withFileTypes: true }) : [];
    for (const entry of entries) {
      const file = folder ? `${folder}/${entry.name}` : entry.name;
      if (entry.isFile() && name.test(entry.name) && !excluded.includes(file)) files.add(file);
    }
  }
  return [...files].sort();
}

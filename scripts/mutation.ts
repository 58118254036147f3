/**
 * `npm run mutation [-- <module>...]`: StrykerJS with its vitest runner on the modules of
 * scripts/mutation/modules.ts (all when none is named), one at a time, incrementally: each
 * module's previous results (reports/mutation/<module>.incremental.json, or in a clean clone the
 * committed report) are reused for code and tests that did not change. Writes
 * reports/mutation/<module>.json, which `npm run bench` reads. `--concurrency N` sets Stryker's
 * test processes (default 1: the machine is shared).
 * `--mutate <glob>` and `--tests <glob>` (repeatable, one module only) measure a subset of the
 * module's files with a subset of its tests, for when the whole would take too long; the report
 * then covers only those files, and fewer tests can only lower the score (docs/mutation.md).
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import {
  incrementalPath,
  MUTATION_MODULE_NAMES,
  MUTATION_MODULES,
  type MutationModule,
  type MutationModuleName,
  reportPath,
} from './mutation/modules.ts';
import { readModuleScore } from './mutation/score.ts';

interface Args {
  modules: MutationModuleName[];
  concurrency: number;
  /** Replaces the module's `mutate` globs when given. */
  mutate: string[];
  /** Replaces the module's `tests` globs when given. */
  tests: string[];
}

function parseArgs(argv: readonly string[]): Args {
  const modules: MutationModuleName[] = [];
  const mutate: string[] = [];
  const tests: string[] = [];
  let concurrency = 1;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i]!;
    if (arg === '--mutate') {
      const glob = argv[++i];
      if (!glob) throw new Error('--mutate needs a glob, such as infra/local/event-pattern/scalar.ts');
      mutate.push(glob);
    } else if (arg === '--tests') {
      const glob = argv[++i];
      if (!glob) throw new Error('--tests needs a glob, such as test/unit/services/planner/domain.test.ts');
      tests.push(glob);
    } else if (arg === '--concurrency') {
      concurrency = Number(argv[++i]);
      if (!Number.isInteger(concurrency) || concurrency < 1)
        throw new Error('--concurrency must be a whole number of at least 1');
    } else if ((MUTATION_MODULE_NAMES as readonly string[]).includes(arg)) modules.push(arg as MutationModuleName);
    else throw new Error(`unknown module "${arg}"; choose from ${MUTATION_MODULE_NAMES.join(', ')}`);
  }
  if ((mutate.length > 0 || tests.length > 0) && modules.length !== 1)
    throw new Error('--mutate and --tests measure part of one module: name exactly one module with them');
  return { modules: modules.length > 0 ? modules : MUTATION_MODULE_NAMES, concurrency, mutate, tests };
}

/** Stryker's configuration for one module, written beside its report. */
function strykerConfig(name: MutationModuleName, concurrency: number, mutate: readonly string[]) {
  return {
    $schema: '../../node_modules/@stryker-mutator/core/schema/stryker-schema.json',
    testRunner: 'vitest',
    vitest: { configFile: 'vitest.mutation.config.ts', related: false },
    plugins: ['@stryker-mutator/vitest-runner'],
    coverageAnalysis: 'perTest',
    mutate: mutate.length > 0 ? [...mutate] : [...MUTATION_MODULES[name].mutate],
    incremental: true,
    incrementalFile: incrementalPath(name),
    reporters: ['json', 'clear-text', 'progress'],
    jsonReporter: { fileName: reportPath(name) },
    concurrency,
    timeoutMS: 30_000,
    // State and output the tests never read; copying them into each sandbox only costs time.
    ignorePatterns: ['reports', '.alex', 'alex-output', 'cdk.out', 'out', 'dist', 'coverage', '.ci'],
    cleanTempDir: 'always',
    thresholds: { high: 85, low: 70, break: null },
  };
}

function main(argv: readonly string[]): number {
  const { modules, concurrency, mutate, tests } = parseArgs(argv);
  mkdirSync('reports/mutation', { recursive: true });
  let failed = false;
  for (const name of modules) {
    // A clean clone has the committed report but no incremental file. The report is in the same
    // format (mutants with the tests that covered and killed them, sources of code and tests), so
    // it seeds the incremental run: only what changed since it was written is tested again.
    if (!existsSync(incrementalPath(name)) && existsSync(reportPath(name)))
      copyFileSync(reportPath(name), incrementalPath(name));
    const configFile = `reports/mutation/${name}.stryker.json`;
    writeFileSync(configFile, `${JSON.stringify(strykerConfig(name, concurrency, mutate), null, 2)}\n`);
    process.stderr.write(`mutation: ${name}\n`);
    const run = spawnSync('npx', ['stryker', 'run', configFile], {
      stdio: 'inherit',
      env: {
        ...process.env,
        ALEX_MUTATION_TESTS: (tests.length > 0 ? tests : MUTATION_MODULES[name].tests).join(','),
        ALEX_MUTATION_SHARED_WORKER: (MUTATION_MODULES[name] as MutationModule).sharedWorker ? '1' : '0',
      },
    });
    if (run.status !== 0) {
      failed = true;
      process.stderr.write(`mutation: ${name}: Stryker exited with ${run.status ?? run.signal}\n`);
      continue;
    }
    const score = readModuleScore(reportPath(name));
    if (score) process.stderr.write(`mutation: ${name}: ${score.score.toFixed(1)}%\n`);
  }
  return failed ? 1 : 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`mutation: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 2;
}

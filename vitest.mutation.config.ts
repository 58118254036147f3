import { defineConfig } from 'vitest/config';

// The test run Stryker drives for one module (scripts/mutation.ts): only the tests named in
// ALEX_MUTATION_TESTS (comma-separated globs), with the suite's environment and global setup.
// With ALEX_MUTATION_SHARED_WORKER=1 (a module's `sharedWorker`, scripts/mutation/modules.ts) the files
// of one run share their worker (isolate: false; Stryker's runner starts a fresh worker per run, so
// a static mutant still loads anew) and their dynalite and PGlite (test/support/ports.ts): a
// handler mutant's tests span several files, each of which would open both again.
const include = (process.env.ALEX_MUTATION_TESTS ?? '').split(',').filter((glob) => glob.length > 0);
if (include.length === 0) throw new Error('ALEX_MUTATION_TESTS is empty; run mutation testing with npm run mutation');
const sharedWorker = process.env.ALEX_MUTATION_SHARED_WORKER === '1';

export default defineConfig({
  test: {
    env: {
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
      ...(sharedWorker ? { ALEX_SHARED_TEST_PORTS: '1' } : {}),
    },
    isolate: !sharedWorker,
    globalSetup: ['test/support/pglite-template-setup.ts'],
    include,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});

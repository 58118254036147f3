import { defineConfig } from 'vitest/config';

// The test run Stryker drives for one module (scripts/mutation.ts): only the tests named in
// ALEX_MUTATION_TESTS (comma-separated globs), with the suite's environment and global setup.
const include = (process.env.ALEX_MUTATION_TESTS ?? '').split(',').filter((glob) => glob.length > 0);
if (include.length === 0) throw new Error('ALEX_MUTATION_TESTS is empty; run mutation testing with npm run mutation');

export default defineConfig({
  test: {
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    globalSetup: ['test/support/pglite-template-setup.ts'],
    include,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});

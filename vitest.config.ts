import { defineConfig } from 'vitest/config';

// Projects, as in Powertools for AWS Lambda: fast unit tests of pure modules and adapters,
// end-to-end tests that run the whole choreography on the embedded local runtime, and real processes.
export default defineConfig({
  test: {
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    globalSetup: ['test/support/pglite-template-setup.ts'],
    // CI also keeps a JSON report, from which .ci/run prints its closing "N passed, N failed" line.
    reporters: process.env.CI ? ['default', ['json', { outputFile: '.ci/vitest-report.json' }]] : ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'e2e',
          include: ['test/e2e/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
      {
        // Real `alex` processes killed with SIGKILL, racing, on damaged homes: slower, so run on
        // their own (`npm run test:processes`, and by .ci/run after `npm test`).
        test: {
          name: 'processes',
          include: ['test/processes/**/*.test.ts'],
          testTimeout: 180_000,
          hookTimeout: 60_000,
        },
      },
      {
        // The dashboard in Debian's chromium (playwright-core): `npm run test:browser`, run by .ci/run
        // after the process tier. One server and one browser per file, tests in order within it.
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});

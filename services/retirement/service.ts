/** The retirement service: the specialist for the retirement task. */
import { CLAIM_CHECK_ONLY, defineService, plannedTaskRule } from '../common/declaration.ts';

export const retirement = defineService({
  name: 'retirement',
  source: 'alex.retirement',
  description: 'Projects the retirement outcome by simulation.',
  rules: [plannedTaskRule('retirement', 'retirement')],
  limits: { memoryMb: 1024, timeoutSeconds: 60, maxConcurrency: 10 },
  // The projection reads the vendored annual returns (services/retirement/historical.ts). The
  // planning tables (SSA claiming, federal tax, RMD divisors, VPW) are JSON imports, which esbuild
  // bundles, so they need no copy beside the bundle.
  // A snapshot too large for its event comes by reference (claim check), and so would a large result.
  needs: { database: CLAIM_CHECK_ONLY, dataFiles: ['services/retirement/data/historical-returns.csv'] },
  publishes: ['SpecialistCompleted', 'SpecialistFailed'],
});

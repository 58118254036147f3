/** The reporter: the specialist for the report task. */
import { CLAIM_CHECK_ONLY, defineService, plannedTaskRule } from '../common/declaration.ts';

export const reporter = defineService({
  name: 'reporter',
  source: 'alex.reporter',
  description: 'Computes portfolio facts and writes the report and its recommendations.',
  rules: [plannedTaskRule('reporter', 'report')],
  limits: { memoryMb: 512, timeoutSeconds: 120, maxConcurrency: 5 },
  // It does not project (the retirement service does, once), but the stated assumptions it quotes
  // take their volatilities from the vendored annual returns (services/retirement/market-sets.ts).
  // A snapshot too large for its event comes by reference (claim check), and so does a large report.
  needs: {
    model: true,
    database: CLAIM_CHECK_ONLY,
    dataFiles: ['services/retirement/data/historical-returns.csv'],
    // Queries the knowledge base for the passages its report cites (services/reporter/citations.ts).
    knowledge: 'read',
  },
  publishes: ['SpecialistCompleted', 'SpecialistFailed'],
});

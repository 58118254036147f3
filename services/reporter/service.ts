/** The reporter: the specialist for the report task. */
import { defineService, plannedTaskRule } from '../common/declaration.ts';

export const reporter = defineService({
  name: 'reporter',
  source: 'alex.reporter',
  description: 'Computes portfolio facts and writes the report and its recommendations.',
  rules: [plannedTaskRule('reporter', 'report')],
  limits: { memoryMb: 512, timeoutSeconds: 120, maxConcurrency: 5 },
  // It does not project (the retirement service does, once), but the stated assumptions it quotes
  // take their volatilities from the vendored annual returns (services/retirement/market-sets.ts).
  needs: { model: true, dataFiles: ['services/retirement/data/historical-returns.csv'] },
  publishes: ['SpecialistCompleted', 'SpecialistFailed'],
});

/** The charter: the specialist for the charts task. */
import { CLAIM_CHECK_ONLY, defineService, plannedTaskRule } from '../common/declaration.ts';

export const charter = defineService({
  name: 'charter',
  source: 'alex.charter',
  description: 'Computes the allocation charts.',
  rules: [plannedTaskRule('charter', 'charts')],
  limits: { memoryMb: 256, timeoutSeconds: 30, maxConcurrency: 10 },
  // A snapshot too large for its event comes by reference (claim check), and so would a large result.
  needs: { database: CLAIM_CHECK_ONLY },
  publishes: ['SpecialistCompleted', 'SpecialistFailed'],
});

/** The charter: the specialist for the charts task. */
import { defineService, plannedTaskRule } from '../common/declaration.ts';

export const charter = defineService({
  name: 'charter',
  source: 'alex.charter',
  description: 'Computes the allocation charts.',
  rules: [plannedTaskRule('charter', 'charts')],
  limits: { memoryMb: 256, timeoutSeconds: 30, maxConcurrency: 10 },
  needs: {},
  publishes: ['SpecialistCompleted', 'SpecialistFailed'],
});

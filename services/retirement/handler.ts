/** The retirement service's handler: AnalysisPlanned with the retirement task → a projection. */
import type { ServiceContext } from '../common/context.ts';
import { createSpecialistHandler } from '../common/specialist-handler.ts';
import { projectRetirement } from './domain.ts';

export function createRetirementHandler(ctx: ServiceContext) {
  return createSpecialistHandler(ctx, {
    task: 'retirement',
    run: async (snapshot) => projectRetirement(snapshot),
  });
}

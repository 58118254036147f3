/** The charter's handler: AnalysisPlanned with the charts task → computed allocation charts. */
import type { ServiceContext } from '../common/context.ts';
import { createSpecialistHandler } from '../common/specialist-handler.ts';
import { buildCharts } from './domain.ts';

export function createCharterHandler(ctx: ServiceContext) {
  return createSpecialistHandler(ctx, {
    task: 'charts',
    run: async (snapshot) => buildCharts(snapshot),
  });
}

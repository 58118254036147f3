/** The charter's handler: AnalysisPlanned with the charts task → computed allocation charts. */
import type { ServiceContext } from '../common/context.ts';
import { createSpecialistHandler } from '../common/specialist-handler.ts';
import { buildCharts } from './domain.ts';
import { charter } from './service.ts';

export function createCharterHandler(ctx: ServiceContext) {
  return createSpecialistHandler(ctx, {
    service: charter,
    task: 'charts',
    run: async (snapshot) => buildCharts(snapshot),
  });
}

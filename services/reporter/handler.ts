/** The reporter's handler: AnalysisPlanned with the report task → facts, then the written report. */
import type { ServiceContext } from '../common/context.ts';
import { createSpecialistHandler } from '../common/specialist-handler.ts';
import { writeReport } from './domain.ts';
import { reporter } from './service.ts';

export function createReporterHandler(ctx: ServiceContext) {
  return createSpecialistHandler(ctx, {
    service: reporter,
    task: 'report',
    run: (snapshot, job) => writeReport(snapshot, job.model, { jobId: job.jobId }),
  });
}

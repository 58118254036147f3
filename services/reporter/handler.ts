/** The reporter's handler: AnalysisPlanned with the report task → facts, then the written report. */
import type { ServiceContext } from '../common/context.ts';
import { createSpecialistHandler } from '../common/specialist-handler.ts';
import { writeReport } from './domain.ts';

export function createReporterHandler(ctx: ServiceContext) {
  return createSpecialistHandler(ctx, {
    task: 'report',
    run: (snapshot, job) =>
      writeReport(snapshot, job.model, {
        jobId: job.jobId,
        ...(ctx.knowledge ? { knowledge: ctx.knowledge } : {}),
        onKnowledgeError: (error) =>
          ctx.logger.warn('Knowledge search failed; the report cites nothing', { error: String(error) }),
      }),
  });
}

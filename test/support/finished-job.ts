/**
 * The events of one whole job, computed by the real domain code from the example portfolio: its
 * AnalysisPlanned detail and each specialist's SpecialistCompleted, for tests that feed the
 * aggregator directly. Built once per test file (the retirement projection takes a moment).
 */
import { randomUUID } from 'node:crypto';
import type { Detail, DetailInput } from '#events/catalog.ts';
import type { Snapshot, Task } from '#events/values.ts';
import { buildCharts } from '#services/charter/domain.ts';
import { OfflineModel } from '#services/common/model/offline.ts';
import { loadPortfolio, savePortfolio } from '#services/common/portfolio-store.ts';
import type { SqlDatabase } from '#services/common/sql-database.ts';
import { buildSnapshot } from '#services/planner/domain.ts';
import { writeReport } from '#services/reporter/domain.ts';
import { projectRetirement } from '#services/retirement/domain.ts';
import { referenceClassification } from '#services/tagger/reference.ts';
import { examplePortfolio } from '../e2e/support.ts';

export interface JobEvents {
  userId: string;
  planned(jobId?: string): DetailInput<'AnalysisPlanned'>;
  completed(jobId: string, task: Task): Detail<'SpecialistCompleted'>;
}

/** Saves the example portfolio in `db` and computes every specialist's result for it. */
export async function exampleJobEvents(db: SqlDatabase): Promise<JobEvents> {
  const file = examplePortfolio();
  await savePortfolio(db, file);
  const portfolio = (await loadPortfolio(db, file.user.id))!;
  const classifications = portfolio.positions
    .map((p) => referenceClassification(p.symbol))
    .filter((c) => c !== undefined);
  const snapshot: Snapshot = buildSnapshot(portfolio, classifications, new Date());
  const results: Record<Task, unknown> = {
    report: await writeReport(snapshot, new OfflineModel(), {}),
    charts: buildCharts(snapshot),
    retirement: projectRetirement(snapshot),
  };
  return {
    userId: file.user.id,
    planned: (jobId = randomUUID()) => {
      const now = new Date().toISOString();
      return {
        version: 1,
        jobId,
        userId: file.user.id,
        tasks: ['report', 'charts', 'retirement'],
        snapshot,
        requestedAt: now,
        plannedAt: now,
        deadline: new Date(Date.now() + 60_000).toISOString(),
      };
    },
    completed: (jobId, task) =>
      ({
        version: 1,
        jobId,
        task,
        result: results[task],
        completedAt: new Date().toISOString(),
        durationMs: 1,
      }) as Detail<'SpecialistCompleted'>,
  };
}

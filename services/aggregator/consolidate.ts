/**
 * The consolidated analysis, assembled from the plan and the specialists' outcomes. Pure: the
 * same inputs give the same document, whichever delivery finished the job.
 */
import * as z from 'zod';
import type { Detail } from '#events/catalog.ts';
import {
  Chart,
  Classification,
  ReportResult,
  RetirementResult,
  round,
  type Snapshot,
  type SpecialistResult,
  Task,
} from '#events/values.ts';
import { composeReport } from '#services/reporter/retirement-section.ts';
import { cashTotal, classificationsBySymbol, investedTotal, totalValue, valueByAccount } from '../common/holdings.ts';

export const TimelineEntry = z.object({
  detailType: z.string(),
  time: z.string(),
  task: Task.optional(),
  note: z.string().optional(),
});

export const ConsolidatedAnalysis = z.object({
  jobId: z.string(),
  userId: z.string(),
  status: z.enum(['completed', 'partial', 'failed']),
  requestedAt: z.string(),
  plannedAt: z.string(),
  completedAt: z.string(),
  missing: z.array(z.object({ task: Task, reason: z.string() })),
  portfolio: z.object({
    asOf: z.string(),
    currency: z.string(),
    owner: z.object({ name: z.string(), birthYear: z.number() }),
    totalValue: z.number(),
    investedValue: z.number(),
    cashValue: z.number(),
    accounts: z.array(
      z.object({ id: z.string(), name: z.string(), type: z.string(), cash: z.number(), value: z.number() }),
    ),
    positions: z.array(
      z.object({
        accountId: z.string(),
        symbol: z.string(),
        name: z.string(),
        quantity: z.number(),
        price: z.number().nullable(),
        priceSource: z.string(),
        value: z.number(),
        percent: z.number(),
      }),
    ),
  }),
  classification: z.array(Classification),
  report: ReportResult.nullable(),
  charts: z.array(Chart),
  retirement: RetirementResult.nullable(),
  timeline: z.array(TimelineEntry),
});
export type ConsolidatedAnalysis = z.infer<typeof ConsolidatedAnalysis>;

/** A SpecialistCompleted with its result inline (fetched first when it travelled by reference). */
export type CompletedDetail = Detail<'SpecialistCompleted'> & SpecialistResult;

export type Outcome =
  | { kind: 'completed'; detail: CompletedDetail }
  | { kind: 'failed'; detail: Detail<'SpecialistFailed'> };

export function finalStatusOf(
  tasks: readonly Task[],
  outcomes: ReadonlyMap<Task, Outcome>,
): ConsolidatedAnalysis['status'] {
  const completed = tasks.filter((task) => outcomes.get(task)?.kind === 'completed').length;
  if (completed === tasks.length) return 'completed';
  return completed === 0 ? 'failed' : 'partial';
}

export function consolidate(
  /** The plan with its snapshot inline (fetched first when it travelled by reference). */
  planned: Detail<'AnalysisPlanned'>,
  outcomes: ReadonlyMap<Task, Outcome>,
  completedAt: Date,
  /** Why a task that never reported is missing (at a deadline: which one). */
  noResultReason = 'no result arrived',
  /** Classification steps before the plan (ClassificationRequested, InstrumentsClassified). */
  steps: readonly { detailType: string; at: string; note?: string }[] = [],
): ConsolidatedAnalysis {
  const snapshot = planned.snapshot;
  if (!snapshot) throw new Error(`consolidate: job ${planned.jobId}'s snapshot must be fetched (snapshotRef) first`);
  const resultOf = <T extends Task>(task: T) => {
    const outcome = outcomes.get(task);
    return outcome?.kind === 'completed' && outcome.detail.task === task ? outcome.detail.result : null;
  };
  const missing = planned.tasks.flatMap((task) => {
    const outcome = outcomes.get(task);
    if (outcome?.kind === 'completed') return [];
    const reason =
      outcome?.kind === 'failed' ? `${outcome.detail.error.code}: ${outcome.detail.error.message}` : noResultReason;
    return [{ task, reason }];
  });

  const timeline: ConsolidatedAnalysis['timeline'] = [
    { detailType: 'AnalysisRequested', time: planned.requestedAt },
    { detailType: 'AnalysisPlanned', time: planned.plannedAt, note: `tasks: ${planned.tasks.join(', ')}` },
    ...[...outcomes.values()].map((outcome) =>
      outcome.kind === 'completed'
        ? {
            detailType: 'SpecialistCompleted',
            time: outcome.detail.completedAt,
            task: outcome.detail.task,
            note: `${outcome.detail.durationMs} ms`,
          }
        : {
            detailType: 'SpecialistFailed',
            time: outcome.detail.failedAt,
            task: outcome.detail.task,
            note: outcome.detail.error.code,
          },
    ),
  ].sort((a, b) => a.time.localeCompare(b.time));
  // Steps go right after the request, in causal order: their envelope times have whole seconds
  // only, so sorting them with the millisecond times around them could misplace them.
  const stepOrder = ['ClassificationRequested', 'InstrumentsClassified'];
  const ordered = [...steps].sort((a, b) => stepOrder.indexOf(a.detailType) - stepOrder.indexOf(b.detailType));
  const requestedIndex = timeline.findIndex((entry) => entry.detailType === 'AnalysisRequested');
  timeline.splice(
    requestedIndex + 1,
    0,
    ...ordered.map((step) => ({
      detailType: step.detailType,
      time: step.at,
      ...(step.note ? { note: step.note } : {}),
    })),
  );
  const status = finalStatusOf(planned.tasks, outcomes);
  const report = resultOf('report') as ConsolidatedAnalysis['report'];
  const retirement = resultOf('retirement') as ConsolidatedAnalysis['retirement'];
  timeline.push({
    detailType: status === 'failed' ? 'AnalysisFailed' : 'AnalysisCompleted',
    time: completedAt.toISOString(),
  });

  return {
    jobId: planned.jobId,
    userId: planned.userId,
    status,
    requestedAt: planned.requestedAt,
    plannedAt: planned.plannedAt,
    completedAt: completedAt.toISOString(),
    missing,
    portfolio: portfolioSection(snapshot),
    classification: snapshot.instruments,
    // The projection ran once, in the retirement service: its paragraph and finding join the report here.
    report: report ? composeReport(report, retirement) : null,
    charts: (resultOf('charts') as { charts: ConsolidatedAnalysis['charts'] } | null)?.charts ?? [],
    retirement,
    timeline,
  };
}

function portfolioSection(snapshot: Snapshot): ConsolidatedAnalysis['portfolio'] {
  const total = totalValue(snapshot);
  const names = classificationsBySymbol(snapshot);
  const accountValues = new Map(valueByAccount(snapshot).map((slice) => [slice.key, slice.value]));
  return {
    asOf: snapshot.asOf,
    currency: snapshot.currency,
    owner: snapshot.owner,
    totalValue: round(total, 2),
    investedValue: round(investedTotal(snapshot), 2),
    cashValue: round(cashTotal(snapshot), 2),
    accounts: snapshot.accounts.map((account) => ({ ...account, value: accountValues.get(account.id) ?? 0 })),
    positions: snapshot.positions.map((position) => ({
      ...position,
      name: names.get(position.symbol)?.name ?? position.symbol,
      percent: total > 0 ? round((position.value / total) * 100, 2) : 0,
    })),
  };
}

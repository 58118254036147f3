/**
 * The reporter's domain: computed facts, rule-based recommendations, a narrative written from
 * the facts alone, and the markdown report. No AWS here; the model arrives through its port.
 */
import { DomainRefusal, InvalidInputError } from '#events/errors.ts';
import { ReportResult, type RetirementOutlook, Snapshot } from '#events/values.ts';
import { projectRetirement } from '#services/retirement/domain.ts';
import type { ModelPort } from '../common/model/port.ts';
import { computeFacts, factRecord } from './facts.ts';
import { renderMarkdown } from './markdown.ts';
import { recommend } from './recommendations.ts';
import { writeNarrative } from './writer.ts';

export async function writeReport(
  snapshot: Snapshot,
  model: ModelPort,
  context: { jobId?: string },
): Promise<ReportResult> {
  const parsed = InvalidInputError.parse(Snapshot, snapshot, 'snapshot');
  const facts = reportFacts(parsed);
  const recommendations = recommend(facts);
  const { narrative, writer } = await writeNarrative(facts, recommendations, model, context);
  return ReportResult.parse({
    markdown: renderMarkdown(facts, recommendations, narrative),
    recommendations,
    facts: factRecord(facts),
    writer,
  });
}

/** The facts a report is written from: the portfolio's and the projection's. */
export function reportFacts(snapshot: Snapshot) {
  return computeFacts(snapshot, outlookOf(snapshot));
}

/**
 * The same projection the retirement service makes (same inputs, same seed), so the report's
 * headline and advice quote the figures the charts show. None when the goals allow no projection.
 */
function outlookOf(snapshot: Snapshot): RetirementOutlook | undefined {
  try {
    // Only the outlook is quoted here, so the planning view is not computed twice.
    return projectRetirement(snapshot, { planning: false }).outlook;
  } catch (error) {
    if (error instanceof InvalidInputError || error instanceof DomainRefusal) return undefined;
    throw error;
  }
}

/**
 * The reporter's domain: computed facts, rule-based recommendations, a narrative written from
 * the facts alone, and the markdown report. No AWS here; the model arrives through its port.
 */
import { InvalidInputError } from '#events/errors.ts';
import { ReportResult, Snapshot } from '#events/values.ts';
import type { ModelPort } from '../common/model/port.ts';
import type { KnowledgePort } from '../researcher/ports.ts';
import { citationFacts, findCitations, sourcesMarkdown } from './citations.ts';
import { computeFacts, factRecord } from './facts.ts';
import { renderMarkdown } from './markdown.ts';
import { recommend } from './recommendations.ts';
import { writeNarrative } from './writer.ts';

export async function writeReport(
  snapshot: Snapshot,
  model: ModelPort,
  context: { jobId?: string; knowledge?: KnowledgePort; onKnowledgeError?: (error: unknown) => void },
): Promise<ReportResult> {
  const parsed = InvalidInputError.parse(Snapshot, snapshot, 'snapshot');
  const facts = reportFacts(parsed);
  const recommendations = recommend(facts);
  // Citations are background for the reader: the model never sees them, so it cannot quote one.
  const citations = await findCitations(facts, context.knowledge, context.onKnowledgeError);
  const { narrative, writer } = await writeNarrative(facts, recommendations, model, context);
  const markdown = renderMarkdown(facts, recommendations, narrative);
  return ReportResult.parse({
    markdown: citations.length > 0 ? `${markdown}\n${sourcesMarkdown(citations).join('\n')}` : markdown,
    recommendations,
    facts: { ...factRecord(facts), ...citationFacts(citations) },
    writer,
    ...(citations.length > 0 ? { citations } : {}),
  });
}

/**
 * The facts a report is written from: the portfolio's. The reporter runs beside the retirement
 * specialist and does not project: the projection's paragraph and finding are added from the
 * retirement result when the analysis is consolidated (retirement-section.ts, composeReport).
 */
export function reportFacts(snapshot: Snapshot) {
  return computeFacts(snapshot);
}

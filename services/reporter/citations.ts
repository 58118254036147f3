/**
 * Citations from the knowledge base: the reporter asks the knowledge port about what stands out
 * in the portfolio's facts (its largest asset classes, home bias, a concentrated stock, the
 * withdrawal rate), keeps at most one passage per document, and renders them in a Sources
 * section. A passage is quoted, never turned into a figure: sentences stating a number are left
 * out of the quote, and the citation's own numbers (passage, score) become facts of the report,
 * so the number check still holds for every figure the report prints.
 */
import type { Citation } from '#events/values.ts';
import { sentences } from '../researcher/passages.ts';
import { type KnowledgeHit, type KnowledgePort, searchEach } from '../researcher/ports.ts';
import { terms } from '../researcher/tokens.ts';
import type { PortfolioFacts } from './facts.ts';
import { className } from './recommendations.ts';

/** Citations a report carries at most: background reading, not a bibliography. */
export const MAX_CITATIONS = 4;
const HITS_PER_QUESTION = 3;
const QUOTE_CHARS = 320;

export interface Question {
  /** Why the passage is cited, in words without digits. */
  topic: string;
  query: string;
}

/** What to look up, from the facts, most telling first. */
export function questionsFor(facts: PortfolioFacts): Question[] {
  const questions: Question[] = [];
  const number = (key: string) => {
    const value = facts.byKey.get(key)?.value;
    return typeof value === 'number' ? value : undefined;
  };
  const classes = facts.assetClasses.filter((row) => row.assetClass !== 'unclassified' && row.value > 0);
  for (const [index, row] of classes.slice(0, 2).entries()) {
    const name = className(row.assetClass);
    questions.push({
      topic: `your ${index === 0 ? 'largest' : 'second largest'} asset class, ${name}`,
      query: `${name} ${row.assetClass.replace(/_/g, ' ')} asset class role in a portfolio risk and return`,
    });
  }
  if (facts.byKey.has('largestStock.symbol')) {
    questions.push({
      topic: 'a large holding in a single company',
      query: 'concentration in a single stock company risk diversification',
    });
  }
  const usShare = number('homeBias.usEquityPercent');
  if (usShare !== undefined) {
    questions.push({
      topic: 'how your equities are spread across regions',
      query: 'home bias international diversification regions foreign stocks',
    });
  }
  if (number('yearsToRetirement') !== undefined) {
    questions.push({
      topic: 'spending from the portfolio in retirement',
      query: 'safe withdrawal rate retirement spending sequence of returns',
    });
  }
  return questions;
}

/**
 * Asks each question and keeps the best passage of a document not yet cited that shares a term
 * with the question (vector search always answers something; an unrelated passage is no source).
 * A failing knowledge base costs the citations, never the report.
 */
export async function findCitations(
  facts: PortfolioFacts,
  knowledge: KnowledgePort | undefined,
  onError: (error: unknown) => void = () => undefined,
): Promise<Citation[]> {
  if (!knowledge) return [];
  const citations: Citation[] = [];
  const cited = new Set<string>();
  try {
    const questions = questionsFor(facts);
    // All questions at once (one catalogue read where the port can): at most one search more
    // than needed, when the first questions already fill MAX_CITATIONS.
    const answers = await searchEach(
      knowledge,
      questions.map((question) => question.query),
      HITS_PER_QUESTION,
    );
    for (const [index, question] of questions.entries()) {
      if (citations.length >= MAX_CITATIONS) break;
      const asked = new Set(terms(question.query));
      const hits = answers[index] ?? [];
      const hit = hits.find(
        (h) => !cited.has(h.documentId) && terms(`${h.title} ${h.text}`).some((term) => asked.has(term)),
      );
      if (!hit) continue;
      cited.add(hit.documentId);
      citations.push(citationOf(hit, question.topic));
    }
  } catch (error) {
    onError(error);
    return [];
  }
  return citations;
}

function citationOf(hit: KnowledgeHit, topic: string): Citation {
  return {
    documentId: hit.documentId,
    passageKey: hit.key,
    passage: hit.passage,
    title: hit.title,
    source: hit.source,
    ...(hit.date ? { date: hit.date } : {}),
    score: Math.round(hit.score * 10_000) / 10_000,
    topic,
    quote: quoteOf(hit.text),
  };
}

/**
 * The passage's leading sentences that state no figure, up to about QUOTE_CHARS: a sentence with
 * any digit is left out whole, so no number of the source can pass for one of the portfolio's.
 * Headings are left out too, and Markdown emphasis and link characters dropped, so the quote reads
 * as the source's prose.
 */
export function quoteOf(text: string): string {
  const kept: string[] = [];
  let length = 0;
  for (const span of sentences(text)) {
    const sentence = text.slice(span.start, span.end).replace(/[*_`[\]<>]/g, '');
    // A figure anywhere leaves the sentence out; so does a heading (no closing punctuation).
    if (/\p{N}/u.test(sentence) || !/[.!?…"”’)]$/u.test(sentence)) continue;
    if (length > 0 && length + sentence.length > QUOTE_CHARS) break;
    kept.push(sentence);
    length += sentence.length + 1;
    if (length >= QUOTE_CHARS) break;
  }
  return kept.join(' ');
}

/** The facts a Sources section states: each citation's passage number (from 1), score, title and source. */
export function citationFacts(citations: readonly Citation[]): Record<string, number | string> {
  const facts: Record<string, number | string> = {};
  citations.forEach((citation, i) => {
    facts[`citation.${i + 1}.passage`] = citation.passage + 1;
    facts[`citation.${i + 1}.score`] = citation.score;
    facts[`citation.${i + 1}.title`] = citation.title;
    facts[`citation.${i + 1}.source`] = citation.source;
  });
  return facts;
}

/** The Sources section, or nothing when there is no citation. */
export function sourcesMarkdown(citations: readonly Citation[]): string[] {
  if (citations.length === 0) return [];
  const lines = [
    '## Sources',
    '',
    'Background from the knowledge base, looked up for what stands out in this portfolio. Quotes are the sources’ ' +
      'own words; sentences that state figures are left out, since every figure in this review is computed from ' +
      'your portfolio.',
    '',
  ];
  citations.forEach((citation, i) => {
    const quote = citation.quote ? `: “${citation.quote}”` : '.';
    lines.push(
      `${i + 1}. **${plain(citation.title)}**, ${plain(citation.source)}, passage ${citation.passage + 1} ` +
        `(relevance score ${citation.score}), on ${citation.topic}${quote}`,
    );
  });
  lines.push('');
  return lines;
}

function plain(text: string): string {
  return text
    .replace(/[*_`[\]<>|]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

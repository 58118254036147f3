/**
 * The reporter cites the knowledge base: passages found for the portfolio's facts, each with its
 * document, passage and score, in a Sources section; quoted without any sentence that states a
 * figure, so the number check still finds every figure of the report among its facts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OfflineModel } from '#services/common/model/offline.ts';
import { quoteOf } from '#services/reporter/citations.ts';
import { reportFacts, writeReport } from '#services/reporter/domain.ts';
import { findUnsupportedNumbers } from '#services/reporter/number-check.ts';
import { exampleSnapshot } from '#test/support/example-snapshot.ts';
import { openTestKnowledge, type TestKnowledge } from '#test/support/knowledge.ts';

const DOCUMENTS = [
  {
    documentId: 'notes/equities.md',
    content:
      '# Equities\n\nStocks are shares of ownership in companies. Over long periods equities have returned more than ' +
      'bonds, with deeper falls on the way. Between 1926 and 2023 large US stocks returned about 10.2% a year.\n',
  },
  {
    documentId: 'notes/bonds.md',
    content:
      '# Bonds\n\nBonds are loans to governments and companies that pay interest. In a portfolio they cushion the ' +
      'falls of equities.\n',
  },
  {
    documentId: 'notes/withdrawals.md',
    content:
      '# Safe withdrawal rate\n\nWilliam Bengen found in 1994 that a first-year withdrawal of 4.15% survived every ' +
      'thirty-year retirement in his data. Spending in retirement must survive a bad sequence of returns.\n',
  },
  {
    documentId: 'notes/gardening.md',
    content: '# Tomatoes\n\nTomatoes want sun, warmth and steady water. Pinch the side shoots.\n',
  },
];

let kb: TestKnowledge;
beforeAll(async () => {
  kb = await openTestKnowledge();
  await kb.add(DOCUMENTS);
}, 60_000);
afterAll(async () => {
  await kb?.close();
});

describe('quoteOf', () => {
  it('leaves out every sentence that states a figure, keeping the others in order', () => {
    expect(
      quoteOf(
        'The 4% rule is from Bengen (1994). Diversification spreads risk. Costs compound over 30 years. Fees matter.',
      ),
    ).toBe('Diversification spreads risk. Fees matter.');
    expect(quoteOf('Only 12 numbers here. And 3 more.')).toBe('');
  });
});

describe('a report with a knowledge base', () => {
  const snapshot = exampleSnapshot('portfolio.json');

  it('cites passages relevant to its facts, each with document, passage and score, in a Sources section', async () => {
    const result = await writeReport(snapshot, new OfflineModel(), { knowledge: kb.knowledge });
    const citations = result.citations ?? [];
    expect(citations.length).toBeGreaterThanOrEqual(2);
    expect(citations.map((c) => c.documentId)).toContain('notes/equities.md');
    expect(citations.map((c) => c.documentId)).not.toContain('notes/gardening.md');
    for (const citation of citations) {
      expect(citation.passageKey).toBe(`${citation.documentId}#${citation.passage}`);
      expect(citation.score).toBeGreaterThan(0);
    }
    const sources = result.markdown.slice(result.markdown.indexOf('## Sources'));
    expect(sources).toMatch(/^## Sources\n/);
    expect(sources).toContain('**Equities**, notes/equities.md, passage 1 (relevance score');
  });

  it('cites the same passages whether the port answers all questions at once or one at a time', async () => {
    const asked: string[] = [];
    const oneByOne = {
      search: (query: string, topK: number) => {
        asked.push(query);
        return kb.knowledge.search(query, topK);
      },
    };
    const each = await writeReport(snapshot, new OfflineModel(), { knowledge: oneByOne });
    const all = await writeReport(snapshot, new OfflineModel(), { knowledge: kb.knowledge });
    expect(asked.length).toBeGreaterThanOrEqual(2);
    expect(all.citations).toEqual(each.citations);
    expect(all.markdown).toBe(each.markdown);
  });

  it('quotes a passage without its figures, and every figure it prints is a fact of the report', async () => {
    const result = await writeReport(snapshot, new OfflineModel(), { knowledge: kb.knowledge });
    expect(result.markdown).toContain('“Stocks are shares of ownership in companies.');
    for (const figure of ['1926', '10.2%', '1994', '4.15%']) expect(result.markdown).not.toContain(figure);
    expect(findUnsupportedNumbers(result.markdown, result.facts)).toEqual([]);
  });

  it('still refuses a figure taken from a passage when the narrative states it', () => {
    const facts = reportFacts(snapshot);
    expect(
      findUnsupportedNumbers('Bengen found that a first-year withdrawal of 4.15% lasted, as of 1994.', facts),
    ).toEqual(['4.15%', '1994']);
  });

  it('cites nothing, and still reports, without a knowledge port or when search fails', async () => {
    const plain = await writeReport(snapshot, new OfflineModel(), {});
    expect(plain.citations).toBeUndefined();
    expect(plain.markdown).not.toContain('## Sources');
    const errors: unknown[] = [];
    const failing = await writeReport(snapshot, new OfflineModel(), {
      knowledge: { search: () => Promise.reject(new Error('vector store unreachable')) },
      onKnowledgeError: (error) => errors.push(error),
    });
    expect(failing.citations).toBeUndefined();
    expect(errors).toHaveLength(1);
  });
});

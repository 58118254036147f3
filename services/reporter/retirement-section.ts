/**
 * The report's retirement paragraph and the finding that acts on the projection, written from
 * the retirement specialist's own result when the analysis is consolidated. The projection runs
 * once, in the retirement service; the reporter (running beside it) writes about the portfolio,
 * and this composition adds what the projection says, so report and projection quote one set of
 * numbers. Pure, and light to import: the aggregator calls it, so nothing here reads data files.
 */
import type { Recommendation, ReportResult, RetirementOutlook, RetirementResult } from '#events/values.ts';
import { type Fact, FactBook } from './fact-book.ts';
import { findUnsupportedNumbers } from './number-check.ts';
import { planningMarkdown } from './planning-section.ts';

/** The advice to hold more stocks, which (after one company above the limit) outranks the finding. */
export const MORE_STOCKS_TITLE = 'Hold more stocks for your horizon';
/** Success below this, percent, is a high-priority finding. */
export const SUCCESS_FLOOR_PERCENT = 80;
/** The projection reads the unclassified share the cautious way; above this share it says so. */
const UNCERTAIN_PERCENT = 10;

type Facts = ReadonlyMap<string, Fact>;

/** The projection's figures under each assumption set, each a fact the number check accepts. */
export function projectionFacts(book: FactBook, outlook: RetirementOutlook): void {
  book.text('projection.primary', 'Assumption set the headline leads with', outlook.primary);
  for (const scenario of outlook.scenarios) {
    const key = `projection.${scenario.id}`;
    book.text(`${key}.label`, `Assumption set: ${scenario.id}`, scenario.label);
    book.percent(`${key}.success`, `Chance the money lasts (${scenario.label})`, scenario.successProbability * 100, 0);
    if (scenario.successRange) {
      book.percent(`${key}.successLow`, 'Success, lower reading', scenario.successRange.low * 100, 0);
      book.percent(`${key}.successHigh`, 'Success, higher reading', scenario.successRange.high * 100, 0);
    }
    book.usd(
      `${key}.sustainableSpending`,
      `Spending sustained with 90% success (${scenario.label})`,
      scenario.sustainableSpending,
    );
    book.age(
      `${key}.moneyLastsToAge`,
      'Age the money lasts to in a poor case (1 in 10)',
      Math.floor(scenario.moneyLastsToAgeP10),
    );
    for (const [assetClass, value] of Object.entries(scenario.expectedReturn)) {
      book.percent(`${key}.return.${assetClass}`, `Expected return of ${assetClass}`, value * 100, 1);
    }
    if (scenario.inflation !== null) book.percent(`${key}.inflation`, 'Inflation', scenario.inflation * 100, 2);
  }
  const primary = outlook.scenarios.find((s) => s.id === outlook.primary)!;
  book.usd('projection.plannedSpending', 'Planned yearly spending in retirement', outlook.plannedSpending);
  book.usd(
    'projection.spendingGap',
    'Planned spending above what is sustainable (headline set)',
    primary.sustainableSpending === null ? null : Math.max(0, outlook.plannedSpending - primary.sustainableSpending),
  );
  book.percent(
    'projection.unclassifiedPercent',
    'Share of the projection nobody could classify',
    outlook.unclassifiedPercent,
    0,
  );
  book.text('projection.cautiousReading', 'How the unclassified share is read', outlook.cautiousReading);
  book.percent('rule.successFloor', 'Success below which the plan needs action', SUCCESS_FLOOR_PERCENT, 0);
}

/** "On track?" in one paragraph: the headline set, sustainable against planned, the record, the caveat. */
export function onTrackParagraph(facts: Facts): string {
  const primary = `projection.${txt(facts, 'projection.primary')}`;
  const both = facts.has('projection.historical.success') && primary !== 'projection.historical';
  const history = both
    ? ` Under the historical record it is ${txt(facts, 'projection.historical.success')}, supporting ${txt(facts, 'projection.historical.sustainableSpending')} a year.`
    : '';
  const uncertain =
    (num(facts, 'projection.unclassifiedPercent') ?? 0) > UNCERTAIN_PERCENT
      ? ` This projection is uncertain: ${txt(facts, 'projection.unclassifiedPercent')} of the portfolio could not be classified, and it is read the cautious way (as ${txt(facts, 'projection.cautiousReading') === 'fixed_income' ? 'bonds' : 'stocks'}).`
      : '';
  return (
    `On track? Under ${txt(facts, `${primary}.label`)} assumptions the money lasts in ${txt(facts, `${primary}.success`)} of simulated markets, ` +
    `and ${txt(facts, `${primary}.sustainableSpending`)} a year of spending is sustainable against the ${txt(facts, 'projection.plannedSpending')} you plan.` +
    history +
    uncertain
  );
}

/** The rule that acts on the projection: below the success floor, or spending above sustainable. */
export function projectionShortfall(facts: Facts): Recommendation | undefined {
  const key = `projection.${txt(facts, 'projection.primary')}`;
  const success = num(facts, `${key}.success`);
  const gap = num(facts, 'projection.spendingGap') ?? 0;
  if (success === null || (success >= SUCCESS_FLOOR_PERCENT && gap <= 0)) return undefined;
  const history = facts.has('projection.historical.success')
    ? ` Under the historical record it is ${txt(facts, 'projection.historical.success')}, with ${txt(facts, 'projection.historical.sustainableSpending')} a year sustainable; the difference is how much return the future pays.`
    : '';
  return {
    title: 'Close the gap between planned and sustainable spending',
    recommendation:
      gap > 0
        ? `Plan retirement spending of about ${txt(facts, `${key}.sustainableSpending`)} a year instead of ${txt(facts, 'projection.plannedSpending')} (${txt(facts, 'projection.spendingGap')} less), or close the same gap by saving more or retiring later; revisit it every year.`
        : `Raise savings or plan to retire later until the chance the money lasts is above ${txt(facts, 'rule.successFloor')}.`,
    reasoning:
      `Under the ${txt(facts, `${key}.label`)} assumptions the money lasts in ${txt(facts, `${key}.success`)} of simulated markets, below the ${txt(facts, 'rule.successFloor')} this review asks for, and a poor case (1 in 10) runs out at age ${txt(facts, `${key}.moneyLastsToAge`)}.` +
      history,
    impact: 'Makes the plan hold in poor markets too, not only in average ones.',
    priority: 'high',
  };
}

/**
 * The report with the projection's paragraph (end of the executive summary) and finding (ranked
 * among the recommendations) added. Only one company above the single-stock limit and a mix far
 * too cautious for the horizon outrank the finding (they change the projection itself): the
 * reporter ranks them first when it makes them. Every figure added is
 * checked against the projection's facts; a miss is a defect in this file, not the user's.
 */
export function composeReport(report: ReportResult, retirement: RetirementResult | null | undefined): ReportResult {
  const outlook = retirement?.outlook;
  if (!outlook) return report;
  const book = new FactBook();
  projectionFacts(book, outlook);
  const facts = book.map;
  const record = Object.fromEntries(book.list().map((fact) => [fact.key, fact.shown]));
  const guaranteed = (report.facts['retirement.spendingFromPortfolio'] ?? 1) === 0;
  const finding = projectionShortfall(facts);
  const first: string[] = [];
  if (companyAboveLimit(report.facts) && report.recommendations.length > 0) first.push('the single-company risk');
  if (report.recommendations[first.length]?.title === MORE_STOCKS_TITLE) first.push('the mix of stocks and bonds');
  const ahead = first.length;
  const order = finding
    ? ` The recommendations below ${ahead > 0 ? `take up that gap after ${first.join(' and ')}, which change${ahead > 1 ? '' : 's'} it` : 'start with that gap'}.`
    : '';
  const paragraph = guaranteed ? '' : onTrackParagraph(facts) + order;
  const added = [paragraph, ...(finding ? [finding.recommendation, finding.reasoning, finding.impact] : [])].join(' ');
  const unsupported = findUnsupportedNumbers(added, record);
  if (unsupported.length > 0) throw new Error(`reporter: the retirement section states ${unsupported.join(', ')}`);

  const recommendations = finding
    ? [...report.recommendations.slice(0, ahead), finding, ...report.recommendations.slice(ahead)]
    : report.recommendations;
  let markdown = paragraph
    ? insertBefore(report.markdown, '\n## Portfolio Composition\n', `${paragraph}\n\n`)
    : report.markdown;
  if (finding) markdown = insertRecommendation(markdown, finding, ahead + 1);
  if (retirement?.planning)
    markdown = insertBefore(markdown, '\n## Recommendations\n', `${planningMarkdown(retirement.planning)}\n`);
  return { ...report, markdown, recommendations, facts: { ...report.facts, ...record } };
}

/** One recommendation in the report's markdown, numbered. */
export function recommendationMarkdown(recommendation: Recommendation, number: number): string[] {
  return [
    `### ${number}. ${recommendation.title}`,
    '',
    `**Recommendation:** ${recommendation.recommendation}`,
    '',
    `**Reasoning:** ${recommendation.reasoning}`,
    '',
    `**Impact:** ${recommendation.impact}`,
    '',
    `**Priority:** ${recommendation.priority.charAt(0).toUpperCase()}${recommendation.priority.slice(1)}`,
    '',
  ];
}

function companyAboveLimit(facts: ReportResult['facts']): boolean {
  const limit = facts['rule.singleStockLimit'];
  if (typeof limit !== 'number') return false;
  return Object.entries(facts).some(
    ([key, value]) => /^exposure\.[^.]+\.percent$/.test(key) && typeof value === 'number' && value > limit,
  );
}

/** Puts the finding in place `number` of the recommendations section and renumbers those after it. */
function insertRecommendation(markdown: string, finding: Recommendation, number: number): string {
  const start = markdown.indexOf('\n## Recommendations\n');
  const end = markdown.indexOf('\n## Conclusion\n', start);
  if (start < 0 || end < 0) return markdown;
  const section = markdown.slice(start, end);
  const renumbered = section.replace(/^### (\d+)\. /gm, (heading, n: string) =>
    Number(n) >= number ? `### ${Number(n) + 1}. ` : heading,
  );
  const block = recommendationMarkdown(finding, number).join('\n');
  const at = renumbered.search(new RegExp(`^### ${number + 1}\\. `, 'm'));
  const composed =
    at < 0 ? `${renumbered.trimEnd()}\n\n${block}` : `${renumbered.slice(0, at)}${block}\n${renumbered.slice(at)}`;
  return markdown.slice(0, start) + composed + markdown.slice(end);
}

function insertBefore(text: string, marker: string, addition: string): string {
  const at = text.indexOf(marker);
  return at < 0 ? text : `${text.slice(0, at).trimEnd()}\n\n${addition.trimEnd()}\n${text.slice(at)}`;
}

function txt(facts: Facts, key: string): string {
  const found = facts.get(key);
  if (!found) throw new Error(`reporter: no fact named ${key}`);
  return found.text;
}

function num(facts: Facts, key: string): number | null {
  const shown = facts.get(key)?.shown;
  return typeof shown === 'number' ? shown : null;
}

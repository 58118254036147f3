/**
 * The report as markdown: the narrative in its sections, with tables, recommendations and the
 * assumptions rendered from the facts directly (never from the narrative).
 */
import type { Recommendation } from '#events/values.ts';
import type { PortfolioFacts } from './facts.ts';
import { capitalise, countWord, GLIDE_PATH_RULE, num, txt } from './facts.ts';
import { longDate, lowerFirst } from './prose.ts';
import { className } from './recommendations.ts';
import { recommendationMarkdown } from './retirement-section.ts';
import { type Narrative, SECTION_TITLES } from './writer.ts';

/** The whole report in markdown: narrative, tables from the facts, recommendations, assumptions. */
export function renderMarkdown(
  facts: PortfolioFacts,
  recommendations: readonly Recommendation[],
  narrative: Narrative,
): string {
  const [summary, composition, diversification, risk, retirement, recs, conclusion] = SECTION_TITLES;
  const lines: string[] = [
    '# Portfolio Review',
    '',
    `*Prepared from the portfolio as of ${longDate(facts.asOf)}. All values in US dollars.*`,
    '',
    `## ${summary}`,
    '',
    narrative.executiveSummary,
    '',
    `## ${composition}`,
    '',
    narrative.portfolioComposition,
    '',
    ...allocationTable(facts),
    '',
    `## ${diversification}`,
    '',
    narrative.diversification,
    '',
    ...holdingsTable(facts),
    '',
    `## ${risk}`,
    '',
    narrative.riskProfile,
    '',
    `## ${retirement}`,
    '',
    narrative.retirementReadiness,
    '',
    `## ${recs}`,
    '',
    narrative.recommendationsIntro,
    '',
  ];
  recommendations.forEach((recommendation, index) => {
    lines.push(...recommendationMarkdown(recommendation, index + 1));
  });
  lines.push(`## ${conclusion}`, '', narrative.conclusion, '', '---', '', assumptionsNote(facts), '');
  return lines.join('\n');
}

function assumptionsNote(facts: PortfolioFacts): string {
  return (
    `*Assumptions: expected annual returns of ${txt(facts, 'assumption.equityReturn')} for equities, ${txt(facts, 'assumption.bondReturn')} for bonds and ` +
    `${txt(facts, 'assumption.cashReturn')} for cash; a global stock index about ${txt(facts, 'assumption.globalUsEquityShare')} North American; ` +
    `a ${txt(facts, 'assumption.withdrawalRate')} sustainable withdrawal rate; an emergency reserve of ${countWord(num(facts, 'assumption.emergencyMonths') ?? 0)} months of planned spending, ` +
    `held in taxable accounts. Bond rule (a glide path): ${lowerFirst(GLIDE_PATH_RULE)}. Holdings without a price are excluded from all figures.*`
  );
}

function allocationTable(facts: PortfolioFacts): string[] {
  const header = facts.hasTarget
    ? ['| Asset class | Value | Share | Target | Difference |', '| --- | ---: | ---: | ---: | ---: |']
    : ['| Asset class | Value | Share |', '| --- | ---: | ---: |'];
  const rows = facts.assetClasses.map((row) => {
    const cells = [
      capitalise(className(row.assetClass)),
      txt(facts, `allocation.${row.assetClass}.value`),
      txt(facts, `allocation.${row.assetClass}.percent`),
    ];
    if (facts.hasTarget) {
      cells.push(
        row.target === undefined ? '—' : txt(facts, `target.${row.assetClass}`),
        row.drift === undefined ? '—' : txt(facts, `drift.${row.assetClass}`),
      );
    }
    return `| ${cells.join(' | ')} |`;
  });
  return [...header, ...rows];
}

function holdingsTable(facts: PortfolioFacts): string[] {
  if (facts.topFive.length === 0) return [];
  return [
    '| Largest holdings | Value | Share | Kind |',
    '| --- | ---: | ---: | --- |',
    ...facts.topFive.map(
      (h) =>
        `| ${h.symbol} | ${txt(facts, `holding.${h.symbol}.value`)} | ${txt(facts, `holding.${h.symbol}.percent`)} | ${HOLDING_KINDS[h.kind]} |`,
    ),
  ];
}

const HOLDING_KINDS = { fund: 'fund', security: 'individual security', unknown: 'not classified' } as const;

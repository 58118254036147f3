/**
 * The consolidated analysis as one self-contained HTML document: inline CSS, inline SVG, no
 * scripts and nothing fetched, so it can be saved, mailed or opened offline. All text that
 * came from people or the model is escaped; the report's markdown goes through renderMarkdown,
 * which shows raw HTML as text.
 */
import type { z } from 'zod';
import type { JobStatus } from '#events/catalog.ts';
import type { Classification, ReportResult, RetirementResult, Task } from '#events/values.ts';
import { instrumentTypeLabel } from '#services/charter/labels.ts';
import { assumptionRows } from './assumptions-panel.ts';
import { renderMarkdown } from './markdown.ts';
import { onTrack, successPercent } from './on-track.ts';
import {
  type ChartInput,
  escapeXml as escapeHtml,
  fanChart,
  formatPercent,
  formatUsd,
  renderChart,
} from './svg-charts.ts';

export interface ConsolidatedPosition {
  symbol: string;
  name?: string;
  accountId?: string;
  quantity?: number;
  price?: number | null;
  value?: number | null;
}

/** What the report needs of the aggregator's consolidated analysis; extra fields are ignored. */
export interface ConsolidatedAnalysis {
  jobId: string;
  status: z.infer<typeof JobStatus>;
  createdAt?: string;
  /** The aggregator's name for when the analysis finished; preferred over createdAt. */
  completedAt?: string;
  portfolio: {
    totalValue: number;
    positions: readonly ConsolidatedPosition[];
    owner?: { name: string };
    asOf?: string;
  };
  report?: ReportResult | null;
  charts: readonly ChartInput[];
  retirement?: RetirementResult | null;
  classification: readonly Pick<Classification, 'symbol' | 'name' | 'instrumentType' | 'source' | 'rationale'>[];
  missing?: readonly { task: Task | string; reason: string }[];
  timeline?: readonly { time: string; detailType: string; task?: string; note?: string }[];
}

export interface ReportHtmlOptions {
  /** When the document was generated; defaults to now. Pass it for reproducible output. */
  generatedAt?: Date;
}

const TASK_NAMES: Record<string, string> = {
  report: 'the written report',
  charts: 'the charts',
  retirement: 'the retirement projection',
};

const SOURCE_NAMES: Record<string, string> = {
  reference: 'Reference data',
  model: 'Model',
  portfolio: 'Portfolio',
  unclassified: 'Unclassified',
};

export function renderReportHtml(analysis: ConsolidatedAnalysis, options: ReportHtmlOptions = {}): string {
  const generatedAt = (options.generatedAt ?? new Date()).toISOString();
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(`Portfolio analysis${analysis.portfolio.owner?.name.trim() ? ` for ${analysis.portfolio.owner.name.trim()}` : ''}`)}</title>`,
    `<style>${STYLE}</style>`,
    '</head>',
    '<body>',
    '<main>',
    header(analysis),
    statusBanner(analysis),
    onTrackSection(analysis),
    reportSection(analysis.report),
    chartsSection(analysis.charts),
    retirementSection(analysis.retirement),
    holdingsSection(analysis),
    appendixSection(analysis, generatedAt),
    '</main>',
    footer(),
    '</body>',
    '</html>',
    '',
  ]
    .filter((part) => part !== '')
    .join('\n');
}

function header(analysis: ConsolidatedAnalysis): string {
  const analysedAt = analysis.completedAt ?? analysis.createdAt;
  const asOf = analysis.portfolio.asOf ? ` · prices as of ${escapeHtml(readableTime(analysis.portfolio.asOf))}` : '';
  const when = analysedAt ? ` · analysed ${escapeHtml(readableTime(analysedAt))}` : '';
  const owner = analysis.portfolio.owner?.name.trim();
  return [
    '<header>',
    `<h1>Portfolio analysis${owner ? ` for ${escapeHtml(owner)}` : ''}</h1>`,
    `<p class="subtitle">Total value <strong>${escapeHtml(formatUsd(analysis.portfolio.totalValue))}</strong>${asOf}${when}</p>`,
    '</header>',
  ].join('\n');
}

/** Says plainly which parts are missing and why, so a partial report is never mistaken for a whole one. */
export function statusBanner(analysis: ConsolidatedAnalysis): string {
  if (analysis.status === 'completed') return '';
  const missing = analysis.missing ?? [];
  const items = missing.map(
    (part) => `<li>${escapeHtml(capitalise(TASK_NAMES[part.task] ?? part.task))}: ${escapeHtml(part.reason)}</li>`,
  );
  const list = items.length > 0 ? `<ul>${items.join('')}</ul>` : '';
  if (analysis.status === 'partial') {
    const lead =
      missing.length > 0
        ? `This analysis is partial: ${escapeHtml(missing.map((part) => TASK_NAMES[part.task] ?? part.task).join(', '))} ${missing.length === 1 ? 'is' : 'are'} missing.`
        : 'This analysis is partial: some parts are missing.';
    return `<section class="banner banner-partial" role="status"><p><strong>${lead}</strong></p>${list}</section>`;
  }
  return `<section class="banner banner-failed" role="alert"><p><strong>This analysis failed.</strong></p>${list}</section>`;
}

/** "On track?" first: success under both assumption sets, sustainable against planned, the main action. */
function onTrackSection(analysis: ConsolidatedAnalysis): string {
  const summary = onTrack(analysis.retirement, analysis.report?.recommendations);
  if (!summary) return '';
  const rows = summary.lines.map(
    (line) => `<div><dt>${escapeHtml(line.label)}</dt><dd>${escapeHtml(line.value)}</dd></div>`,
  );
  return [
    '<section id="on-track" aria-labelledby="on-track-heading">',
    '<h2 id="on-track-heading">On track?</h2>',
    `<p class="verdict"><strong>${escapeHtml(summary.verdict)}</strong></p>`,
    summary.warning ? `<p class="banner banner-partial" role="status">${escapeHtml(summary.warning)}</p>` : '',
    `<dl class="key-figures">${rows.join('')}</dl>`,
    summary.action ? `<p><strong>Main action.</strong> ${escapeHtml(summary.action)}</p>` : '',
    '</section>',
  ]
    .filter((part) => part !== '')
    .join('\n');
}

function reportSection(report: ReportResult | null | undefined): string {
  const body = report
    ? `<div class="markdown">${renderMarkdown(report.markdown, { headingOffset: 2 })}</div>`
    : unavailable('The written report is not available.');
  return `<section id="report" aria-labelledby="report-heading">\n<h2 id="report-heading">Report</h2>\n${body}\n</section>`;
}

function chartsSection(charts: readonly ChartInput[]): string {
  const figures = charts.map(
    (chart) =>
      `<figure class="chart-card" id="chart-${escapeHtml(chart.id)}">\n${renderChart(chart)}\n<figcaption>${escapeHtml(chart.description)}</figcaption>\n</figure>`,
  );
  const body =
    figures.length > 0
      ? `<div class="chart-grid">\n${figures.join('\n')}\n</div>`
      : unavailable('No charts are available.');
  return `<section id="charts" aria-labelledby="charts-heading">\n<h2 id="charts-heading">Allocation</h2>\n${body}\n</section>`;
}

function retirementSection(retirement: RetirementResult | null | undefined): string {
  const heading = '<h2 id="retirement-heading">Retirement projection</h2>';
  if (!retirement) {
    return `<section id="retirement" aria-labelledby="retirement-heading">\n${heading}\n${unavailable('The retirement projection is not available.')}\n</section>`;
  }
  const figures: [string, string][] = [
    ['Chance of not running out of money', successPercent(retirement.successProbability)],
    ['Median value at the end', formatUsd(retirement.medianEndingValue)],
    ['Value at the end in a poor case (10th percentile)', formatUsd(retirement.p10EndingValue)],
    ['In a poor case (1 in 10) the money lasts to age', String(Math.floor(retirement.moneyLastsToAgeP10))],
    ...(retirement.sustainableSpending === null
      ? []
      : ([
          [
            'Yearly spending with a 90% chance of success',
            `${formatUsd(retirement.sustainableSpending)}${retirement.sustainableWithdrawalRate === null ? '' : ` (${formatPercent(retirement.sustainableWithdrawalRate * 100)} withdrawal rate)`}`,
          ],
        ] as [string, string][])),
    [
      'Method',
      `${retirement.method === 'monte-carlo' ? 'Monte Carlo' : 'Historical'} simulation, ${retirement.paths.toLocaleString('en-US')} paths`,
    ],
  ];
  const assumptions = assumptionRows(retirement).map(
    (row) => `<tr><th scope="row">${escapeHtml(row.label)}</th><td>${escapeHtml(row.value)}</td></tr>`,
  );
  return [
    '<section id="retirement" aria-labelledby="retirement-heading">',
    heading,
    `<dl class="key-figures">${figures.map(([term, value]) => `<div><dt>${escapeHtml(term)}</dt><dd>${escapeHtml(value)}</dd></div>`).join('')}</dl>`,
    `<figure class="chart-card wide">\n${retirementFan(retirement)}\n</figure>`,
    assumptions.length > 0
      ? `<details open=""><summary>Assumptions</summary><table class="assumptions"><tbody>${assumptions.join('')}</tbody></table></details>`
      : '',
    '</section>',
  ]
    .filter((part) => part !== '')
    .join('\n');
}

/** One row per instrument held: what it is, how much is held, and where its classification came from. */
export function holdingsSection(analysis: ConsolidatedAnalysis): string {
  const valueBySymbol = new Map<string, number>();
  const positionNames = new Map<string, string>();
  for (const position of analysis.portfolio.positions) {
    valueBySymbol.set(position.symbol, (valueBySymbol.get(position.symbol) ?? 0) + (position.value ?? 0));
    if (position.name) positionNames.set(position.symbol, position.name);
  }
  const classified = new Map(analysis.classification.map((c) => [c.symbol, c]));
  const symbols = [...new Set([...valueBySymbol.keys(), ...classified.keys()])].sort(
    (a, b) => (valueBySymbol.get(b) ?? 0) - (valueBySymbol.get(a) ?? 0) || a.localeCompare(b),
  );
  const rows = symbols.map((symbol) => {
    const c = classified.get(symbol);
    const value = valueBySymbol.get(symbol);
    return [
      '<tr>',
      `<td class="symbol">${escapeHtml(symbol)}</td>`,
      `<td>${escapeHtml(c?.name ?? positionNames.get(symbol) ?? '')}</td>`,
      `<td>${escapeHtml(c ? instrumentTypeLabel(c.instrumentType) : '')}</td>`,
      `<td class="number">${value === undefined ? '' : escapeHtml(formatUsd(value))}</td>`,
      `<td>${escapeHtml(SOURCE_NAMES[c?.source ?? 'unclassified'] ?? c?.source ?? '')}</td>`,
      `<td class="rationale">${escapeHtml(c?.rationale ?? 'No classification was found.')}</td>`,
      '</tr>',
    ].join('');
  });
  const table =
    rows.length > 0
      ? [
          '<div class="table-wrap"><table class="holdings">',
          '<thead><tr><th scope="col">Symbol</th><th scope="col">Name</th><th scope="col">Type</th><th scope="col" class="number">Value</th><th scope="col">Source</th><th scope="col">Rationale</th></tr></thead>',
          `<tbody>\n${rows.join('\n')}\n</tbody>`,
          '</table></div>',
        ].join('\n')
      : unavailable('No holdings.');
  return `<section id="holdings" aria-labelledby="holdings-heading">\n<h2 id="holdings-heading">Holdings and classification</h2>\n${table}\n</section>`;
}

function footer(): string {
  return '<footer><p>This report is informational and is not financial advice.</p></footer>';
}

/** Internal notes, last: who wrote the narrative, the job, its timeline and the engine's full record. */
function appendixSection(analysis: ConsolidatedAnalysis, generatedAt: string): string {
  const writer = analysis.report?.writer;
  const notes = [
    `<p>Job <code>${escapeHtml(analysis.jobId)}</code> · status ${escapeHtml(analysis.status)} · generated ${escapeHtml(readableTime(generatedAt))} by Alex.</p>`,
    writer ? `<p>${escapeHtml(narrativeBy(writer))}; every figure is computed.</p>` : '',
  ];
  const timeline = (analysis.timeline ?? []).map(
    (entry) =>
      `<li>${escapeHtml(`${entry.time} ${entry.detailType}${entry.task ? ` (${entry.task})` : ''}${entry.note ? ` — ${entry.note}` : ''}`)}</li>`,
  );
  if (timeline.length > 0) notes.push(`<details><summary>Timeline</summary><ul>${timeline.join('')}</ul></details>`);
  const record = Object.entries(analysis.retirement?.assumptions ?? {}).map(
    ([key, value]) => `<tr><th scope="row">${escapeHtml(key)}</th><td>${escapeHtml(String(value))}</td></tr>`,
  );
  if (record.length > 0) {
    notes.push(
      `<details><summary>The projection engine’s full record</summary><table class="assumptions"><tbody>${record.join('')}</tbody></table></details>`,
    );
  }
  return [
    '<section id="appendix" aria-labelledby="appendix-heading">',
    '<h2 id="appendix-heading">Appendix: internal notes</h2>',
    ...notes.filter((note) => note !== ''),
    '</section>',
  ].join('\n');
}

/** The projection's fan chart, marked with the retirement age, the spending need and the poor case's last age. */
export function retirementFan(retirement: RetirementResult): string {
  const retirementAge = retirement.assumptions['retirementAge'];
  return fanChart(retirement.bands, {
    ...(typeof retirementAge === 'number' ? { retirementAge } : {}),
    ...(retirement.outlook ? { spendingNeed: retirement.outlook.spendingFromPortfolio } : {}),
    runsOutAge: retirement.moneyLastsToAgeP10,
  });
}

export function unavailable(message: string): string {
  return `<p class="unavailable">${escapeHtml(message)}</p>`;
}

/** `2026-11-21T09:30:00.000Z` -> `2026-11-21 09:30 UTC`; anything unparsable is shown as given. */
export function readableTime(iso: string): string {
  const time = new Date(iso);
  if (Number.isNaN(time.getTime())) return iso;
  return `${time.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `annualSpending` or `annual_spending` -> `Annual spending`. */
export function humanizeKey(key: string): string {
  return capitalise(
    key
      .replace(/_/g, ' ')
      .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
      .toLowerCase(),
  );
}

function capitalise(text: string): string {
  return text.length === 0 ? text : text[0]!.toUpperCase() + text.slice(1);
}

export const STYLE = `
:root { color-scheme: light; --text: #1f2933; --muted: #52606d; --line: #d9dee3; --accent: #0072B2; --bg: #f5f7fa; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--text); font: 15px/1.55 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; }
main, footer { max-width: 1320px; margin: 0 auto; padding: 0 24px; }
header { padding: 28px 0 8px; }
h1 { margin: 0; font-size: 28px; }
h2 { margin: 32px 0 12px; font-size: 21px; border-bottom: 1px solid var(--line); padding-bottom: 6px; }
.subtitle { margin: 4px 0 0; color: var(--muted); }
.banner { border-radius: 6px; padding: 12px 16px; margin: 16px 0; border: 1px solid; }
.banner p { margin: 0; }
.banner ul { margin: 6px 0 0; padding-left: 20px; }
.banner-partial { background: #fff4e0; border-color: #E69F00; }
.banner-failed { background: #fde8e4; border-color: #D55E00; }
.markdown { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 8px 24px; max-width: 880px; }
.markdown table, table.assumptions { border-collapse: collapse; }
.markdown th, .markdown td { border: 1px solid var(--line); padding: 4px 8px; }
.chart-grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(min(100%, 560px), 1fr)); gap: 16px; }
.chart-card { margin: 0; background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 12px; }
.chart-card.wide { max-width: 880px; }
.chart-card svg { display: block; width: 100%; height: auto; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 6px; }
.key-figures { display: grid; grid-template-columns: repeat(auto-fit, minmax(200px, 1fr)); gap: 12px; margin: 0 0 16px; }
.key-figures div { background: #fff; border: 1px solid var(--line); border-radius: 6px; padding: 10px 14px; }
.key-figures dt { color: var(--muted); font-size: 13px; }
.key-figures dd { margin: 2px 0 0; font-size: 20px; font-weight: 600; }
details { margin-top: 12px; }
table.assumptions th, table.assumptions td { text-align: left; padding: 2px 12px 2px 0; font-weight: normal; }
table.assumptions th { color: var(--muted); }
.table-wrap { overflow-x: auto; }
table.holdings { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); }
table.holdings th, table.holdings td { text-align: left; vertical-align: top; padding: 6px 10px; border-bottom: 1px solid var(--line); }
table.holdings thead th { background: #eef2f6; }
.number { text-align: right !important; font-variant-numeric: tabular-nums; white-space: nowrap; }
.symbol { font-weight: 600; white-space: nowrap; }
.rationale { color: var(--muted); font-size: 13px; max-width: 520px; }
.unavailable { color: var(--muted); font-style: italic; }
footer { color: var(--muted); font-size: 13px; padding-top: 24px; padding-bottom: 32px; }
@media print { body { background: #fff; } .chart-card, .markdown { break-inside: avoid; } }
`.trim();

/** Who wrote the narrative, in words a reader understands. */
export function narrativeBy(writer: { model: string; offline: boolean; fallback: boolean }): string {
  if (writer.fallback)
    return `Narrative written offline from the computed facts, because the answer of ${escapeHtml(writer.model)} was refused by the checks`;
  if (writer.offline) return 'Narrative written offline from the computed facts (no language model was used)';
  return `Narrative written by ${escapeHtml(writer.model)} from the computed facts`;
}

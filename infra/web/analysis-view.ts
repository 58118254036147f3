/**
 * The dashboard's analysis page as an HTML fragment rendered on the server: the answer first (on
 * track, success, sustainable against planned spending, the top recommendation), then the charts
 * the HTML report draws (the same renderChart/fanChart, never redrawn) each with its data table,
 * recommendations, holdings, assumptions, and an appendix (timeline, model audit). Everything is
 * escaped and there is no script or style attribute, so it reads without JavaScript under the CSP.
 */

import { assumptionRows } from '#infra/cli/render/assumptions-panel.ts';
import { renderMarkdown } from '#infra/cli/render/markdown.ts';
import { onTrack, successPercent } from '#infra/cli/render/on-track.ts';
import {
  holdingsSection,
  humanizeKey,
  narrativeBy,
  readableTime,
  retirementFan,
  statusBanner,
  unavailable,
} from '#infra/cli/render/report-html.ts';
import { escapeXml as escapeHtml, formatPercent, formatUsd, renderChart } from '#infra/cli/render/svg-charts.ts';
import type { ConsolidatedAnalysis } from '#services/aggregator/consolidate.ts';

/** One language-model call of the job, as the appendix lists it. */
export interface ModelCallSummary {
  at: string;
  service: string;
  purpose: string;
  model: string;
  outcome: string;
  inputTokens: number | null;
  outputTokens: number | null;
  latencyMs: number;
}

type Chart = ConsolidatedAnalysis['charts'][number];

export function renderAnalysisView(analysis: ConsolidatedAnalysis, modelCalls: readonly ModelCallSummary[]): string {
  return [
    `<article class="analysis" aria-labelledby="analysis-title" data-job-id="${escapeHtml(analysis.jobId)}">`,
    header(analysis),
    statusBanner(analysis),
    answerSection(analysis),
    chartsSection(analysis),
    recommendationsSection(analysis),
    scrollableTables(holdingsSection(analysis), 'Holdings'),
    assumptionsSection(analysis),
    appendixSection(analysis, modelCalls),
    '</article>',
  ]
    .filter((part) => part !== '')
    .join('\n');
}

function header(analysis: ConsolidatedAnalysis): string {
  const owner = analysis.portfolio.owner.name.trim();
  return [
    '<header class="analysis-header">',
    `<h1 id="analysis-title" tabindex="-1">Analysis${owner ? ` for ${escapeHtml(owner)}` : ''}</h1>`,
    `<p class="subtitle">Total value <strong>${escapeHtml(formatUsd(analysis.portfolio.totalValue))}</strong>`,
    ` · prices as of ${escapeHtml(readableTime(analysis.portfolio.asOf))}`,
    ` · analysed ${escapeHtml(readableTime(analysis.completedAt))}</p>`,
    '</header>',
  ].join('');
}

/** The answer a person came for, before anything else. */
function answerSection(analysis: ConsolidatedAnalysis): string {
  const recommendations = analysis.report?.recommendations ?? [];
  const summary = onTrack(analysis.retirement, recommendations);
  const parts = ['<section id="answer" class="answer" aria-labelledby="answer-heading">'];
  parts.push('<h2 id="answer-heading">On track?</h2>');
  if (!summary) {
    const why = analysis.missing.find((part) => part.task === 'retirement')?.reason;
    parts.push(`<p class="verdict">No retirement projection in this analysis${why ? `: ${escapeHtml(why)}` : ''}.</p>`);
  } else {
    parts.push(`<p class="verdict"><strong>${escapeHtml(summary.verdict)}</strong></p>`);
    if (summary.warning)
      parts.push(`<p class="banner banner-partial" role="status">${escapeHtml(summary.warning)}</p>`);
    const rows = summary.lines.map(
      (line) => `<div><dt>${escapeHtml(line.label)}</dt><dd>${escapeHtml(line.value)}</dd></div>`,
    );
    parts.push(`<dl class="key-figures">${rows.join('')}</dl>`);
  }
  const top = recommendations[0];
  if (top)
    parts.push(
      `<p class="top-recommendation"><strong>Top recommendation: ${escapeHtml(top.title)}.</strong> ${escapeHtml(top.recommendation)}</p>`,
    );
  parts.push('</section>');
  return parts.join('\n');
}

function chartsSection(analysis: ConsolidatedAnalysis): string {
  const figures = analysis.charts.map(chartFigure);
  const retirement = analysis.retirement;
  if (retirement) {
    figures.push(
      [
        '<figure class="chart-card wide" id="chart-retirement">',
        retirementFan(retirement),
        '<figcaption>Projected portfolio value by age in today’s money: the median path and the 10th–90th percentile band.</figcaption>',
        dataTable(
          'Projected value by age',
          ['Age', '10th percentile', 'Median', '90th percentile'],
          fanRows(retirement.bands),
        ),
        '</figure>',
      ].join('\n'),
    );
  }
  const body =
    figures.length > 0 ? `<div class="chart-grid">\n${figures.join('\n')}\n</div>` : unavailable('No charts.');
  return `<section id="charts" aria-labelledby="charts-heading">\n<h2 id="charts-heading">Charts</h2>\n${body}\n</section>`;
}

function chartFigure(chart: Chart): string {
  const percentColumn = chart.data.some((datum) => datum.percent !== undefined);
  const rows = chart.data.map((datum) => [
    datum.label,
    chart.unit === 'percent' ? formatPercent(datum.value) : formatUsd(datum.value),
    ...(percentColumn ? [datum.percent === undefined ? '' : formatPercent(datum.percent)] : []),
  ]);
  const columns = ['Item', chart.unit === 'percent' ? 'Percent' : 'Value', ...(percentColumn ? ['Share'] : [])];
  return [
    `<figure class="chart-card" id="chart-${escapeHtml(chart.id)}">`,
    renderChart(chart),
    `<figcaption>${escapeHtml(chart.description)}</figcaption>`,
    dataTable(chart.title, columns, rows),
    '</figure>',
  ].join('\n');
}

/** Every fifth age and the last: enough to read the shape without a hundred rows. */
function fanRows(bands: NonNullable<ConsolidatedAnalysis['retirement']>['bands']): string[][] {
  return bands
    .filter((band, index) => index % 5 === 0 || index === bands.length - 1)
    .map((band) => [String(band.age), formatUsd(band.p10), formatUsd(band.p50), formatUsd(band.p90)]);
}

/** The text alternative beside each chart: its data as a table, folded away until asked for. */
function dataTable(caption: string, columns: string[], rows: string[][]): string {
  const summary = `<summary>Data table: ${escapeHtml(caption)}</summary>`;
  return `<details class="chart-data">${summary}${table(caption, columns, rows)}</details>`;
}

function recommendationsSection(analysis: ConsolidatedAnalysis): string {
  const report = analysis.report;
  const heading = '<h2 id="recommendations-heading">Recommendations</h2>';
  if (!report)
    return `<section id="recommendations" aria-labelledby="recommendations-heading">${heading}${unavailable('The written report is not available.')}</section>`;
  const items = report.recommendations.map((item) =>
    [
      `<li class="recommendation priority-${item.priority}">`,
      `<h3>${escapeHtml(item.title)} <span class="priority">${escapeHtml(item.priority)} priority</span></h3>`,
      `<p>${escapeHtml(item.recommendation)}</p>`,
      `<p><strong>Why.</strong> ${escapeHtml(item.reasoning)}</p>`,
      `<p><strong>Impact.</strong> ${escapeHtml(item.impact)}</p>`,
      '</li>',
    ].join(''),
  );
  const list =
    items.length > 0 ? `<ol class="recommendations">${items.join('')}</ol>` : unavailable('No recommendations.');
  return [
    '<section id="recommendations" aria-labelledby="recommendations-heading">',
    heading,
    list,
    `<details class="written-report"><summary>The written report</summary><div class="markdown">${renderMarkdown(report.markdown, { headingOffset: 2 })}</div></details>`,
    '</section>',
  ].join('\n');
}

function assumptionsSection(analysis: ConsolidatedAnalysis): string {
  const retirement = analysis.retirement;
  const heading = '<h2 id="assumptions-heading">Assumptions</h2>';
  const open = '<section id="assumptions" aria-labelledby="assumptions-heading">';
  if (!retirement) return `${open}${heading}${unavailable('No projection, so no assumptions.')}</section>`;
  const scenarios = (retirement.outlook?.scenarios ?? []).map((s) => [
    s.label,
    successPercent(s.successProbability),
    Object.entries(s.expectedReturn)
      .map(([asset, value]) => `${humanizeKey(asset)} ${formatPercent(value * 100)}`)
      .join(', '),
    s.inflation === null ? 'each year’s CPI' : formatPercent(s.inflation * 100),
    s.source,
  ]);
  // Labelled and rounded as a person reads them, the same rows as the HTML report's panel.
  const inputs = assumptionRows(retirement).map((row) => [row.label, row.value]);
  const method = retirement.method === 'monte-carlo' ? 'Monte Carlo' : 'Historical';
  return [
    open,
    heading,
    `<p>${method} simulation, ${retirement.paths.toLocaleString('en-US')} paths.</p>`,
    scenarios.length > 0
      ? table('Assumption sets', ['Set', 'Success', 'Expected returns a year', 'Inflation', 'Source'], scenarios)
      : '',
    table('Inputs of the projection', null, inputs),
    '</section>',
  ].join('\n');
}

function appendixSection(analysis: ConsolidatedAnalysis, modelCalls: readonly ModelCallSummary[]): string {
  const timeline = analysis.timeline.map((entry) => [
    readableTime(entry.time),
    entry.detailType,
    entry.task ?? '',
    entry.note ?? '',
  ]);
  const calls = modelCalls.map((call) => [
    readableTime(call.at),
    call.service,
    call.purpose,
    call.model,
    call.outcome,
    `${call.inputTokens ?? '–'} / ${call.outputTokens ?? '–'}`,
    `${call.latencyMs} ms`,
  ]);
  const writer = analysis.report?.writer;
  const callColumns = ['Time', 'Service', 'Purpose', 'Model', 'Outcome', 'Tokens in / out', 'Latency'];
  return [
    '<section id="appendix" aria-labelledby="appendix-heading">',
    '<h2 id="appendix-heading">Appendix</h2>',
    '<h3>Timeline</h3>',
    table(`Events of job ${analysis.jobId}`, ['Time', 'Event', 'Task', 'Note'], timeline, 'Timeline'),
    '<h3>Model audit</h3>',
    writer ? `<p>${narrativeBy(writer)}; every figure is computed.</p>` : '',
    calls.length > 0
      ? table('Language-model calls', callColumns, calls)
      : unavailable('No language-model calls were recorded for this job.'),
    '<p class="disclaimer">This analysis is informational and is not financial advice.</p>',
    '</section>',
  ]
    .filter((part) => part !== '')
    .join('\n');
}

/** A table of text cells (all escaped), the first cell of each row its header, in its own scrolling region. */
function table(caption: string, columns: string[] | null, rows: string[][], region = caption): string {
  const head = columns
    ? `<thead><tr>${columns.map((column) => `<th scope="col">${escapeHtml(column)}</th>`).join('')}</tr></thead>`
    : '';
  const body = rows
    .map(
      ([first, ...rest]) =>
        `<tr><th scope="row">${escapeHtml(first ?? '')}</th>${rest.map((cell) => `<td>${escapeHtml(cell)}</td>`).join('')}</tr>`,
    )
    .join('');
  return `${wrap(region)}<table class="plain"><caption>${escapeHtml(caption)}</caption>${head}<tbody>${body}</tbody></table></div>`;
}

/** A table too wide for a phone scrolls in its own region, which a keyboard can reach and a screen reader names. */
function wrap(label: string): string {
  return `<div class="table-wrap" tabindex="0" role="region" aria-label="${escapeHtml(label)}">`;
}

function scrollableTables(html: string, label: string): string {
  return html.replaceAll('<div class="table-wrap">', wrap(label));
}

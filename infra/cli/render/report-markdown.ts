/**
 * report.md: the reporter's text, framed with what the other specialists computed, so the
 * markdown stands on its own (tables instead of charts).
 */
import type { ConsolidatedAnalysis } from '#services/aggregator/consolidate.ts';
import { assumptionRows } from './assumptions-panel.ts';
import { onTrack, successPercent } from './on-track.ts';
import { narrativeBy } from './report-html.ts';
import { formatUsd } from './svg-charts.ts';

export function renderReportMarkdown(analysis: ConsolidatedAnalysis): string {
  const lines: string[] = [];
  lines.push(`# Portfolio analysis for ${escapeMarkdown(analysis.portfolio.owner.name)}`, '');
  lines.push(`As of ${analysis.portfolio.asOf.slice(0, 10)}.`, '');
  const summary = onTrack(analysis.retirement, analysis.report?.recommendations);
  if (summary) {
    lines.push('## On track?', '', `**${summary.verdict}**`, '');
    if (summary.warning) lines.push(`> ${summary.warning}`, '');
    for (const line of summary.lines) lines.push(`- ${line.label}: **${line.value}**`);
    lines.push('');
    if (summary.action) lines.push(`**Main action.** ${summary.action}`, '');
  }
  if (analysis.missing.length > 0) {
    lines.push('> **Partial analysis.** Missing parts:');
    for (const missing of analysis.missing) lines.push(`> - ${missing.task}: ${escapeMarkdown(missing.reason)}`);
    lines.push('');
  }
  if (analysis.report) {
    lines.push(analysis.report.markdown.trim(), '');
  } else lines.push('_The written report is missing from this analysis._', '');

  if (analysis.charts.length > 0) {
    lines.push('## Charts (data)', '');
    for (const chart of analysis.charts) {
      lines.push(
        `### ${escapeMarkdown(chart.title)}`,
        '',
        `| ${chart.unit === 'USD' ? 'Item | Value | Share' : 'Item | Value'} |`,
        chart.unit === 'USD' ? '|---|---:|---:|' : '|---|---:|',
      );
      for (const datum of chart.data) {
        const value = chart.unit === 'USD' ? formatUsd(datum.value) : `${datum.value}%`;
        lines.push(
          chart.unit === 'USD'
            ? `| ${escapeMarkdown(datum.label)} | ${value} | ${(datum.percent ?? 0).toFixed(1)}% |`
            : `| ${escapeMarkdown(datum.label)} | ${value} |`,
        );
      }
      lines.push('');
    }
  }
  if (analysis.retirement) {
    const r = analysis.retirement;
    lines.push('## Retirement projection (data)', '');
    lines.push(
      `Method: ${r.method}, ${r.paths.toLocaleString('en-US')} paths. Probability the money lasts: **${successPercent(r.successProbability)}**.`,
      '',
    );
    lines.push(
      `In a poor case (1 path in 10) the money lasts to age ${Math.floor(r.moneyLastsToAgeP10)}.` +
        (r.sustainableSpending === null
          ? ''
          : ` Spending of ${formatUsd(r.sustainableSpending)} a year in today's money${r.sustainableWithdrawalRate === null ? '' : ` (a ${(r.sustainableWithdrawalRate * 100).toFixed(1)}% withdrawal rate)`} has a 90% chance of lasting.`),
      '',
    );
    lines.push('| Age | 10th pct | 25th | Median | 75th | 90th pct |', '|---:|---:|---:|---:|---:|---:|');
    for (const band of r.bands.filter((_, i) => i % 5 === 0 || i === r.bands.length - 1)) {
      lines.push(
        `| ${band.age} | ${formatUsd(band.p10)} | ${formatUsd(band.p25)} | ${formatUsd(band.p50)} | ${formatUsd(band.p75)} | ${formatUsd(band.p90)} |`,
      );
    }
    lines.push('', '### Assumptions', '', '| | |', '|---|---|');
    for (const row of assumptionRows(r)) lines.push(`| ${escapeMarkdown(row.label)} | ${escapeMarkdown(row.value)} |`);
    lines.push('');
  }
  lines.push('## Appendix: internal notes', '', `Job \`${analysis.jobId}\` · status **${analysis.status}**.`, '');
  if (analysis.report) lines.push(`${narrativeBy(analysis.report.writer)}; every figure is computed.`, '');
  lines.push('### Timeline', '');
  for (const entry of analysis.timeline)
    lines.push(
      `- ${entry.time} ${entry.detailType}${entry.task ? ` (${entry.task})` : ''}${entry.note ? ` — ${entry.note}` : ''}`,
    );
  lines.push('');
  return lines.join('\n');
}

/** Names come from users: keep them from turning into markup. */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]<>|#]/g, (c) => `\\${c}`);
}

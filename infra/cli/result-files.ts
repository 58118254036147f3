/**
 * The files `alex analyze` writes: result.json exactly as stored, report.md and a
 * self-contained report.html. Written to a temporary name and renamed, so a reader never sees
 * half a file.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConsolidatedAnalysis } from '#services/aggregator/consolidate.ts';
import { renderReportHtml } from './render/report-html.ts';
import { renderReportMarkdown } from './render/report-markdown.ts';
import { formatUsd } from './render/svg-charts.ts';

export interface AnalysisFiles {
  result: string;
  markdown: string;
  html: string;
}

export function writeAnalysisFiles(analysis: ConsolidatedAnalysis, outDir: string): AnalysisFiles {
  mkdirSync(outDir, { recursive: true });
  const files: AnalysisFiles = {
    result: join(outDir, 'result.json'),
    markdown: join(outDir, 'report.md'),
    html: join(outDir, 'report.html'),
  };
  writeAtomically(files.result, JSON.stringify(analysis, null, 2) + '\n');
  writeAtomically(files.markdown, renderReportMarkdown(analysis));
  writeAtomically(files.html, renderReportHtml(analysis));
  return files;
}

function writeAtomically(path: string, text: string): void {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

export function summarize(analysis: ConsolidatedAnalysis, files: AnalysisFiles) {
  const assetChart = analysis.charts.find((chart) => chart.id === 'asset-class') ?? analysis.charts[0];
  return {
    jobId: analysis.jobId,
    status: analysis.status,
    owner: analysis.portfolio.owner.name,
    totalValue: formatUsd(analysis.portfolio.totalValue),
    allocation: assetChart
      ? assetChart.data.map((d) => `${d.label} ${(d.percent ?? 0).toFixed(1)}%`).join(', ')
      : 'n/a',
    successProbability: analysis.retirement
      ? `${(analysis.retirement.successProbability * 100).toFixed(0)}% (${analysis.retirement.method}, ${analysis.retirement.paths} paths)`
      : null,
    missing: analysis.missing.map((m) => `${m.task}: ${m.reason}`),
    recommendations: (analysis.report?.recommendations ?? []).map((r) => `[${r.priority}] ${r.title}`),
    files,
  };
}

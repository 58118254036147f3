/**
 * The mutation score of one module, from Stryker's JSON report (the mutation-testing-report
 * schema): killed and timed-out mutants over every mutant that could have been killed, as
 * Stryker computes it. Compile and runtime errors and ignored mutants count for nothing.
 */
import { existsSync, readFileSync } from 'node:fs';

export interface MutationCounts {
  killed: number;
  timeout: number;
  survived: number;
  noCoverage: number;
  /** Mutants that prove nothing either way: CompileError, RuntimeError, Ignored, Pending. */
  other: number;
}

export interface ModuleScore extends MutationCounts {
  /** Percent, 0..100. */
  score: number;
  /** Surviving and uncovered mutants, as `file:line mutator`. */
  survivors: string[];
  /** The files the report mutated, sorted. */
  files: string[];
  /** Stryker's `mutate` for the run, as the report records it (a `file:from-to` is part of a file). */
  mutate: string[];
  /** Files whose source in the report differs from the file under `root` now: a score of older code. */
  stale: string[];
}

interface ReportMutant {
  mutatorName: string;
  status: string;
  location: { start: { line: number } };
}

/** The score in `reportFile`, or null when the module was never measured; files read under `root`. */
export function readModuleScore(reportFile: string, root = '.'): ModuleScore | null {
  if (!existsSync(reportFile)) return null;
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as {
    files: Record<string, { mutants: ReportMutant[]; source?: string }>;
    config?: { mutate?: string[] };
  };
  // Stryker keeps each mutated file's whole source in the report: code changed since is not measured.
  const stale = Object.entries(report.files)
    .filter(([file, { source }]) => {
      const path = `${root}/${file}`;
      return source !== undefined && (!existsSync(path) || readFileSync(path, 'utf8') !== source);
    })
    .map(([file]) => file)
    .sort();
  return { ...scoreOf(report.files), mutate: report.config?.mutate ?? [], stale };
}

export function scoreOf(
  files: Record<string, { mutants: readonly ReportMutant[] }>,
): Omit<ModuleScore, 'mutate' | 'stale'> {
  const counts: MutationCounts = { killed: 0, timeout: 0, survived: 0, noCoverage: 0, other: 0 };
  const survivors: string[] = [];
  for (const [file, { mutants }] of Object.entries(files)) {
    for (const mutant of mutants) {
      if (mutant.status === 'Killed') counts.killed += 1;
      else if (mutant.status === 'Timeout') counts.timeout += 1;
      else if (mutant.status === 'Survived' || mutant.status === 'NoCoverage') {
        if (mutant.status === 'Survived') counts.survived += 1;
        else counts.noCoverage += 1;
        survivors.push(`${file}:${mutant.location.start.line} ${mutant.mutatorName}`);
      } else counts.other += 1;
    }
  }
  const detected = counts.killed + counts.timeout;
  const valid = detected + counts.survived + counts.noCoverage;
  // Without a single valid mutant there is no score (Stryker shows NaN); callers treat it as not measured.
  const score = valid === 0 ? Number.NaN : (100 * detected) / valid;
  return { ...counts, score, survivors, files: Object.keys(files).sort() };
}

/**
 * Benchmark results, their targets, and the statistics they are computed with. Pure: the
 * measuring happens elsewhere.
 */

export interface Target {
  readonly comparison: '>=' | '<=';
  readonly value: number;
}

/** One line of `npm run bench`, and one element of `--json`'s `results`. */
export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  /** Such as ">= 50"; null when the figure is informative only. */
  target: string | null;
  /** Whether the value meets the target; null without a target. */
  met: boolean | null;
}

export function atLeast(value: number): Target {
  return { comparison: '>=', value };
}

export function atMost(value: number): Target {
  return { comparison: '<=', value };
}

export function meets(value: number, target: Target): boolean {
  return target.comparison === '>=' ? value >= target.value : value <= target.value;
}

/** A result, its value rounded for reading (the rounding never decides whether a target is met). */
export function result(name: string, value: number, unit: string, target?: Target, digits = 2): BenchResult {
  if (!Number.isFinite(value)) throw new Error(`${name}: measured value is not a finite number (${value})`);
  return {
    name,
    value: roundTo(value, digits),
    unit,
    target: target ? `${target.comparison} ${target.value}` : null,
    met: target ? meets(value, target) : null,
  };
}

export function roundTo(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}

/**
 * The p-th percentile (0 ≤ p ≤ 100) by linear interpolation between closest ranks (the method
 * of numpy's default and Excel's PERCENTILE.INC): rank = p/100 · (n − 1), zero-based.
 */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) throw new Error('percentile: no values');
  if (!(p >= 0 && p <= 100)) throw new Error(`percentile: p must be within 0..100, got ${p}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const low = Math.floor(rank);
  const high = Math.ceil(rank);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (rank - low);
}

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** The results as an aligned text table, one line each, for people. */
export function formatTable(results: readonly BenchResult[]): string {
  const rows = results.map((r) => [
    r.name,
    formatNumber(r.value),
    r.unit,
    r.target ?? '',
    r.met === null ? '' : r.met ? 'yes' : 'NO',
  ]);
  const header = ['name', 'value', 'unit', 'target', 'met'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (i === 1 ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function formatNumber(value: number): string {
  if (value !== 0 && Math.abs(value) < 0.01) return value.toExponential(3);
  return value.toLocaleString('en-US', { maximumFractionDigits: 6 });
}

/**
 * Charts as standalone SVG strings: pure functions, no DOM, no external resources, so the same
 * markup works inline in the HTML report and as a file. Labels come from people (account
 * names, fund names), so every piece of text goes through escapeXml. Each chart carries a
 * visible title, <title>/<desc>, role="img" and an aria-label that reads out the data.
 * Colours are the Okabe–Ito palette, chosen to stay distinguishable with colour-vision
 * deficiencies; slices are also separated by white strokes and listed in a legend in order.
 */
import type { Chart } from '#events/values.ts';

export type ChartInput = Omit<Chart, 'unit'> & { unit?: Chart['unit'] };

export interface ChartSize {
  width?: number;
  height?: number;
}

export interface FanBand {
  age: number;
  p10: number;
  p25: number;
  p50: number;
  p75: number;
  p90: number;
}

export interface FanChartOptions extends ChartSize {
  title?: string;
  description?: string;
  /** Draws a marker where contributions stop and withdrawals begin. */
  retirementAge?: number;
  /** Yearly spending the portfolio must pay: drawn as a line, so a balance near it is visibly close to empty. */
  spendingNeed?: number;
  /** Age the money runs out in a poor case (1 in 10); marked when before the last age. */
  runsOutAge?: number;
}

/** Okabe & Ito (2008), black left out because it is reserved for text and axes. */
export const PALETTE = [
  '#0072B2',
  '#E69F00',
  '#009E73',
  '#CC79A7',
  '#56B4E9',
  '#D55E00',
  '#F0E442',
  '#999999',
] as const;

const FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif";
const TEXT = '#1f2933';
const MUTED = '#52606d';
const GRID = '#d9dee3';
const DEFAULT_WIDTH = 640;
const TITLE_HEIGHT = 40;

// ---------------------------------------------------------------------------------------------
// Text and numbers

/** Escapes the five XML-significant characters; safe in text and in double- or single-quoted attributes. */
export function escapeXml(text: string): string {
  return text
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** `$1.2M`, `$850K`, `$1.5K`, `$999`, `-$2.3B`: axis ticks and labels where space is short. */
export function formatCompactUsd(value: number): string {
  const sign = value < 0 ? '-' : '';
  let magnitude = Math.abs(value);
  const units = ['', 'K', 'M', 'B', 'T'];
  let unit = 0;
  while (magnitude >= 1000 && unit < units.length - 1) {
    magnitude /= 1000;
    unit++;
  }
  let digits = unit > 0 && magnitude < 10 ? 1 : 0;
  let text = magnitude.toFixed(digits);
  // 999,950 rounds to "1000K"; show it as "$1M" instead.
  if (Number(text) >= 1000 && unit < units.length - 1) {
    unit++;
    magnitude /= 1000;
    digits = 1;
    text = magnitude.toFixed(digits);
  }
  return `${sign}$${text.replace(/\.0$/, '')}${units[unit]}`;
}

const USD = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD', maximumFractionDigits: 0 });

/** `$29,050`: whole dollars, for legends where there is room. */
export function formatUsd(value: number): string {
  return USD.format(value);
}

export function formatPercent(percent: number): string {
  return `${percent.toFixed(1)}%`;
}

function formatValue(value: number, unit: Chart['unit'] | undefined, compact = false): string {
  if (unit === 'percent') return formatPercent(value);
  return compact ? formatCompactUsd(value) : formatUsd(value);
}

/** A datum's value and share: `$9,000 · 64.3%`. */
function valueAndShare(datum: Chart['data'][number], unit: Chart['unit'] | undefined, compact = false): string {
  const value = formatValue(datum.value, unit, compact);
  return datum.percent === undefined || unit === 'percent' ? value : `${value} · ${formatPercent(datum.percent)}`;
}

/** Shortens to `max` characters (code points, so emoji are not cut in half) with an ellipsis. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}

/** Coordinates rounded to hundredths: shorter markup and identical output on every run. */
function n(value: number): string {
  return String(Math.round(value * 100) / 100);
}

/** About three to six round tick values covering [min, max]. */
export function niceTicks(min: number, max: number, target = 5): number[] {
  if (!(max > min)) return [min];
  const rough = (max - min) / target;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * power).find((s) => s >= rough) ?? 10 * power;
  const ticks: number[] = [];
  for (let t = Math.floor(min / step) * step; t <= max + step * 1e-9; t += step)
    ticks.push(Math.round(t / step) * step);
  if (ticks.at(-1)! < max) ticks.push(ticks.at(-1)! + step);
  return ticks;
}

// ---------------------------------------------------------------------------------------------
// SVG scaffolding

function svgDocument(options: {
  kind: string;
  width: number;
  height: number;
  title: string;
  description: string;
  ariaLabel: string;
  body: string[];
}): string {
  const { kind, width, height, title, description, ariaLabel, body } = options;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-${kind}" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escapeXml(ariaLabel)}" font-family="${escapeXml(FONT)}" font-size="12" fill="${TEXT}">`,
    `<title>${escapeXml(title)}</title>`,
    `<desc>${escapeXml(description)}</desc>`,
    `<text class="chart-title" x="16" y="26" font-size="16" font-weight="600">${escapeXml(truncate(title, 70))}</text>`,
    ...body,
    '</svg>',
  ].join('\n');
}

function emptyChart(kind: string, chart: { title: string; description: string }, width: number): string {
  const height = 120;
  return svgDocument({
    kind,
    width,
    height,
    title: chart.title,
    description: chart.description,
    ariaLabel: `${chart.title}: no data`,
    body: [`<text x="${n(width / 2)}" y="${n(height / 2 + 16)}" text-anchor="middle" fill="${MUTED}">No data</text>`],
  });
}

/** The data read out for screen readers: "Equity $9,000 · 64.3%, Cash …", long lists shortened. */
function dataSummary(chart: ChartInput, limit = 10): string {
  const items = chart.data.slice(0, limit).map((datum) => `${datum.label} ${valueAndShare(datum, chart.unit)}`);
  const more = chart.data.length > limit ? `, and ${chart.data.length - limit} more` : '';
  return `${chart.title}: ${items.join(', ')}${more}`;
}

function color(index: number): string {
  return PALETTE[index % PALETTE.length]!;
}

// ---------------------------------------------------------------------------------------------
// Pie and donut

/** A pie chart: one slice per positive datum, legend with labels, values and percents. */
export function pieChart(chart: ChartInput, size: ChartSize = {}): string {
  return circular(chart, size, 0);
}

/** A donut chart: a pie with a hole showing the total. */
export function donutChart(chart: ChartInput, size: ChartSize = {}): string {
  return circular(chart, size, 0.58);
}

function circular(chart: ChartInput, size: ChartSize, holeRatio: number): string {
  const kind = holeRatio > 0 ? 'donut' : 'pie';
  const width = size.width ?? DEFAULT_WIDTH;
  if (chart.data.length === 0) return emptyChart(kind, chart, width);
  const rowHeight = 22;
  const height = size.height ?? Math.max(280, TITLE_HEIGHT + chart.data.length * rowHeight + 24);
  const radius = Math.min(110, (height - TITLE_HEIGHT - 24) / 2);
  const cx = 16 + radius + 8;
  const cy = TITLE_HEIGHT + (height - TITLE_HEIGHT) / 2;
  const inner = radius * holeRatio;
  const total = chart.data.reduce((sum, datum) => sum + Math.max(0, datum.value), 0);

  const slices: string[] = [];
  let angle = -Math.PI / 2;
  chart.data.forEach((datum, index) => {
    if (!(datum.value > 0) || total <= 0) return;
    const sweep = (datum.value / total) * 2 * Math.PI;
    const d = ringSegment(cx, cy, radius, inner, angle, angle + sweep);
    angle += sweep;
    slices.push(
      `<path class="slice" d="${d}" fill="${color(index)}" fill-rule="evenodd" stroke="#ffffff" stroke-width="1.5"><title>${escapeXml(`${datum.label}: ${valueAndShare(datum, chart.unit)}`)}</title></path>`,
    );
  });

  const centre =
    holeRatio > 0 && chart.unit !== 'percent'
      ? [
          `<text x="${n(cx)}" y="${n(cy - 4)}" text-anchor="middle" font-size="18" font-weight="600">${escapeXml(formatCompactUsd(total))}</text>`,
          `<text x="${n(cx)}" y="${n(cy + 14)}" text-anchor="middle" fill="${MUTED}">Total</text>`,
        ]
      : [];

  const legendX = cx + radius + 32;
  const legendTop = cy - (chart.data.length * rowHeight) / 2;
  const legend = legendRows(chart, legendX, legendTop, width - 16, rowHeight);
  return svgDocument({
    kind,
    width,
    height,
    title: chart.title,
    description: chart.description,
    ariaLabel: dataSummary(chart),
    body: [`<g class="slices">`, ...slices, ...centre, `</g>`, ...legend],
  });
}

/**
 * The outline of one slice between angles a0 and a1 (radians, clockwise from 3 o'clock); with
 * inner > 0, a ring segment. A full turn cannot be one SVG arc (start equals end), so it is
 * drawn as two half-circles.
 */
function ringSegment(cx: number, cy: number, outer: number, inner: number, a0: number, a1: number): string {
  const point = (r: number, a: number) => `${n(cx + r * Math.cos(a))} ${n(cy + r * Math.sin(a))}`;
  if (a1 - a0 >= 2 * Math.PI - 1e-9) {
    const circle = (r: number) =>
      `M ${point(r, a0)} A ${n(r)} ${n(r)} 0 1 1 ${point(r, a0 + Math.PI)} A ${n(r)} ${n(r)} 0 1 1 ${point(r, a0)} Z`;
    return inner > 0 ? `${circle(outer)} ${circle(inner)}` : circle(outer);
  }
  const large = a1 - a0 > Math.PI ? 1 : 0;
  if (inner <= 0) {
    return `M ${n(cx)} ${n(cy)} L ${point(outer, a0)} A ${n(outer)} ${n(outer)} 0 ${large} 1 ${point(outer, a1)} Z`;
  }
  return [
    `M ${point(outer, a0)}`,
    `A ${n(outer)} ${n(outer)} 0 ${large} 1 ${point(outer, a1)}`,
    `L ${point(inner, a1)}`,
    `A ${n(inner)} ${n(inner)} 0 ${large} 0 ${point(inner, a0)}`,
    'Z',
  ].join(' ');
}

function legendRows(chart: ChartInput, x: number, top: number, right: number, rowHeight: number): string[] {
  const labelChars = Math.max(8, Math.floor((right - x - 24 - 120) / 7));
  const rows = chart.data.map((datum, index) => {
    const y = top + index * rowHeight;
    return [
      `<g class="legend-item">`,
      `<rect x="${n(x)}" y="${n(y + 4)}" width="12" height="12" rx="2" fill="${color(index)}"/>`,
      `<text x="${n(x + 20)}" y="${n(y + 14)}">${escapeXml(truncate(datum.label, labelChars))}</text>`,
      `<text x="${n(right)}" y="${n(y + 14)}" text-anchor="end" fill="${MUTED}">${escapeXml(valueAndShare(datum, chart.unit))}</text>`,
      `</g>`,
    ].join('');
  });
  return [`<g class="legend">`, ...rows, `</g>`];
}

// ---------------------------------------------------------------------------------------------
// Bars

interface Plot {
  left: number;
  right: number;
  top: number;
  bottom: number;
}

/** Maps a value domain to pixel positions, with round tick values. */
function linearScale(values: number[], from: number, to: number) {
  const low = Math.min(0, ...values);
  const high = Math.max(0, ...values);
  const ticks = niceTicks(low, high === low ? low + 1 : high);
  const d0 = ticks[0]!;
  const d1 = ticks.at(-1)!;
  const at = (value: number) => from + ((value - d0) / (d1 - d0 || 1)) * (to - from);
  return { at, ticks };
}

/** A vertical bar chart: one bar per datum, labels below, value and share above. */
export function barChart(chart: ChartInput, size: ChartSize = {}): string {
  const width = size.width ?? DEFAULT_WIDTH;
  if (chart.data.length === 0) return emptyChart('bar', chart, width);
  const height = size.height ?? 320;
  const plot: Plot = { left: 64, right: width - 16, top: TITLE_HEIGHT + 24, bottom: height - 40 };
  const y = linearScale(
    chart.data.map((d) => d.value),
    plot.bottom,
    plot.top,
  );
  const band = (plot.right - plot.left) / chart.data.length;
  const barWidth = Math.min(72, band * 0.62);
  const labelChars = Math.max(4, Math.floor(band / 7));
  const showShare = band >= 110;

  const bars = chart.data.map((datum, index) => {
    const centre = plot.left + band * (index + 0.5);
    const top = Math.min(y.at(datum.value), y.at(0));
    const barHeight = Math.abs(y.at(datum.value) - y.at(0));
    const label = showShare ? valueAndShare(datum, chart.unit, true) : formatValue(datum.value, chart.unit, true);
    return [
      `<g class="bar-item">`,
      `<rect class="bar" x="${n(centre - barWidth / 2)}" y="${n(top)}" width="${n(barWidth)}" height="${n(barHeight)}" rx="2" fill="${color(0)}"><title>${escapeXml(`${datum.label}: ${valueAndShare(datum, chart.unit)}`)}</title></rect>`,
      `<text x="${n(centre)}" y="${n(top - 6)}" text-anchor="middle" font-weight="600">${escapeXml(label)}</text>`,
      `<text x="${n(centre)}" y="${n(plot.bottom + 18)}" text-anchor="middle">${escapeXml(truncate(datum.label, labelChars))}</text>`,
      `</g>`,
    ].join('');
  });
  return svgDocument({
    kind: 'bar',
    width,
    height,
    title: chart.title,
    description: chart.description,
    ariaLabel: dataSummary(chart),
    body: [...valueAxis(y, plot, chart.unit), ...bars, baseline(plot, y.at(0))],
  });
}

/** A horizontal bar chart: one row per datum, label left, value and share at the bar's end. */
export function horizontalBarChart(chart: ChartInput, size: ChartSize = {}): string {
  const width = size.width ?? DEFAULT_WIDTH;
  if (chart.data.length === 0) return emptyChart('horizontal-bar', chart, width);
  const rowHeight = 26;
  const height = size.height ?? TITLE_HEIGHT + 8 + chart.data.length * rowHeight + 12;
  const labelWidth = 190;
  const valueWidth = 140;
  const left = 16 + labelWidth;
  const right = width - valueWidth;
  const x = linearScale(
    chart.data.map((d) => d.value),
    left,
    right,
  );
  const labelChars = Math.floor(labelWidth / 7);

  const rows = chart.data.map((datum, index) => {
    const top = TITLE_HEIGHT + 8 + index * rowHeight;
    const start = Math.min(x.at(0), x.at(datum.value));
    const barWidth = Math.abs(x.at(datum.value) - x.at(0));
    return [
      `<g class="bar-item">`,
      `<text x="${n(left - 8)}" y="${n(top + 17)}" text-anchor="end">${escapeXml(truncate(datum.label, labelChars))}</text>`,
      `<rect class="bar" x="${n(start)}" y="${n(top + 4)}" width="${n(barWidth)}" height="${n(rowHeight - 8)}" rx="2" fill="${color(0)}"><title>${escapeXml(`${datum.label}: ${valueAndShare(datum, chart.unit)}`)}</title></rect>`,
      `<text x="${n(Math.max(x.at(0), x.at(datum.value)) + 6)}" y="${n(top + 17)}" fill="${MUTED}">${escapeXml(valueAndShare(datum, chart.unit, true))}</text>`,
      `</g>`,
    ].join('');
  });
  const axis = `<line x1="${n(x.at(0))}" y1="${TITLE_HEIGHT + 4}" x2="${n(x.at(0))}" y2="${n(height - 8)}" stroke="${MUTED}"/>`;
  return svgDocument({
    kind: 'horizontal-bar',
    width,
    height,
    title: chart.title,
    description: chart.description,
    ariaLabel: dataSummary(chart),
    body: [...rows, axis],
  });
}

function valueAxis(scale: ReturnType<typeof linearScale>, plot: Plot, unit: Chart['unit'] | undefined): string[] {
  return [
    `<g class="axis">`,
    ...scale.ticks.map((tick) => {
      const y = n(scale.at(tick));
      return `<line x1="${plot.left}" y1="${y}" x2="${plot.right}" y2="${y}" stroke="${GRID}"/><text x="${plot.left - 8}" y="${y}" dy="4" text-anchor="end" fill="${MUTED}">${escapeXml(formatValue(tick, unit, true))}</text>`;
    }),
    `</g>`,
  ];
}

function baseline(plot: Plot, y: number): string {
  return `<line x1="${plot.left}" y1="${n(y)}" x2="${plot.right}" y2="${n(y)}" stroke="${MUTED}"/>`;
}

// ---------------------------------------------------------------------------------------------
// Line and area

/** A line chart over the data in order: one marker per datum, categories along the bottom. */
export function lineChart(chart: ChartInput, size: ChartSize = {}): string {
  return series(chart, size, false);
}

/** An area chart: a line chart filled down to zero. */
export function areaChart(chart: ChartInput, size: ChartSize = {}): string {
  return series(chart, size, true);
}

function series(chart: ChartInput, size: ChartSize, filled: boolean): string {
  const kind = filled ? 'area' : 'line';
  const width = size.width ?? DEFAULT_WIDTH;
  if (chart.data.length === 0) return emptyChart(kind, chart, width);
  const height = size.height ?? 300;
  const plot: Plot = { left: 64, right: width - 24, top: TITLE_HEIGHT + 16, bottom: height - 40 };
  const y = linearScale(
    chart.data.map((d) => d.value),
    plot.bottom,
    plot.top,
  );
  const step = chart.data.length > 1 ? (plot.right - plot.left) / (chart.data.length - 1) : 0;
  const xAt = (index: number) => (chart.data.length > 1 ? plot.left + index * step : (plot.left + plot.right) / 2);
  const points = chart.data.map((datum, index) => `${n(xAt(index))},${n(y.at(datum.value))}`);
  const every = Math.max(1, Math.ceil(chart.data.length / Math.max(1, Math.floor((plot.right - plot.left) / 70))));

  const body = [...valueAxis(y, plot, chart.unit)];
  if (filled) {
    const zero = n(y.at(0));
    body.push(
      `<polygon class="area" points="${n(xAt(0))},${zero} ${points.join(' ')} ${n(xAt(chart.data.length - 1))},${zero}" fill="${color(0)}" fill-opacity="0.25"/>`,
    );
  }
  body.push(
    `<polyline class="line" points="${points.join(' ')}" fill="none" stroke="${color(0)}" stroke-width="2.5" stroke-linejoin="round"/>`,
  );
  chart.data.forEach((datum, index) => {
    body.push(
      `<circle class="point" cx="${n(xAt(index))}" cy="${n(y.at(datum.value))}" r="3.5" fill="${color(0)}"><title>${escapeXml(`${datum.label}: ${valueAndShare(datum, chart.unit)}`)}</title></circle>`,
    );
    // Counted back from the last point, so the final category is always labelled and never crowded.
    if ((chart.data.length - 1 - index) % every === 0) {
      body.push(
        `<text x="${n(xAt(index))}" y="${n(plot.bottom + 18)}" text-anchor="middle" fill="${MUTED}">${escapeXml(truncate(datum.label, 10))}</text>`,
      );
    }
  });
  body.push(baseline(plot, y.at(0)));
  return svgDocument({
    kind,
    width,
    height,
    title: chart.title,
    description: chart.description,
    ariaLabel: dataSummary(chart),
    body,
  });
}

// ---------------------------------------------------------------------------------------------
// Retirement fan chart

/**
 * Projected value by age as a fan: the 10th–90th percentile band lightly shaded, the 25th–75th
 * darker, the median as a line, and a marker at retirement. Ages run along the bottom, values
 * in compact dollars up the side.
 */
export function fanChart(bands: readonly FanBand[], options: FanChartOptions = {}): string {
  const width = options.width ?? DEFAULT_WIDTH;
  const title = options.title ?? 'Projected portfolio value';
  const description =
    options.description ??
    'Range of simulated outcomes by age: 10th to 90th percentile (light band, cut off above the scale, which stops just above the highest 75th percentile so the poor case stays visible), 25th to 75th percentile (dark band) and the median (line).';
  const sorted = [...bands].sort((a, b) => a.age - b.age);
  if (sorted.length === 0) return emptyChart('fan', { title, description }, width);

  const height = options.height ?? 340;
  const plot: Plot = { left: 64, right: width - 24, top: TITLE_HEIGHT + 30, bottom: height - 40 };
  const first = sorted[0]!;
  const last = sorted.at(-1)!;
  const ageSpan = last.age - first.age || 1;
  const xAt = (age: number) =>
    sorted.length === 1
      ? (plot.left + plot.right) / 2
      : plot.left + ((age - first.age) / ageSpan) * (plot.right - plot.left);
  // The scale stops at the highest 75th percentile (with room), not the 90th: the rare best
  // cases would otherwise flatten the poor case against the axis. The outer band is clipped.
  const cap = Math.max(...sorted.map((b) => b.p75), options.spendingNeed ?? 0) * 1.15;
  const y = linearScale([0, ...sorted.map((b) => Math.min(b.p10, cap)), cap], plot.bottom, plot.top);
  const line = (pick: (b: FanBand) => number, rows: readonly FanBand[]) =>
    rows.map((b) => `${n(xAt(b.age))},${n(y.at(Math.min(pick(b), y.ticks.at(-1)!)))}`).join(' ');
  const reversed = [...sorted].reverse();
  const blue = PALETTE[0];

  const body: string[] = [...valueAxis(y, plot, 'USD')];
  const ageStep = ageSpan > 50 ? 10 : 5;
  body.push(`<g class="age-axis">`);
  for (let age = Math.ceil(first.age / ageStep) * ageStep; age <= last.age; age += ageStep) {
    body.push(`<text x="${n(xAt(age))}" y="${n(plot.bottom + 18)}" text-anchor="middle" fill="${MUTED}">${age}</text>`);
  }
  body.push(
    `<text x="${n(plot.right)}" y="${n(plot.bottom + 34)}" text-anchor="end" fill="${MUTED}">Age</text>`,
    `</g>`,
  );
  body.push(
    `<polygon class="band band-outer" points="${line((b) => b.p90, sorted)} ${line((b) => b.p10, reversed)}" fill="${blue}" fill-opacity="0.18"><title>10th to 90th percentile</title></polygon>`,
    `<polygon class="band band-inner" points="${line((b) => b.p75, sorted)} ${line((b) => b.p25, reversed)}" fill="${blue}" fill-opacity="0.38"><title>25th to 75th percentile</title></polygon>`,
    `<polyline class="median" points="${line((b) => b.p50, sorted)}" fill="none" stroke="#003f6b" stroke-width="2.5" stroke-linejoin="round"><title>Median</title></polyline>`,
  );
  const need = options.spendingNeed;
  if (need !== undefined && need > 0) {
    body.push(
      `<line class="spending-need" x1="${plot.left}" y1="${n(y.at(need))}" x2="${plot.right}" y2="${n(y.at(need))}" stroke="${PALETTE[5]}" stroke-width="1.5" stroke-dasharray="2 3"><title>${escapeXml(`Yearly spending from the portfolio: ${formatCompactUsd(need)}`)}</title></line>`,
      `<text x="${n(plot.left + 4)}" y="${n(y.at(need) - 4)}" fill="${TEXT}">${escapeXml(`Spending need ${formatCompactUsd(need)} a year`)}</text>`,
    );
  }
  const runsOut = options.runsOutAge;
  if (runsOut !== undefined && runsOut < last.age && runsOut >= first.age) {
    const x = n(xAt(runsOut));
    body.push(
      `<line class="runs-out" x1="${x}" y1="${plot.top}" x2="${x}" y2="${plot.bottom}" stroke="#b00020" stroke-width="1.5"/>`,
      `<text x="${x}" y="${n(plot.top + 14)}" text-anchor="end" fill="#b00020">${escapeXml(`Poor case (1 in 10): money runs out at ${Math.floor(runsOut)}`)}</text>`,
    );
  }
  const retirementAge = options.retirementAge;
  if (retirementAge !== undefined && retirementAge >= first.age && retirementAge <= last.age) {
    const x = n(xAt(retirementAge));
    body.push(
      `<line class="retirement" x1="${x}" y1="${plot.top}" x2="${x}" y2="${plot.bottom}" stroke="${PALETTE[5]}" stroke-width="1.5" stroke-dasharray="5 4"/>`,
      `<text x="${x}" y="${plot.top - 4}" text-anchor="middle" fill="${TEXT}">${escapeXml(`Retirement at ${retirementAge}`)}</text>`,
    );
  }
  body.push(baseline(plot, y.at(Math.max(0, y.ticks[0]!))));
  body.push(
    `<g class="legend">`,
    `<rect x="16" y="${TITLE_HEIGHT - 4}" width="14" height="10" fill="${blue}" fill-opacity="0.18"/><text x="36" y="${TITLE_HEIGHT + 5}">10th–90th percentile</text>`,
    `<rect x="186" y="${TITLE_HEIGHT - 4}" width="14" height="10" fill="${blue}" fill-opacity="0.38"/><text x="206" y="${TITLE_HEIGHT + 5}">25th–75th percentile</text>`,
    `<line x1="356" y1="${TITLE_HEIGHT + 1}" x2="372" y2="${TITLE_HEIGHT + 1}" stroke="#003f6b" stroke-width="2.5"/><text x="378" y="${TITLE_HEIGHT + 5}">Median</text>`,
    `</g>`,
  );

  const ariaLabel =
    `${title}, age ${first.age} to ${last.age}. At age ${last.age}: median ${formatCompactUsd(last.p50)}, ` +
    `10th percentile ${formatCompactUsd(last.p10)}, 90th percentile ${formatCompactUsd(last.p90)}.`;
  return svgDocument({ kind: 'fan', width, height, title, description, ariaLabel, body });
}

// ---------------------------------------------------------------------------------------------

/** The renderer for a chart's type. */
export function renderChart(chart: ChartInput, size: ChartSize = {}): string {
  switch (chart.type) {
    case 'pie':
      return pieChart(chart, size);
    case 'donut':
      return donutChart(chart, size);
    case 'bar':
      return barChart(chart, size);
    case 'horizontalBar':
      return horizontalBarChart(chart, size);
    case 'line':
      return lineChart(chart, size);
    case 'area':
      return areaChart(chart, size);
  }
}

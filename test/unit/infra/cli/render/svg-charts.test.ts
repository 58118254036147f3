import { describe, expect, it } from 'vitest';
import {
  type ChartInput,
  escapeXml,
  type FanBand,
  fanChart,
  formatCompactUsd,
  niceTicks,
  pieChart,
  renderChart,
} from '#infra/cli/render/svg-charts.ts';
import { wellFormednessProblems } from './well-formed.ts';

const HOSTILE = `<script>alert("x")</script> & 'Bob'`;

function chart(type: ChartInput['type'], data: ChartInput['data'] = sample): ChartInput {
  return { id: 'sample', type, title: 'Asset classes', description: 'Market value by asset class.', unit: 'USD', data };
}

const sample: ChartInput['data'] = [
  { label: 'Equity', value: 9000, percent: 64.29 },
  { label: 'Fixed income', value: 2000, percent: 14.29 },
  { label: 'Unclassified', value: 2000, percent: 14.29 },
  { label: 'Cash', value: 1000, percent: 7.14 },
];

/** Class of the element drawn once per datum by each chart type. */
const MARK: Record<ChartInput['type'], string> = {
  pie: 'slice',
  donut: 'slice',
  bar: 'bar',
  horizontalBar: 'bar',
  line: 'point',
  area: 'point',
};

function count(markup: string, needle: string): number {
  return markup.split(needle).length - 1;
}

describe.each(Object.keys(MARK) as ChartInput['type'][])('%s chart', (type) => {
  const svg = renderChart(chart(type));

  it('is a well-formed, accessible SVG document', () => {
    expect(wellFormednessProblems(svg)).toEqual([]);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).toContain('role="img"');
    expect(svg).toContain('<title>Asset classes</title>');
    expect(svg).toMatch(/aria-label="Asset classes: Equity \$9,000 · 64\.3%, Fixed income/);
    expect(svg).not.toMatch(/NaN|Infinity|undefined/);
  });

  it('draws one mark per datum', () => {
    expect(count(svg, `class="${MARK[type]}"`)).toBe(sample.length);
  });

  it('escapes labels and titles that came from people', () => {
    const hostile = renderChart({ ...chart(type, [{ label: HOSTILE, value: 5, percent: 100 }]), title: HOSTILE });
    expect(hostile).not.toContain('<script');
    expect(hostile).toContain('&lt;script&gt;');
    expect(hostile).toContain('&quot;x&quot;');
    expect(hostile).toContain('&#39;Bob&#39;');
    expect(wellFormednessProblems(hostile)).toEqual([]);
  });

  it('says "No data" rather than drawing nothing', () => {
    const empty = renderChart(chart(type, []));
    expect(empty).toContain('No data');
    expect(wellFormednessProblems(empty)).toEqual([]);
  });
});

describe('pie and donut', () => {
  it('lists every label with its value and percent in the legend', () => {
    const svg = renderChart(chart('donut'));
    for (const row of ['Equity', '$9,000 · 64.3%', 'Fixed income', '$2,000 · 14.3%', 'Cash', '$1,000 · 7.1%']) {
      expect(svg).toContain(`>${row}<`);
    }
    expect(svg).toContain('>$14K<'); // the total in the hole
  });

  it('starts at 12 o’clock and sweeps clockwise by value', () => {
    // 280 px high: centre (16 + 108 + 8, 40 + 240 / 2) = (132, 160), radius min(110, (280 - 40 - 24) / 2) = 108; two equal slices meet at the bottom.
    const svg = pieChart(
      chart('pie', [
        { label: 'A', value: 1 },
        { label: 'B', value: 1 },
      ]),
    );
    const paths = [...svg.matchAll(/class="slice" d="([^"]+)"/g)].map((m) => m[1]);
    expect(paths).toEqual([
      'M 132 160 L 132 52 A 108 108 0 0 1 132 268 Z',
      'M 132 160 L 132 268 A 108 108 0 0 1 132 52 Z',
    ]);
  });

  it('draws a single 100% slice as a full circle', () => {
    const svg = pieChart(chart('pie', [{ label: 'Cash', value: 500, percent: 100 }]));
    const [d] = [...svg.matchAll(/class="slice" d="([^"]+)"/g)].map((m) => m[1]);
    expect(d).toBe('M 132 52 A 108 108 0 1 1 132 268 A 108 108 0 1 1 132 52 Z');
  });

  it('keeps the full label in the tooltip when the legend shortens it', () => {
    const long = 'A very long fund name that will certainly not fit in the legend column';
    const svg = pieChart(chart('pie', [{ label: long, value: 1, percent: 100 }]));
    expect(svg).toContain(`<title>${long}: $1 · 100.0%</title>`);
    expect(svg).toMatch(/>A very long fund name that w…</);
  });
});

describe('fanChart', () => {
  const bands: FanBand[] = [60, 65, 70, 75, 80].map((age, i) => ({
    age,
    p10: 100_000 * i,
    p25: 200_000 * i,
    p50: 300_000 * i,
    p75: 400_000 * i,
    p90: 500_000 * i,
  }));
  const svg = fanChart(bands, { retirementAge: 65 });

  it('is well-formed and accessible', () => {
    expect(wellFormednessProblems(svg)).toEqual([]);
    expect(svg).toContain('role="img"');
    expect(svg).toContain('<title>Projected portfolio value</title>');
    expect(svg).toContain(
      'aria-label="Projected portfolio value, age 60 to 80. At age 80: median $1.2M, 10th percentile $400K, 90th percentile $2M."',
    );
  });

  it('shades p10–p90 and p25–p75 and draws the median', () => {
    const polygon = (cls: string) => svg.match(new RegExp(`class="band ${cls}" points="([^"]+)"`))![1]!.split(' ');
    expect(polygon('band-outer')).toHaveLength(10); // out along p90, back along p10
    expect(polygon('band-inner')).toHaveLength(10);
    expect(svg.match(/class="median" points="([^"]+)"/)![1]!.split(' ')).toHaveLength(5);
    for (const legend of ['10th–90th percentile', '25th–75th percentile', 'Median'])
      expect(svg).toContain(`>${legend}<`);
  });

  it('labels ages and compact dollar values, and marks retirement', () => {
    for (const age of [60, 65, 70, 75, 80]) expect(svg).toContain(`>${age}<`);
    // Values reach $2M: ticks every $500K.
    for (const tick of ['$0', '$500K', '$1M', '$1.5M', '$2M']) expect(svg).toContain(`>${tick}<`);
    expect(svg).toContain('>Retirement at 65<');
  });

  it('escapes a caller-supplied title and handles no bands', () => {
    expect(fanChart(bands, { title: HOSTILE })).not.toContain('<script');
    expect(fanChart([])).toContain('No data');
  });
});

describe('number formatting', () => {
  it('writes compact dollars', () => {
    expect(formatCompactUsd(0)).toBe('$0');
    expect(formatCompactUsd(999)).toBe('$999');
    expect(formatCompactUsd(1_500)).toBe('$1.5K');
    expect(formatCompactUsd(850_000)).toBe('$850K');
    expect(formatCompactUsd(999_950)).toBe('$1M');
    expect(formatCompactUsd(1_234_567)).toBe('$1.2M');
    expect(formatCompactUsd(12_000_000)).toBe('$12M');
    expect(formatCompactUsd(-2_300_000_000)).toBe('-$2.3B');
  });

  it('picks round ticks', () => {
    expect(niceTicks(0, 9000)).toEqual([0, 2000, 4000, 6000, 8000, 10000]);
    expect(niceTicks(0, 2_000_000)).toEqual([0, 500_000, 1_000_000, 1_500_000, 2_000_000]);
  });

  it('escapes all five XML characters', () => {
    expect(escapeXml(`<a href="x">&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;');
  });
});

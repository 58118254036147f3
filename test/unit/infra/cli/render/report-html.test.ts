import { describe, expect, it } from 'vitest';
import { renderMarkdown } from '#infra/cli/render/markdown.ts';
import { type ConsolidatedAnalysis, narrativeBy, renderReportHtml } from '#infra/cli/render/report-html.ts';
import { wellFormednessProblems } from './well-formed.ts';

const HOSTILE_ACCOUNT = `Bob's <img src=x onerror=alert(1)> <script>alert(1)</script> IRA`;

function analysis(overrides: Partial<ConsolidatedAnalysis> = {}): ConsolidatedAnalysis {
  return {
    jobId: '3f0c6c2e-8a55-4a4f-9d43-1c1f4b3d6a10',
    status: 'completed',
    completedAt: '2026-11-21T09:30:03.000Z',
    portfolio: {
      owner: { name: 'Sam <Rivera>' },
      asOf: '2026-11-21T09:30:00.000Z',
      totalValue: 30250,
      positions: [
        { accountId: 'roth', symbol: 'VTI', quantity: 100, price: 290.5, value: 29050 },
        { accountId: 'roth', symbol: 'XYZ', quantity: 1, price: null, value: 0 },
      ],
    },
    report: {
      markdown: `# Your portfolio\n\nThe account **${HOSTILE_ACCOUNT}** holds 96% equity.\n\n<div onclick="steal()">raw block</div>\n`,
      recommendations: [],
      facts: { totalValue: 30250 },
      writer: { model: 'offline-template', offline: true, fallback: false },
    },
    charts: [
      {
        id: 'asset-class',
        type: 'donut',
        title: 'Asset classes',
        description: 'Market value by asset class, cash included.',
        unit: 'USD',
        data: [
          { label: 'Equity', value: 29050, percent: 96.03 },
          { label: 'Cash', value: 1200, percent: 3.97 },
        ],
      },
      {
        id: 'account',
        type: 'bar',
        title: 'Accounts',
        description: 'Market value by account, cash included.',
        unit: 'USD',
        data: [{ label: HOSTILE_ACCOUNT, value: 30250, percent: 100 }],
      },
    ],
    retirement: {
      method: 'monte-carlo',
      paths: 1000,
      successProbability: 0.87,
      bands: [
        { year: 2026, age: 46, p10: 30000, p25: 30000, p50: 30250, p75: 30500, p90: 31000 },
        { year: 2045, age: 65, p10: 400000, p25: 600000, p50: 800000, p75: 1000000, p90: 1300000 },
        { year: 2075, age: 95, p10: 0, p25: 200000, p50: 500000, p75: 900000, p90: 1500000 },
      ],
      medianEndingValue: 500000,
      p10EndingValue: 0,
      moneyLastsToAgeP10: 88.5,
      sustainableWithdrawal: 41000,
      sustainableSpending: 65000,
      sustainableWithdrawalRate: 0.0512,
      assumptions: { retirementAge: 65, annualSpending: 80000, inflationAdjusted: true },
    },
    classification: [
      {
        symbol: 'VTI',
        name: 'Vanguard Total Stock Market ETF',
        instrumentType: 'etf',
        source: 'reference',
        rationale: 'Tracks the CRSP US Total Market Index & more <b>.',
      },
    ],
    missing: [],
    ...overrides,
  };
}

const GENERATED_AT = new Date('2026-11-21T10:00:00.000Z');

describe('renderReportHtml', () => {
  const html = renderReportHtml(analysis(), { generatedAt: GENERATED_AT });

  it('is one well-formed document with nothing to run or fetch', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(wellFormednessProblems(html, ['meta', 'br', 'hr'])).toEqual([]);
    const tags = html.match(/<[a-zA-Z][^>]*>/g) ?? [];
    const names = new Set(
      tags.map((tag) =>
        tag
          .slice(1)
          .split(/[\s>/]/)[0]!
          .toLowerCase(),
      ),
    );
    for (const banned of ['script', 'link', 'iframe', 'img', 'object', 'embed', 'image', 'use'])
      expect(names).not.toContain(banned);
    // Attribute names only: escaped user text inside a quoted value is harmless.
    const attributeNames = tags.map((tag) => tag.replace(/"[^"]*"/g, '""'));
    expect(attributeNames.filter((tag) => /\s(src|on[a-z]+|xlink:href)=/i.test(tag))).toEqual([]);
    expect(html).not.toMatch(/url\(|@import/i);
    // The only URL is the SVG namespace identifier, which is never fetched.
    expect(html.match(/https?:\/\/[^"\s]*/g)?.every((url) => url === 'http://www.w3.org/2000/svg')).toBe(true);
  });

  it('contains every chart as inline SVG with its title and description', () => {
    expect(html).toContain('<title>Asset classes</title>');
    expect(html).toContain('<title>Accounts</title>');
    expect(html).toContain('<figcaption>Market value by asset class, cash included.</figcaption>');
    expect(html.match(/<svg /g)).toHaveLength(3); // two charts and the fan chart
  });

  it('shows the retirement fan chart with its retirement marker and key figures', () => {
    expect(html).toContain('class="chart chart-fan"');
    expect(html).toContain('>Retirement at 65<');
    // 0.87 rounded once, to a whole percent, as everywhere a success figure is shown
    expect(html).toContain('<dd>87%</dd>');
    expect(html).toContain('<dd>$500,000</dd>');
    expect(html).toContain('<dd>88</dd>');
    expect(html).toContain('<dd>$65,000 (5.1% withdrawal rate)</dd>');
    // The panel is labelled and rounded (80000 → $80,000), and the engine's keys are not shown there.
    expect(html).toContain(
      '<th scope="row">Spending in retirement</th><td>$80,000 a year in today’s money, all from the portfolio</td>',
    );
    const beforeAppendix = html.slice(0, html.indexOf('<section id="appendix"'));
    expect(beforeAppendix).not.toContain('annualSpending');
    expect(beforeAppendix).not.toContain('80000');
  });

  it('renders the markdown and escapes a hostile account name in it', () => {
    expect(html).toContain('<h3>Your portfolio</h3>'); // demoted below the page's h2
    expect(html).toContain(
      '<strong>Bob&#39;s &lt;img src=x onerror=alert(1)&gt; &lt;script&gt;alert(1)&lt;/script&gt; IRA</strong>',
    );
    expect(html).toContain('&lt;div onclick=&quot;steal()&quot;&gt;raw block&lt;/div&gt;');
  });

  it('lists holdings with type, source and rationale, escaped', () => {
    expect(html).toContain(
      '<tr><td class="symbol">VTI</td><td>Vanguard Total Stock Market ETF</td><td>ETF</td><td class="number">$29,050</td><td>Reference data</td><td class="rationale">Tracks the CRSP US Total Market Index &amp; more &lt;b&gt;.</td></tr>',
    );
    // A position with no classification is still listed, and says so.
    expect(html).toMatch(
      /<td class="symbol">XYZ<\/td>.*<td>Unclassified<\/td><td class="rationale">No classification was found\.<\/td>/,
    );
  });

  it('has a header naming the owner, total value and times', () => {
    expect(html).toContain('<h1>Portfolio analysis for Sam &lt;Rivera&gt;</h1>');
    expect(html).toContain(
      'Total value <strong>$30,250</strong> · prices as of 2026-11-21 09:30 UTC · analysed 2026-11-21 09:30 UTC',
    );
  });

  it('keeps the job id, generation time and narrative provenance in an appendix after the holdings, not the footer', () => {
    const appendix = html.slice(html.indexOf('<section id="appendix"'));
    expect(html.indexOf('<section id="appendix"')).toBeGreaterThan(html.indexOf('<section id="holdings"'));
    expect(appendix).toMatch(/Job <code>3f0c6c2e-8a55-4a4f-9d43-1c1f4b3d6a10<\/code>.*generated 2026-11-21 10:00 UTC/);
    expect(appendix).toContain('Narrative written offline from the computed facts (no language model was used)');
    const footer = html.slice(html.indexOf('<footer>'));
    expect(footer).not.toContain('3f0c6c2e');
    expect(footer).not.toContain('Narrative written');
    expect(html.slice(0, html.indexOf('<section id="appendix"'))).not.toContain('3f0c6c2e');
  });

  it('says plainly who wrote the narrative', () => {
    expect(narrativeBy({ model: 'amazon.nova-lite-v1:0', offline: false, fallback: false })).toBe(
      'Narrative written by amazon.nova-lite-v1:0 from the computed facts',
    );
    expect(narrativeBy({ model: 'amazon.nova-lite-v1:0', offline: false, fallback: true })).toMatch(
      /written offline .* because the answer of amazon\.nova-lite-v1:0 was refused by the checks/,
    );
  });

  it('shows no banner when the analysis is complete', () => {
    expect(html).not.toContain('class="banner');
  });

  it('names what is missing when the analysis is partial', () => {
    const partial = renderReportHtml(
      analysis({
        status: 'partial',
        retirement: null,
        missing: [{ task: 'retirement', reason: 'the deadline passed <first>' }],
      }),
      { generatedAt: GENERATED_AT },
    );
    expect(partial).toContain('class="banner banner-partial"');
    expect(partial).toContain('This analysis is partial: the retirement projection is missing.');
    expect(partial).toContain('<li>The retirement projection: the deadline passed &lt;first&gt;</li>');
    expect(partial).toContain('The retirement projection is not available.');
    expect(partial).not.toContain('chart-fan');
    expect(wellFormednessProblems(partial, ['meta', 'br', 'hr'])).toEqual([]);
  });

  it('says so when the report and charts are missing', () => {
    const bare = renderReportHtml(
      analysis({
        status: 'partial',
        report: null,
        charts: [],
        missing: [
          { task: 'report', reason: 'model unavailable' },
          { task: 'charts', reason: 'failed' },
        ],
      }),
      { generatedAt: GENERATED_AT },
    );
    expect(bare).toContain('the written report, the charts are missing.');
    expect(bare).toContain('The written report is not available.');
    expect(bare).toContain('No charts are available.');
  });
});

describe('renderMarkdown', () => {
  it('keeps link text but never navigates away or loads images', () => {
    const html = renderMarkdown('[click](javascript:alert(1)) [top](#report) ![chart](https://example.com/x.png)');
    expect(html).toBe(
      '<p><span class="link">click</span> (javascript:alert(1)) <a href="#report">top</a> <span class="image-alt">[chart]</span></p>\n',
    );
  });
});

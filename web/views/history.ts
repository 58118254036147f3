/**
 * Past analyses, newest first (the API's order), a page at a time; open any; tick two and
 * compare them: what changed in allocation, success probability and recommendations.
 */
import { getJson } from '../api.ts';
import { h, show, usd, when } from '../dom.ts';
import type { Job } from '../types.ts';
import { fieldError } from './forms.ts';

interface Comparison {
  a: { jobId: string; completedAt: string; totalValue: number };
  b: { jobId: string; completedAt: string; totalValue: number };
  allocation: Array<{ label: string; a: number | null; b: number | null; change: number | null }>;
  successProbability: { a: number | null; b: number | null; change: number | null };
  recommendations: { added: string[]; removed: string[]; kept: string[] };
}

export async function historyPage(): Promise<void> {
  const page = await getJson<{ items: Job[]; nextCursor: string | null }>('/v1/analyses?limit=20');
  const rows = h('tbody', {});
  const add = (jobs: Job[]) => rows.append(...jobs.map(row));
  add(page.items);
  let cursor = page.nextCursor;
  const more = h('button', { type: 'button', class: 'secondary', hidden: cursor === null }, 'Show older analyses');
  more.addEventListener('click', async () => {
    const next = await getJson<{ items: Job[]; nextCursor: string | null }>(
      `/v1/analyses?limit=20&cursor=${encodeURIComponent(cursor!)}`,
    );
    add(next.items);
    cursor = next.nextCursor;
    more.hidden = cursor === null;
  });
  const form = h(
    'form',
    { novalidate: true, 'aria-labelledby': 'history-heading' },
    h('h1', { id: 'history-heading' }, 'Analyses'),
    page.items.length === 0
      ? h('p', {}, 'No analyses yet. ', h('a', { href: '#/portfolio' }, 'Go to the portfolio'), ' and press Analyse.')
      : h(
          'div',
          { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Analyses' },
          h(
            'table',
            {},
            h('caption', {}, 'Newest first. Tick two finished analyses to compare them.'),
            h(
              'thead',
              {},
              h(
                'tr',
                {},
                ...['Compare', 'Requested', 'Status', 'Took', 'Open'].map((text) => h('th', { scope: 'col' }, text)),
              ),
            ),
            rows,
          ),
        ),
    more,
    page.items.length > 1 ? h('button', { type: 'submit', name: 'compare' }, 'Compare the two ticked') : null,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const ticked = [...form.querySelectorAll<HTMLInputElement>('input[name="pick"]:checked')].map(
      (input) => input.value,
    );
    if (ticked.length !== 2) {
      fieldError(form, {
        errors: [{ field: 'compare', message: `tick exactly two analyses (${ticked.length} ticked)` }],
      });
      return;
    }
    // The list is newest first: the lower row is the earlier analysis, a.
    location.hash = `#/compare/${ticked[1]}/${ticked[0]}`;
  });
  show('Analyses', form);
}

function row(job: Job): HTMLElement {
  const finished = job.status === 'completed' || job.status === 'partial';
  const label = `analysis of ${when(job.requestedAt)}`;
  return h(
    'tr',
    {},
    h(
      'td',
      {},
      finished
        ? h('input', { type: 'checkbox', name: 'pick', value: job.jobId, 'aria-label': `Compare the ${label}` })
        : '',
    ),
    h('td', {}, when(job.requestedAt)),
    h('td', {}, h('span', { class: `status status-${job.status}` }, job.status)),
    h('td', { class: 'number' }, job.tookMs === null ? '–' : `${(job.tookMs / 1000).toFixed(1)} s`),
    h('td', {}, h('a', { href: `#/analyses/${job.jobId}`, 'aria-label': `Open the ${label}` }, 'Open')),
  );
}

const points = (value: number | null) =>
  value === null ? 'unknown' : `${value > 0 ? '+' : ''}${value.toFixed(1)} pts`;
const percent = (value: number | null) => (value === null ? 'unknown' : `${value.toFixed(1)}%`);

export async function comparePage(a: string, b: string): Promise<void> {
  const c = await getJson<Comparison>(`/v1/compare?a=${encodeURIComponent(a)}&b=${encodeURIComponent(b)}`);
  const success = c.successProbability;
  const list = (title: string, items: string[]) =>
    h(
      'div',
      {},
      h('h3', {}, title),
      items.length > 0 ? h('ul', {}, ...items.map((item) => h('li', {}, item))) : h('p', { class: 'muted' }, 'None.'),
    );
  show(
    'Compare analyses',
    h('h1', {}, 'What changed'),
    h(
      'p',
      { class: 'subtitle' },
      `From the analysis of ${when(c.a.completedAt)} (${usd.format(c.a.totalValue)}) to that of ${when(c.b.completedAt)} (${usd.format(c.b.totalValue)}).`,
    ),
    h(
      'section',
      { 'aria-labelledby': 'cmp-success' },
      h('h2', { id: 'cmp-success' }, 'Chance the money lasts'),
      h(
        'p',
        { class: 'verdict' },
        `${percent(success.a === null ? null : success.a * 100)} → ${percent(success.b === null ? null : success.b * 100)} (${points(success.change === null ? null : success.change * 100)})`,
      ),
    ),
    h(
      'section',
      { 'aria-labelledby': 'cmp-allocation' },
      h('h2', { id: 'cmp-allocation' }, 'Allocation by asset class'),
      h(
        'div',
        { class: 'table-wrap', tabindex: '0', role: 'region', 'aria-label': 'Allocation change' },
        h(
          'table',
          {},
          h('caption', { class: 'visually-hidden' }, 'Percent of the portfolio, before and after'),
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              h('th', { scope: 'col' }, 'Asset class'),
              ...['Before', 'After', 'Change'].map((text) => h('th', { scope: 'col', class: 'number' }, text)),
            ),
          ),
          h(
            'tbody',
            {},
            ...c.allocation.map((r) =>
              h(
                'tr',
                {},
                h('th', { scope: 'row' }, r.label),
                h('td', { class: 'number' }, percent(r.a)),
                h('td', { class: 'number' }, percent(r.b)),
                h('td', { class: 'number' }, points(r.change)),
              ),
            ),
          ),
        ),
      ),
    ),
    h(
      'section',
      { 'aria-labelledby': 'cmp-recs' },
      h('h2', { id: 'cmp-recs' }, 'Recommendations'),
      h(
        'div',
        { class: 'columns' },
        list('New', c.recommendations.added),
        list('No longer made', c.recommendations.removed),
        list('Still made', c.recommendations.kept),
      ),
    ),
    h(
      'div',
      { class: 'toolbar' },
      h('a', { href: `#/analyses/${c.a.jobId}`, class: 'button secondary' }, 'Open the earlier'),
      h('a', { href: `#/analyses/${c.b.jobId}`, class: 'button secondary' }, 'Open the later'),
    ),
  );
}

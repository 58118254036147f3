/**
 * The dashboard in Debian's chromium, end to end on the local runtime: sign in, build a portfolio
 * through the forms (a mistake shown beside its input first), analyse, watch the progress reach
 * completed, read the answer and the charts, analyse again and compare. Every page is checked for
 * CSP violations, console errors and serious/critical axe findings, in light and dark, at desktop
 * and phone width; the screenshots in docs/screenshots are taken here.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  axeViolations,
  type DashboardServer,
  DESKTOP,
  launchChromium,
  type PageProblems,
  PHONE,
  startDashboard,
  watch,
} from '#test/support/browser.ts';
import { EXAMPLE_PATH } from '../e2e/support.ts';

const SCREENSHOTS = new URL('../../docs/screenshots/', import.meta.url).pathname;

let server: DashboardServer;
let browser: Browser;

beforeAll(async () => {
  [server, browser] = await Promise.all([startDashboard(), launchChromium()]);
  mkdirSync(SCREENSHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

async function open(options: { colorScheme?: 'light' | 'dark'; viewport?: typeof DESKTOP } = {}) {
  const context = await browser.newContext({ viewport: options.viewport ?? DESKTOP, colorScheme: options.colorScheme });
  const page = await context.newPage();
  const problems = await watch(page);
  return { context, page, problems };
}

/** The checks every page must pass: no CSP violation, no console error, no serious or critical axe finding. */
async function expectClean(page: Page, problems: PageProblems, where: string): Promise<void> {
  expect(problems.cspViolations, `CSP violations on ${where}`).toEqual([]);
  expect(problems.consoleErrors, `console errors on ${where}`).toEqual([]);
  expect(await axeViolations(page), `axe on ${where}`).toEqual([]);
}

async function screenshot(page: Page, name: string): Promise<void> {
  await page.evaluate('window.scrollTo(0, 0)');
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), scale: 'css' });
}

async function signIn(page: Page, userId: string): Promise<void> {
  await page.goto(server.signInUrl);
  await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
  await page.getByLabel('User id').fill(userId);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await page.getByRole('heading', { level: 1, name: /portfolio/i }).waitFor();
}

describe('the dashboard in a real browser', () => {
  let context: BrowserContext;
  let page: Page;
  let problems: PageProblems;
  let firstJob: string;

  beforeAll(async () => {
    ({ context, page, problems } = await open());
  });
  afterAll(() => context?.close());

  it('signs in locally with the printed code, and the code leaves the address bar', async () => {
    await page.goto(server.signInUrl);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    expect(new URL(page.url()).hash).toBe('#/signin');
    await expectClean(page, problems, 'the sign-in page');
    await screenshot(page, 'signin-desktop');
    await page.getByLabel('User id').fill('sam');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Your portfolio' }).waitFor();
    expect(await page.evaluate('localStorage.length')).toBe(0);
    expect(page.url()).not.toContain('eyJ');
    // A new user has no portfolio yet: the API's 404, and nothing else, failed to load.
    expect(problems.failedLoads).toEqual(['/v1/portfolio 404']);
    problems.failedLoads.length = 0;
    await expectClean(page, problems, 'the empty portfolio page');
  });

  it('shows the API’s own message beside the input that is wrong, and saves once it is fixed', async () => {
    await page.getByLabel('Household name').fill('Sam Rivera');
    await page.getByLabel('Birth year').fill('1980');
    await page.getByLabel('Retirement age').fill('65');
    await page.getByLabel('Yearly spending in retirement, today’s money ($)').fill('60000');
    await page.getByLabel('Account id').fill('brokerage');
    await page.getByLabel('Account name').fill('Joint brokerage');
    await page.getByLabel('Cash ($)').fill('-5');
    await page.getByRole('button', { name: 'Save portfolio' }).click();
    const cash = page.getByLabel('Cash ($)');
    await expect.poll(() => cash.getAttribute('aria-invalid')).toBe('true');
    // The message of PortfolioFile's accounts[].cash rule, shown beside the input and read with it.
    const describedBy = (await cash.getAttribute('aria-describedby'))!.split(' ').at(-1)!;
    expect(await page.locator(`#${describedBy}`).textContent()).toBe('must not be negative');
    expect(problems.failedLoads).toEqual(['/v1/portfolio 400']);
    problems.failedLoads.length = 0;
    await expectClean(page, problems, 'the portfolio form with an error');
    await screenshot(page, 'portfolio-error-desktop');

    await cash.fill('1000');
    await page.getByRole('button', { name: 'Save portfolio' }).click();
    await page.getByRole('heading', { level: 1, name: 'Portfolio of Sam Rivera' }).waitFor();
  });

  it('adds, edits and removes positions, with values computed from quantity and price', async () => {
    const add = async (symbol: string, quantity: string, price: string) => {
      const form = page.locator('form', { has: page.getByRole('heading', { name: 'Add a position' }) });
      await form.getByLabel('Symbol').fill(symbol);
      await form.getByLabel('Quantity').fill(quantity);
      await form.getByLabel('Price per unit ($, optional)').fill(price);
      await form.getByRole('button', { name: 'Add position' }).click();
      await page.getByRole('rowheader', { name: symbol, exact: true }).waitFor();
    };
    await add('VTI', '100', '250');
    await add('BND', '50', '73.25');
    await add('GLD', '4', '245');
    // 1,000 cash + 100 × 250 + 50 × 73.25 + 4 × 245 = 30,642.50 → $30,643 (whole dollars, rounded)
    await expect.poll(() => page.locator('.subtitle').first().textContent()).toContain('$30,643');

    await page.getByRole('button', { name: 'Edit VTI in Joint brokerage' }).click();
    const editor = page.locator('#editor form');
    await editor.getByLabel('Quantity').fill('120');
    await editor.getByRole('button', { name: 'Save position' }).click();
    // VTI now 120 × 250 = 30,000: 1,000 + 30,000 + 3,662.50 + 980 = 35,642.50 → $35,643
    await expect.poll(() => page.locator('.subtitle').first().textContent()).toContain('$35,643');

    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByRole('button', { name: 'Remove GLD from Joint brokerage' }).click();
    await expect.poll(() => page.locator('.subtitle').first().textContent()).toContain('$34,663');
    expect(await page.getByRole('rowheader', { name: 'GLD', exact: true }).count()).toBe(0);
    await expectClean(page, problems, 'the portfolio page');
    await screenshot(page, 'portfolio-desktop');
  });

  it('analyses with live progress per stage, then reads the answer first and the charts with their data', async () => {
    // What the live region announces as each stage moves, recorded from inside the page.
    await page.evaluate(`window.__announced = [];
      new MutationObserver(() => { const t = document.getElementById('live').textContent; if (t) window.__announced.push(t); })
        .observe(document.getElementById('live'), { childList: true, characterData: true, subtree: true });`);
    await page.getByRole('button', { name: 'Analyse' }).click();
    await page.getByRole('heading', { level: 1, name: 'Analysing your portfolio' }).waitFor();
    const stages = await page
      .locator('#progress li')
      .evaluateAll((items) => items.map((item) => item.getAttribute('data-stage')));
    expect(stages).toEqual(['classifying', 'planned', 'report', 'charts', 'retirement', 'aggregated']);
    await page.locator('#answer').waitFor({ timeout: 60_000 });
    const announced = (await page.evaluate('window.__announced')) as string[];
    expect(announced).toContain('Planned: tasks: report, charts, retirement');
    const done = announced.filter((text) =>
      /^(Written report|Charts|Retirement projection): done in \d+ ms$/.test(text),
    );
    expect(done).toHaveLength(3);
    expect(announced.at(-1)).toBe('Aggregated: completed');
    firstJob = new URL(page.url()).hash.split('/')[2]!;
    expect(firstJob).toMatch(/^[0-9a-f-]{36}$/);

    const headings = await page.locator('article.analysis h2').allTextContents();
    expect(headings.slice(0, 3)).toEqual(['On track?', 'Charts', 'Recommendations']);
    expect(headings).toEqual(expect.arrayContaining(['Holdings and classification', 'Assumptions', 'Appendix']));
    expect(await page.locator('#answer .verdict').textContent()).toMatch(/^(Yes|Not yet)/);
    expect(await page.locator('#answer').textContent()).toMatch(/Sustainable spending .* against \$60,000 planned/);
    expect(await page.locator('#answer .top-recommendation').count()).toBe(1);
    for (const id of ['asset-class', 'region', 'sector', 'account', 'retirement']) {
      const figure = page.locator(`#chart-${id}`);
      expect(await figure.locator('svg[role="img"]').count(), id).toBe(1);
      expect(await figure.locator('details.chart-data table').count(), id).toBe(1);
    }
    // The account chart's data table: one account holding 1,000 + 30,000 + 3,662.50.
    await page.locator('#chart-account summary').click();
    expect(await page.locator('#chart-account tbody tr').first().textContent()).toContain('$34,663');
    expect(await page.locator('#holdings tbody tr').count()).toBe(2);
    expect(await page.locator('#appendix').textContent()).toContain('AnalysisCompleted');
    await expectClean(page, problems, 'the analysis page');
    await screenshot(page, 'analysis-desktop');
  });

  it('lists analyses newest first and compares two', async () => {
    await page.goto(`${server.url}/#/portfolio`);
    await page.getByRole('button', { name: 'Analyse' }).click();
    await page.locator('#answer').waitFor({ timeout: 60_000 });
    const secondJob = new URL(page.url()).hash.split('/')[2]!;

    await page.getByRole('link', { name: 'Analyses', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Analyses' }).waitFor();
    const opened = await page
      .getByRole('link', { name: /^Open the analysis/ })
      .evaluateAll((links) => links.map((link) => link.getAttribute('href')));
    expect(opened).toEqual([`#/analyses/${secondJob}`, `#/analyses/${firstJob}`]);
    await expectClean(page, problems, 'the history page');
    await screenshot(page, 'history-desktop');

    for (const box of await page.getByRole('checkbox').all()) await box.check();
    await page.getByRole('button', { name: 'Compare the two ticked' }).click();
    await page.getByRole('heading', { level: 1, name: 'What changed' }).waitFor();
    // The same portfolio twice: no allocation moved.
    const changes = await page.locator('tbody td:last-child').allTextContents();
    expect(changes.length).toBeGreaterThan(0);
    expect(new Set(changes)).toEqual(new Set(['0.0 pts']));
    await expectClean(page, problems, 'the compare page');
    await screenshot(page, 'compare-desktop');
  });

  it('reads every page at phone width and in the dark scheme without a finding', async () => {
    for (const [viewport, colorScheme, suffix] of [
      [PHONE, 'light', 'phone'],
      [DESKTOP, 'dark', 'dark'],
    ] as const) {
      const session = await page.evaluate<string>("sessionStorage.getItem('alex.session')");
      const other = await open({ viewport, colorScheme });
      await other.page.goto(`${server.url}/`);
      await other.page.evaluate(`sessionStorage.setItem('alex.session', ${JSON.stringify(session)})`);
      for (const [route, name, ready] of [
        ['#/portfolio', 'portfolio', 'h1:has-text("Portfolio of")'],
        [`#/analyses/${firstJob}`, 'analysis', '#answer'],
        ['#/analyses', 'history', 'h1:has-text("Analyses")'],
      ] as const) {
        await other.page.goto(`${server.url}/${route}`);
        await other.page.locator(ready).waitFor();
        await other.page.waitForLoadState('networkidle');
        await expectClean(other.page, other.problems, `${name} (${suffix})`);
        if (suffix === 'phone' || name === 'analysis') await screenshot(other.page, `${name}-${suffix}`);
      }
      await other.context.close();
    }
  });
});

describe('one user never sees another’s portfolio or analyses', () => {
  let jobs: string[];

  beforeAll(async () => {
    // Ana's portfolio and two analyses, made through the API as another client would.
    const put = await server.api('ana', 'PUT', '/v1/portfolio', readFileSync(EXAMPLE_PATH, 'utf8'));
    expect(put.status).toBe(200);
    jobs = [];
    for (const key of ['one', 'two']) {
      const submitted = await server.api('ana', 'POST', '/v1/analyses', '{}');
      expect(submitted.status, key).toBe(202);
      jobs.push(((await submitted.json()) as { jobId: string }).jobId);
    }
    for (const jobId of jobs) {
      let status = '';
      for (let i = 0; i < 240 && !/completed|partial|failed/.test(status); i++) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        status = ((await (await server.api('ana', 'GET', `/v1/analyses/${jobId}`)).json()) as { status: string })
          .status;
      }
      expect(status, jobId).toMatch(/completed|partial/);
    }
  });

  it('signs Ben in with the keyboard alone and shows him none of Ana’s data', async () => {
    const { context, page, problems } = await open();
    await page.goto(server.signInUrl);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    for (let i = 0; i < 20 && (await page.evaluate('document.activeElement?.id')) !== 'userId'; i++)
      await page.keyboard.press('Tab');
    await page.keyboard.type('ben');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Your portfolio' }).waitFor();
    expect(await page.locator('main').textContent()).not.toContain('Rivera');
    expect(problems.failedLoads).toEqual(['/v1/portfolio 404']);

    // To the history with the keyboard: Tab to the Analyses link, Enter.
    for (let i = 0; i < 20 && (await page.evaluate('document.activeElement?.textContent')) !== 'Analyses'; i++)
      await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 1, name: 'Analyses' }).waitFor();
    expect(await page.locator('main').textContent()).toContain('No analyses yet');
    await expectClean(page, problems, 'Ben’s empty history');

    // Ana's job ids, typed into Ben's address bar, are not found: the API answers 404 as for a missing job.
    await page.goto(`${server.url}/#/analyses/${jobs[0]}`);
    await page.getByRole('heading', { level: 1, name: 'Something went wrong' }).waitFor();
    expect(await page.locator('main').textContent()).toContain('no such analysis');
    await page.goto(`${server.url}/#/compare/${jobs[0]}/${jobs[1]}`);
    await page.getByText(/no finished analysis with that jobId/).waitFor();
    expect(problems.failedLoads).toEqual(['/v1/portfolio 404', `/v1/analyses/${jobs[0]} 404`, '/v1/compare 404']);
    expect(problems.cspViolations).toEqual([]);
    expect(problems.consoleErrors).toEqual([]);
    await context.close();
  });

  it('shows Ana her own analyses, and Ben’s sign-in did not change them', async () => {
    const { context, page, problems } = await open();
    await signIn(page, 'ana');
    expect(await page.locator('main h1').textContent()).toBe('Portfolio of Sam and Jordan Rivera');
    await page.goto(`${server.url}/#/analyses`);
    await page.getByRole('heading', { level: 1, name: 'Analyses' }).waitFor();
    const opened = await page
      .getByRole('link', { name: /^Open the analysis/ })
      .evaluateAll((links) => links.map((link) => link.getAttribute('href')));
    expect(opened).toEqual([`#/analyses/${jobs[1]}`, `#/analyses/${jobs[0]}`]);
    await expectClean(page, problems, 'Ana’s history');
    await context.close();
  });

  it('imports a portfolio file, names the bad field of a wrong one, and exports what is stored', async () => {
    const { context, page, problems } = await open();
    await signIn(page, 'cleo');
    const example = JSON.parse(readFileSync(EXAMPLE_PATH, 'utf8'));
    const wrong = structuredClone(example);
    wrong.positions[3].quantity = -2;
    const file = page.getByLabel('Portfolio file', { exact: true });
    await file.setInputFiles({
      name: 'wrong.json',
      mimeType: 'application/json',
      buffer: Buffer.from(JSON.stringify(wrong)),
    });
    await page.getByRole('button', { name: 'Import' }).click();
    // The schema's rule for positions[].quantity, with the path the API names.
    await page
      .getByText('positions[3].quantity: must be greater than 0 (remove the position if it was sold)')
      .waitFor();

    await file.setInputFiles(EXAMPLE_PATH);
    await page.getByRole('button', { name: 'Import' }).click();
    await page.getByRole('heading', { level: 1, name: 'Portfolio of Sam and Jordan Rivera' }).waitFor();
    expect(await page.locator('article.account').count()).toBe(3);

    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Export JSON' }).click();
    const exported = JSON.parse(readFileSync(await (await download).path(), 'utf8'));
    expect(exported.user).toEqual({ ...example.user, id: 'cleo' });
    expect(exported.accounts).toEqual(example.accounts);
    expect(exported.positions).toHaveLength(example.positions.length);
    expect(problems.failedLoads).toEqual(['/v1/portfolio 404', '/v1/portfolio 400']);
    await expectClean(page, problems, 'the imported portfolio');
    await context.close();
  });

  it('says which parts are missing and why when specialists refuse', async () => {
    const { context, page, problems } = await open();
    await signIn(page, 'dora');
    await page.getByLabel('Household name').fill('Dora');
    await page.getByLabel('Birth year').fill('1980');
    await page.getByLabel('Retirement age').fill('65');
    await page.getByLabel('Yearly spending in retirement, today’s money ($)').fill('50000');
    await page.getByLabel('Account id').fill('a');
    await page.getByLabel('Account name').fill('Brokerage');
    await page.getByLabel('Cash ($)').fill('0');
    await page.getByRole('button', { name: 'Save portfolio' }).click();
    const form = page.locator('form', { has: page.getByRole('heading', { name: 'Add a position' }) });
    await form.getByLabel('Symbol').fill('VTI');
    await form.getByLabel('Quantity').fill('10');
    await form.getByRole('button', { name: 'Add position' }).click();
    // No price and no cash: nothing has a value.
    await page.getByRole('cell', { name: 'unpriced' }).waitFor();

    await page.getByRole('button', { name: 'Analyse' }).click();
    await page.locator('article.analysis').waitFor({ timeout: 60_000 });
    const banner = await page.locator('.banner-partial').first().textContent();
    expect(banner).toContain('This analysis is partial');
    expect(banner).toContain('the portfolio has no value (no priced position and no cash)');
    expect(await page.locator('#answer').textContent()).toContain('No retirement projection in this analysis');
    expect(await page.locator('#appendix').textContent()).toContain('SpecialistFailed');
    problems.failedLoads.length = 0;
    await expectClean(page, problems, 'a partial analysis');
    await context.close();
  });
});

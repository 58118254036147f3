/**
 * The dashboard as a person meets it: `alex serve` started as a user starts it (its own process
 * and home), one finished analysis, then the analysis page opened in Debian's chromium on
 * loopback, each time in a fresh browser context (empty cache). Reports the median first
 * contentful paint from Chromium's paint timing entries, the median time until the answer is on
 * screen, and the app's JavaScript gzipped as the build reports it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadOrCreateSigningKey, signLocalToken } from '#infra/api/local-issuer.ts';
import { ensureWebBuild } from '#infra/web/build.ts';
import { startServer, stopServer } from './api.ts';
import { atMost, type BenchResult, median, result } from './results.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLE = join(ROOT, 'examples', 'portfolio.json');
const LOADS = 7;

export const WEB_TARGETS = { firstContentfulPaintMs: atMost(500), jsGzipBytes: atMost(102_400) };

export interface WebMeasurement {
  jsGzipBytes: number;
  /** Null when no chromium is installed (the paint cannot be measured without a browser). */
  firstContentfulPaintMs: number | null;
  answerShownMs: number | null;
}

export async function measureWeb(progress: (message: string) => void): Promise<WebMeasurement> {
  progress('dashboard: build');
  const build = await ensureWebBuild();
  if (build.kind === 'missing') throw new Error(`bench: ${build.reason}`);
  const jsGzipBytes = build.manifest.scriptGzipBytes;
  let executablePath: string;
  try {
    executablePath = execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
  } catch {
    progress('dashboard: no chromium installed (apt-get install chromium); paint not measured');
    return { jsGzipBytes, firstContentfulPaintMs: null, answerShownMs: null };
  }
  const home = mkdtempSync(join(tmpdir(), 'alex-bench-web-'));
  const server = await startServer(home);
  try {
    const userId = 'bench-web';
    const token = await signLocalToken(await loadOrCreateSigningKey(home), { userId });
    const jobId = await finishedAnalysis(server.url, token);
    progress(`dashboard: the analysis page, ${LOADS} cold loads in chromium`);
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--disable-gpu'] });
    const paints: number[] = [];
    const answers: number[] = [];
    try {
      const session = JSON.stringify({ userId, token, expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
      for (let i = 0; i < LOADS; i++) {
        const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
        // Signed in before the page's scripts run, as after sign-in; and a watch for the answer.
        await context.addInitScript(
          `sessionStorage.setItem('alex.session', ${JSON.stringify(session)});
           new MutationObserver((_, observer) => {
             if (document.getElementById('answer')) { window.__answerShownMs = performance.now(); observer.disconnect(); }
           }).observe(document, { childList: true, subtree: true });`,
        );
        const page = await context.newPage();
        await page.goto(`${server.url}/#/analyses/${jobId}`);
        await page.locator('#answer').waitFor({ timeout: 30_000 });
        const [fcp, answer] = (await page.evaluate(
          `[performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? null, window.__answerShownMs ?? null]`,
        )) as [number | null, number | null];
        if (fcp !== null) paints.push(fcp);
        if (answer !== null) answers.push(answer);
        await context.close();
      }
    } finally {
      await browser.close();
    }
    return {
      jsGzipBytes,
      firstContentfulPaintMs: paints.length > 0 ? median(paints) : null,
      answerShownMs: answers.length > 0 ? median(answers) : null,
    };
  } finally {
    await stopServer(server.child);
    rmSync(home, { recursive: true, force: true });
  }
}

export function webResults(m: WebMeasurement): BenchResult[] {
  return [
    ...(m.firstContentfulPaintMs === null
      ? []
      : [result('web.firstContentfulPaintMs', m.firstContentfulPaintMs, 'ms', WEB_TARGETS.firstContentfulPaintMs, 0)]),
    ...(m.answerShownMs === null ? [] : [result('web.analysisAnswerShownMs', m.answerShownMs, 'ms', undefined, 0)]),
    result('web.jsGzipBytes', m.jsGzipBytes, 'bytes', WEB_TARGETS.jsGzipBytes, 0),
  ];
}

async function finishedAnalysis(url: string, token: string): Promise<string> {
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const put = await fetch(`${url}/v1/portfolio`, { method: 'PUT', headers, body: readFileSync(EXAMPLE, 'utf8') });
  if (put.status !== 200) throw new Error(`bench: PUT /v1/portfolio answered ${put.status}`);
  const submitted = await fetch(`${url}/v1/analyses`, { method: 'POST', headers, body: '{}' });
  if (submitted.status !== 202) throw new Error(`bench: POST /v1/analyses answered ${submitted.status}`);
  const { jobId } = (await submitted.json()) as { jobId: string };
  for (let i = 0; i < 240; i++) {
    const job = (await (await fetch(`${url}/v1/analyses/${jobId}`, { headers })).json()) as { status: string };
    if (job.status === 'completed' || job.status === 'partial') return jobId;
    if (job.status === 'failed') throw new Error(`bench: the analysis failed`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error('bench: the analysis did not finish within 60 s');
}

/**
 * What the browser tests share: the dashboard served as `alex serve` serves it (local runtime,
 * API, dist/web, local sign-in) on a free loopback port; Debian's chromium driven by
 * playwright-core (never a downloaded browser); and a watch on every page for CSP violations,
 * console errors and serious or critical axe-core findings (axe injected by evaluation, which
 * the CSP cannot block as it would a script tag).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { loadOrCreateSigningKey, signLocalToken } from '#infra/api/local-issuer.ts';
import { startApiServer } from '#infra/api/server.ts';
import { LocalRuntime } from '#infra/local/runtime.ts';
import { ensureWebBuild } from '#infra/web/build.ts';

export interface DashboardServer {
  url: string;
  /** The sign-in URL `alex serve` prints, with its code in the fragment. */
  signInUrl: string;
  runtime: LocalRuntime;
  /** Calls the API as `userId`, with a token from the home's local issuer. */
  api(userId: string, method: string, path: string, body?: string): Promise<Response>;
  close(): Promise<void>;
}

export async function startDashboard(): Promise<DashboardServer> {
  const home = mkdtempSync(join(tmpdir(), 'alex-web-'));
  const build = await ensureWebBuild();
  if (build.kind !== 'ready') throw new Error(`no dashboard build: ${'reason' in build ? build.reason : ''}`);
  const runtime = await LocalRuntime.start({ home, msPerQueueSecond: 0.2, logLevel: 'SILENT' });
  const server = await startApiServer({
    runtime,
    home,
    port: 0,
    env: { ALEX_API_RATE: '1000', ALEX_API_BURST: '1000' },
    dashboard: build,
  });
  return {
    url: server.url,
    signInUrl: `${server.url}/#signin=${server.signInCode}`,
    runtime,
    async api(userId, method, path, body) {
      const token = await signLocalToken(await loadOrCreateSigningKey(home), { userId });
      const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
      return fetch(`${server.url}${path}`, { method, headers, body });
    },
    async close() {
      await server.close();
      await runtime.close();
      rmSync(home, { recursive: true, force: true });
    },
  };
}

/** Debian's chromium, as `which chromium` finds it (.ci/run installs it with apt-get). */
export function chromiumPath(): string {
  return execFileSync('which', ['chromium'], { encoding: 'utf8' }).trim();
}

export function launchChromium(): Promise<Browser> {
  // --no-sandbox: CI runs as root, where Chromium refuses its sandbox.
  return chromium.launch({ executablePath: chromiumPath(), args: ['--no-sandbox', '--disable-gpu'] });
}

export interface PageProblems {
  cspViolations: string[];
  consoleErrors: string[];
  /** Chromium's "Failed to load resource" lines (an API answering 4xx), kept apart: a test names those it expects. */
  failedLoads: string[];
}

/** Records CSP violations (from inside the page, before any of its scripts) and console errors. */
export async function watch(page: Page): Promise<PageProblems> {
  const problems: PageProblems = { cspViolations: [], consoleErrors: [], failedLoads: [] };
  await page.exposeFunction('__alexCspViolation', (text: string) => problems.cspViolations.push(text));
  await page.addInitScript(() => {
    const page = globalThis as unknown as InPage;
    page.document.addEventListener('securitypolicyviolation', (event) => {
      page.__alexCspViolation(
        `${event.violatedDirective} blocked ${event.blockedURI || 'inline'} at ${event.sourceFile}:${event.lineNumber}`,
      );
    });
  });
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const text = message.text();
    if (text.startsWith('Failed to load resource')) {
      const url = new URL(message.location().url);
      problems.failedLoads.push(`${url.pathname} ${/status of (\d+)/.exec(text)?.[1] ?? text}`);
    } else problems.consoleErrors.push(text);
  });
  page.on('pageerror', (error) => problems.consoleErrors.push(`uncaught: ${error.message}`));
  return problems;
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Serious and critical axe-core violations on the page as it is now, as "rule: target" lines. */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const violations = await page.evaluate(async () => {
    const page = globalThis as unknown as InPage;
    const results = await page.axe.run(page.document, { resultTypes: ['violations'] });
    return results.violations
      .filter((v) => v.impact === 'serious' || v.impact === 'critical')
      .map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  });
  return violations;
}

/** What the functions run inside the page use of its globals, typed here so Node's code needs no DOM library. */
interface InPage {
  document: {
    addEventListener(
      type: 'securitypolicyviolation',
      listener: (event: {
        violatedDirective: string;
        blockedURI: string;
        sourceFile: string;
        lineNumber: number;
      }) => void,
    ): void;
  };
  __alexCspViolation(text: string): void;
  axe: { run(context: unknown, options: object): Promise<AxeResults> };
}

interface AxeResults {
  violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: string[] }> }>;
}

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 375, height: 740 };

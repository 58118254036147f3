/**
 * The `alex` command line as a user runs it: files written, exit codes, clear errors for bad
 * input with nothing written, jobs and events commands.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '#infra/cli/main.ts';
import { ConsolidatedAnalysis } from '#services/aggregator/consolidate.ts';
import { EXAMPLE_PATH } from '../../support.ts';

const ROOT = new URL('../../../../', import.meta.url).pathname;

async function run(args: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t), cwd, env: {} });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'alex-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function writePortfolio(name: string, mutate: (portfolio: any) => void): string {
  const portfolio = JSON.parse(readFileSync(EXAMPLE_PATH, 'utf8'));
  mutate(portfolio);
  const path = join(dir, name);
  writeFileSync(path, JSON.stringify(portfolio));
  return path;
}

describe('alex analyze', () => {
  it('runs from the installed bin as a new user would, and writes the three files', async () => {
    const cwd = mkdtempSync(join(dir, 'user-'));
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [join(ROOT, 'bin/alex.mjs'), 'analyze', EXAMPLE_PATH, '--out', 'out'],
      {
        cwd,
        env: { ...process.env, ALEX_HOME: '' },
      },
    );
    expect(stderr).toMatch(/planned/);
    expect(stderr).toMatch(/aggregated\s+completed/);
    expect(stdout).toMatch(/Analysis completed for Sam and Jordan Rivera/);
    expect(existsSync(join(cwd, '.alex'))).toBe(true);

    const analysis = ConsolidatedAnalysis.parse(JSON.parse(readFileSync(join(cwd, 'out/result.json'), 'utf8')));
    expect(analysis.status).toBe('completed');
    const html = readFileSync(join(cwd, 'out/report.html'), 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/i);
    expect(html.match(/<svg/g)?.length).toBeGreaterThanOrEqual(analysis.charts.length + 1);
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
    const markdown = readFileSync(join(cwd, 'out/report.md'), 'utf8');
    expect(markdown).toContain('## Executive Summary');
    expect(markdown).toContain(analysis.jobId);
  });

  it('prints a JSON summary with --json and defaults the output to alex-output/<jobId>', async () => {
    const cwd = mkdtempSync(join(dir, 'json-'));
    const { code, out } = await run(['analyze', EXAMPLE_PATH, '--json', '--home', join(cwd, 'state')], cwd);
    expect(code).toBe(0);
    const summary = JSON.parse(out);
    expect(summary.status).toBe('completed');
    expect(summary.files.result).toBe(join(cwd, 'alex-output', summary.jobId, 'result.json'));
    expect(existsSync(summary.files.html)).toBe(true);

    const jobs = await run(['jobs', 'list', '--json', '--home', join(cwd, 'state')], cwd);
    expect(JSON.parse(jobs.out).map((j: { jobId: string }) => j.jobId)).toContain(summary.jobId);
    const show = await run(['jobs', 'show', summary.jobId, '--json', '--home', join(cwd, 'state')], cwd);
    const shown = JSON.parse(show.out);
    expect(shown.job.status).toBe('completed');
    const types = shown.events.map((e: { detailType: string }) => e.detailType);
    expect(types[0]).toBe('ClassificationRequested');
    expect(types.at(-1)).toBe('AnalysisCompleted');
    expect(types.indexOf('AnalysisPlanned')).toBeLessThan(types.indexOf('SpecialistCompleted'));
  });

  const badInputs: Array<[string, () => string, RegExp]> = [
    ['a missing file', () => join(dir, 'nope.json'), /portfolio file not found/],
    [
      'a file that is not JSON',
      () => {
        const p = join(dir, 'broken.json');
        writeFileSync(p, '{"user": ');
        return p;
      },
      /is not valid JSON/,
    ],
    [
      'a negative quantity',
      () =>
        writePortfolio('neg.json', (p) => {
          p.positions[2].quantity = -5;
        }),
      /positions\[2\]\.quantity: must be greater than 0/,
    ],
    [
      'an unknown account',
      () =>
        writePortfolio('acct.json', (p) => {
          p.positions[0].account = 'brokerage';
        }),
      /positions\[0\]\.account: unknown account "brokerage"; accounts in this file are 401k, roth, taxable/,
    ],
    [
      'a bad symbol',
      () =>
        writePortfolio('sym.json', (p) => {
          p.positions[1].symbol = 'vt i!';
        }),
      /positions\[1\]\.symbol: must be an upper-case ticker/,
    ],
    [
      'a target allocation not summing to 100',
      () =>
        writePortfolio('alloc.json', (p) => {
          p.goals.targetAllocation.equity = 50;
        }),
      /goals\.targetAllocation: weights must sum to 100 \(they sum to 80\)/,
    ],
  ];
  for (const [what, makeFile, message] of badInputs) {
    it(`refuses ${what} with exit 2, one clear message, and writes nothing`, async () => {
      const cwd = mkdtempSync(join(dir, 'bad-'));
      const { code, err, out } = await run(['analyze', makeFile(), '--out', 'out'], cwd);
      expect(code).toBe(2);
      expect(err).toMatch(message);
      expect(err.split('\n')).toHaveLength(1);
      expect(err).not.toMatch(/\n\s+at /);
      expect(out).toBe('');
      expect(existsSync(join(cwd, '.alex'))).toBe(false);
      expect(existsSync(join(cwd, 'out'))).toBe(false);
    });
  }

  it('stops at once with the reason when its job cannot be planned (the model is unreachable), exit 4', async () => {
    const cwd = mkdtempSync(join(dir, 'unreachable-'));
    const saved = { ...process.env };
    Object.assign(process.env, {
      ALEX_MODEL: 'openai',
      ALEX_OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
      ALEX_OPENAI_MODEL: 'nobody',
    });
    try {
      const started = Date.now();
      const { code, err } = await run(['analyze', EXAMPLE_PATH, '--timeout', '90'], cwd);
      expect(code).toBe(4);
      expect(err).toMatch(/dead letter\s+alex-tagger-dlq: received 3 times without success: .*could not be reached/);
      expect(err).toMatch(/cannot be planned: .*alex dlq redrive/s);
      // It does not sit out the 90 s timeout.
      expect(Date.now() - started).toBeLessThan(60_000);
    } finally {
      for (const key of ['ALEX_MODEL', 'ALEX_OPENAI_BASE_URL', 'ALEX_OPENAI_MODEL'])
        if (saved[key] === undefined) delete process.env[key];
    }
  });

  it('says how to use it when the arguments are wrong', async () => {
    const { code, err } = await run(['analyze'], dir);
    expect(code).toBe(2);
    expect(err).toMatch(/give exactly one portfolio file/);
    expect((await run(['analyze', '--help'], dir)).out).toMatch(/Usage: alex analyze/);
    expect((await run(['frobnicate'], dir)).code).toBe(2);
    for (const command of ['jobs', 'events'])
      expect((await run([command, '--help'], dir)).out).toMatch(new RegExp(`Usage: alex ${command}`));
  });
});

describe('alex events', () => {
  it('publishes an AnalysisRequested as another system would, and the job is processed', async () => {
    const cwd = mkdtempSync(join(dir, 'events-'));
    const home = join(cwd, 'state');
    // The portfolio must be stored first: analyse once, then ask again through the bus.
    expect((await run(['analyze', EXAMPLE_PATH, '--home', home, '--out', 'first'], cwd)).code).toBe(0);
    const jobId = '9b3e2f4a-1c2d-4e5f-8a9b-0c1d2e3f4a5b';
    const eventFile = join(cwd, 'request.json');
    writeFileSync(
      eventFile,
      JSON.stringify({
        Source: 'partner.crm',
        DetailType: 'AnalysisRequested',
        Detail: JSON.stringify({
          version: 1,
          jobId,
          userId: 'rivera-household',
          requestedAt: new Date().toISOString(),
        }),
      }),
    );
    const put = await run(['events', 'put', eventFile, '--home', home, '--json'], cwd);
    expect(put.code).toBe(0);
    const summary = JSON.parse(put.out);
    expect(summary.published[0].source).toBe('partner.crm');
    expect(summary.followedBy).toEqual(
      expect.arrayContaining(['AnalysisPlanned from alex.planner', 'AnalysisCompleted from alex.aggregator']),
    );
    expect(summary.deadLetters).toEqual([]);
    const show = JSON.parse((await run(['jobs', 'show', jobId, '--json', '--home', home], cwd)).out);
    expect(show.job.status).toBe('completed');
    expect(show.analysisStored).toBe(true);
  });

  it('sends a malformed event from another system to the DLQ with its reason', async () => {
    const cwd = mkdtempSync(join(dir, 'events-bad-'));
    const eventFile = join(cwd, 'bad.json');
    writeFileSync(
      eventFile,
      JSON.stringify({
        source: 'partner.crm',
        'detail-type': 'AnalysisRequested',
        detail: { version: 1, userId: 'x' },
      }),
    );
    const put = await run(['events', 'put', eventFile, '--home', join(cwd, 'state'), '--json'], cwd);
    expect(put.code).toBe(0);
    const { deadLetters } = JSON.parse(put.out);
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0].queue).toBe('alex-jobs-dlq');
    expect(deadLetters[0].reason).toMatch(/AnalysisRequested detail\.jobId/);
  });

  it('tests a pattern like aws events test-event-pattern', async () => {
    const pattern = join(dir, 'pattern.json');
    const event = join(dir, 'event.json');
    writeFileSync(pattern, JSON.stringify({ 'detail-type': ['AnalysisPlanned'], detail: { tasks: ['charts'] } }));
    writeFileSync(
      event,
      JSON.stringify({
        id: '1',
        source: 'alex.planner',
        'detail-type': 'AnalysisPlanned',
        account: '1',
        time: '2026-11-21T00:00:00Z',
        region: 'us-east-1',
        resources: [],
        detail: { tasks: ['report', 'charts'] },
      }),
    );
    expect(await run(['events', 'test-pattern', '--pattern', pattern, '--event', event], dir)).toMatchObject({
      code: 0,
      out: 'true',
    });
    writeFileSync(pattern, JSON.stringify({ detail: { tasks: ['retirement'] } }));
    expect(await run(['events', 'test-pattern', '--pattern', pattern, '--event', event], dir)).toMatchObject({
      code: 0,
      out: 'false',
    });
    writeFileSync(pattern, JSON.stringify({ detail: { tasks: 'charts' } }));
    const invalid = await run(['events', 'test-pattern', '--pattern', pattern, '--event', event], dir);
    expect(invalid.code).toBe(2);
    expect(invalid.err).toMatch(/Event pattern is not valid/);
  });
});

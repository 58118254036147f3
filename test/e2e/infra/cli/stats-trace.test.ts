/**
 * `alex stats` and `alex trace` after an `alex analyze` with ALEX_TRACE=1: the metrics the
 * services kept in the state folder and the job's waterfall from its kept spans.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { main } from '#infra/cli/main.ts';
import { EXAMPLE_PATH } from '../../support.ts';

async function run(args: string[], cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(args, { out: (t) => out.push(t), err: (t) => err.push(t), cwd, env: {} });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

let dir: string;
let home: string;
let jobId: string;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'alex-stats-'));
  home = join(dir, 'state');
  vi.stubEnv('ALEX_TRACE', '1');
  const analyzed = await run(['analyze', EXAMPLE_PATH, '--json', '--home', home, '--out', join(dir, 'out')], dir);
  vi.unstubAllEnvs();
  expect(analyzed.code).toBe(0);
  jobId = (JSON.parse(analyzed.out) as { jobId: string }).jobId;
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('alex stats', () => {
  it('counts the completed analysis and every record each service handled', async () => {
    const { code, out } = await run(['stats', '--home', home, '--json'], dir);
    expect(code).toBe(0);
    const stats = JSON.parse(out);
    expect(stats.analyses).toEqual({ completed: 1, partial: 0, failed: 0 });
    const records = Object.fromEntries(
      (stats.stages as Array<{ service: string; records: number }>).map((s) => [s.service, s.records]),
    );
    // The example holds instruments the database does not know: the planner takes the request
    // and the tagger's answer, the tagger one request, each specialist the plan.
    expect(records).toMatchObject({ planner: 2, tagger: 1, reporter: 1, charter: 1, retirement: 1 });
    // The offline model reports no tokens and costs nothing.
    expect(stats.model).toEqual({
      inputTokens: 0,
      outputTokens: 0,
      estimatedCostUsd: 0,
      pricedCostUsd: 0,
      unpricedCalls: 0,
    });
    expect(stats.deadLetters).toBe(0);
    expect(stats.inDeadLetterQueues).toBe(0);
  });

  it('prints the same figures as lines', async () => {
    const { code, out } = await run(['stats', '--home', home], dir);
    expect(code).toBe(0);
    expect(out).toMatch(/^Analyses {6}1 completed, 0 partial, 0 failed$/m);
    expect(out).toMatch(/^charter +1 +\d+ +\d+ +\d+$/m);
  });
});

describe('alex trace', () => {
  it("prints the job's spans as a waterfall under one trace, from the command's request to the aggregator", async () => {
    const { code, out } = await run(['trace', jobId, '--home', home], dir);
    expect(code).toBe(0);
    const lines = out.split('\n');
    expect(lines[0]).toMatch(/^trace [0-9a-f]{32}$/);
    expect(lines.filter((line) => line.startsWith('trace '))).toHaveLength(1);
    expect(lines[1]).toMatch(/^ +\+0 ms {2}█.* {2}cli: send AnalysisRequested$/);
    for (const service of ['planner', 'tagger', 'reporter', 'charter', 'retirement', 'aggregator']) {
      expect(out).toMatch(new RegExp(`^ +\\+\\d+ ms {2}[ █]+ +\\d+ ms {2} +${service}: ${service} process`, 'm'));
    }
    // The planner's span is the child of the request's: indented one level.
    expect(out).toMatch(/ms {4}planner: planner process message$/m);
  });

  it('says tracing was off for a job without spans, and refuses what is not a job id', async () => {
    const missing = await run(['trace', '00000000-0000-4000-8000-000000000000', '--home', home], dir);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/no spans of job .* Set ALEX_TRACE=1/);
    const bad = await run(['trace', 'nope', '--home', home], dir);
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/jobId: "nope" is not a job id/);
  });
});

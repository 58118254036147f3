/** `alex retirement simulate --strategy`: the variable strategies and their spending paths. */
import { describe, expect, it } from 'vitest';
import { main } from '#infra/cli/main.ts';

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await main(['retirement', 'simulate', ...args], {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    cwd: process.cwd(),
    env: {},
  });
  return { code, out: out.join('\n'), err: err.join('\n') };
}

interface StrategyOutput {
  successRate: number;
  periods?: number;
  spendingPath: { year: number; poor: number; median: number; good: number }[];
}

async function json(args: string[]): Promise<StrategyOutput> {
  const result = await run([...args, '--json']);
  expect(result.err).toBe('');
  expect(result.code).toBe(0);
  return JSON.parse(result.out) as StrategyOutput;
}

describe('alex retirement simulate --strategy', () => {
  it('never runs out with a constant percentage, and the first year takes exactly the rate', async () => {
    const output = await json([
      '--strategy',
      'constant-percentage',
      '--years',
      '30',
      '--withdrawal-rate',
      '0.04',
      '--stocks',
      '0.6',
    ]);
    expect(output.successRate).toBe(1);
    expect(output.periods).toBe(97 - 30 + 1);
    expect(output.spendingPath).toHaveLength(30);
    expect(output.spendingPath[0]).toMatchObject({ year: 1, poor: 0.04, median: 0.04 });
  });

  it('starts VPW at the annuity-due payment over the horizon at 60/40’s 3.76% trend', async () => {
    let annuity = 0;
    for (let k = 0; k < 30; k++) annuity += 1.0376 ** -k;
    const output = await json(['--strategy', 'vpw', '--years', '30', '--withdrawal-rate', '0.04', '--stocks', '0.6']);
    expect(output.spendingPath[0]!.median).toBeCloseTo(1 / annuity, 4);
    // VPW spends the last balance in the last year, so the poor case ends well below the median.
    expect(output.spendingPath.at(-1)!.poor).toBeLessThan(output.spendingPath.at(-1)!.median);
  });

  it('prints the Guyton–Klinger spending path under seeded Monte Carlo', async () => {
    const result = await run([
      '--strategy',
      'guyton-klinger',
      '--method',
      'monte-carlo',
      '--paths',
      '2000',
      '--seed',
      '7',
      '--years',
      '30',
      '--withdrawal-rate',
      '0.055',
      '--stocks',
      '0.65',
    ]);
    expect(result.code).toBe(0);
    expect(result.out).toContain('Guyton–Klinger guardrails: 5.5% at first');
    expect(result.out).toMatch(/spending path/);
    expect(result.out).toMatch(/\n\s+30\s+\d+\.\d%\s+\d+\.\d%/);
  });

  it('refuses an unknown strategy, naming the flag and the choices', async () => {
    const result = await run(['--strategy', 'yolo', '--years', '30', '--withdrawal-rate', '0.04', '--stocks', '0.6']);
    expect(result.code).not.toBe(0);
    expect(result.err).toContain(
      '--strategy yolo: must be one of constant-dollar, constant-percentage, vpw, guyton-klinger',
    );
  });

  it('refuses mid-year timing for a variable strategy', async () => {
    const result = await run([
      '--strategy',
      'vpw',
      '--timing',
      'middle',
      '--years',
      '30',
      '--withdrawal-rate',
      '0.04',
      '--stocks',
      '0.6',
    ]);
    expect(result.code).not.toBe(0);
    expect(result.err).toContain('--timing middle applies to --strategy constant-dollar only');
  });
});

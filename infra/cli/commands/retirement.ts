/**
 * `alex retirement simulate`: the retirement engine on its own, for the classic question "how
 * often does a withdrawal rate last N years?". Historical rolling periods or seeded Monte Carlo.
 */
import { resolve } from 'node:path';
import { InvalidInputError } from '#events/errors.ts';
import { MarketAssumptionOverrides } from '#events/values.ts';
import { defaultCapitalMarketAssumptions, withOverrides } from '#services/retirement/assumptions.ts';
import type { SimulationResult, WithdrawalTiming } from '#services/retirement/engine.ts';
import { loadHistoricalReturns, simulateHistorical } from '#services/retirement/historical.ts';
import { DEFAULT_PATHS, DEFAULT_SEED, simulateMonteCarlo } from '#services/retirement/monte-carlo.ts';
import { STRATEGIES, type StrategyKind } from '#services/retirement/strategies.ts';
import { type Command, EXIT, parse, readJsonFile, UsageError } from '../cli-kit.ts';
import { printStrategy, simulateStrategy } from './retirement-strategy.ts';

const USAGE = `Usage: alex retirement simulate --years N --withdrawal-rate R --stocks FRACTION
         [--method historical|monte-carlo] [--timing middle|start] [--from YEAR] [--to YEAR]
         [--paths N] [--seed S] [--strategy NAME] [--json]

Simulates a retirement that starts today with a portfolio of 1: the first year's withdrawal is R
of it (0.04 = 4%), raised with inflation every year; FRACTION is in US stocks (S&P 500) and the
rest in bonds (10-year Treasuries), rebalanced yearly. Success: every withdrawal paid and money
left after N years.

  --method historical   every rolling N-year period of US returns 1928–2024 (default)
  --method monte-carlo  --paths random paths (default ${DEFAULT_PATHS}), seeded by --seed (default ${DEFAULT_SEED})
  --timing middle       withdrawals in the middle of each year (default): with annual data, the
                        stand-in for the monthly withdrawals of the classic studies
  --timing start        withdrawals at the start of each year: the cautious reading
  --market FILE.json    Monte Carlo assumptions instead of the historical defaults, any of
                        {"expectedReturn": {"equity": 0.07}, "volatility": {"equity": 0.17}, "inflation": 0.025}
  --from/--to YEAR      limit the historical data window (e.g. --to 1995 for the 1998 Trinity study)
  --strategy NAME       constant-dollar (default): R of the starting balance, raised with inflation;
                        constant-percentage: R of each year's balance;
                        vpw: the Bogleheads VPW rate for the years left and the allocation (R unused);
                        guyton-klinger: R at first, then the 2006 decision rules (guardrails).
                        Variable strategies withdraw at the start of each year and print the
                        spending path (median and poor case, the 10th percentile)
  --json                print {"successRate", "periods" | "paths", ...} on stdout`;

function numberFlag(
  value: string | undefined,
  flag: string,
  rule: (n: number) => string | undefined,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  const problem = value.trim() === '' || !Number.isFinite(n) ? 'must be a number' : rule(n);
  if (problem) throw new InvalidInputError(`--${flag} ${value}: ${problem}`);
  return n;
}

const wholeBetween = (min: number, max: number) => (n: number) =>
  Number.isInteger(n) && n >= min && n <= max ? undefined : `must be a whole number from ${min} to ${max}`;

export const retirementCommand: Command = {
  name: 'retirement',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parse(
      argv,
      {
        years: { type: 'string' },
        'withdrawal-rate': { type: 'string' },
        stocks: { type: 'string' },
        method: { type: 'string' },
        timing: { type: 'string' },
        market: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        paths: { type: 'string' },
        seed: { type: 'string' },
        strategy: { type: 'string' },
        json: { type: 'boolean' },
      },
      this,
    );
    if (values.help) {
      io.out(USAGE);
      return EXIT.ok;
    }
    if (positionals[0] !== 'simulate' || positionals.length !== 1)
      throw new UsageError(`expected: alex retirement simulate …\n\n${USAGE}`);
    for (const required of ['years', 'withdrawal-rate', 'stocks'] as const) {
      if (values[required] === undefined) throw new UsageError(`--${required} is required\n\n${USAGE}`);
    }
    const method = values.method ?? 'historical';
    if (method !== 'historical' && method !== 'monte-carlo')
      throw new InvalidInputError(`--method ${method}: must be historical or monte-carlo`);
    const timing: WithdrawalTiming =
      values.timing === undefined
        ? 'middle'
        : values.timing === 'start' || values.timing === 'middle'
          ? values.timing
          : invalidTiming(values.timing);
    const data = loadHistoricalReturns();
    const years = numberFlag(values.years, 'years', wholeBetween(1, 100))!;
    const withdrawalRate = numberFlag(values['withdrawal-rate'], 'withdrawal-rate', (n) =>
      n > 0 && n <= 1 ? undefined : 'must be a fraction above 0 and at most 1 (0.04 = 4%)',
    )!;
    const stocks = numberFlag(values.stocks, 'stocks', (n) =>
      n >= 0 && n <= 1 ? undefined : 'must be a fraction from 0 to 1 (0.75 = 75% stocks)',
    )!;
    const from = numberFlag(values.from, 'from', wholeBetween(data.firstYear, data.lastYear));
    const to = numberFlag(values.to, 'to', wholeBetween(data.firstYear, data.lastYear));
    const paths = numberFlag(values.paths, 'paths', wholeBetween(1, 1_000_000));
    const seed = numberFlag(values.seed, 'seed', wholeBetween(0, 0xffff_ffff));
    if (method === 'historical' && (paths !== undefined || seed !== undefined)) {
      throw new UsageError('--paths and --seed apply to --method monte-carlo only');
    }
    if (method === 'historical' && values.market !== undefined)
      throw new UsageError('--market applies to --method monte-carlo only');
    const market = values.market === undefined ? undefined : readMarket(resolve(io.cwd, values.market));
    if (method === 'monte-carlo' && (from !== undefined || to !== undefined)) {
      throw new UsageError('--from and --to apply to --method historical only');
    }
    const window = { from: from ?? data.firstYear, to: to ?? data.lastYear };
    if (window.to < window.from)
      throw new InvalidInputError(`--from ${window.from} and --to ${window.to}: --from must not be after --to`);
    if (method === 'historical' && window.to - window.from + 1 < years) {
      throw new InvalidInputError(
        `--years ${years}: the window ${window.from}–${window.to} holds only ${window.to - window.from + 1} years; widen --from/--to or shorten --years`,
      );
    }

    const strategy = values.strategy ?? 'constant-dollar';
    if (!(STRATEGIES as readonly string[]).includes(strategy))
      throw new InvalidInputError(`--strategy ${strategy}: must be one of ${STRATEGIES.join(', ')}`);
    if (strategy !== 'constant-dollar') {
      if (values.timing === 'middle')
        throw new UsageError(
          '--timing middle applies to --strategy constant-dollar only (variable strategies withdraw at the start of each year)',
        );
      const output = simulateStrategy({
        strategy: strategy as StrategyKind,
        years,
        rate: withdrawalRate,
        stocks,
        method,
        window,
        data,
        paths: paths ?? DEFAULT_PATHS,
        seed: seed ?? DEFAULT_SEED,
        market: method === 'historical' ? undefined : withOverrides(defaultCapitalMarketAssumptions(), market),
      });
      printStrategy(io, output, values.json === true);
      return EXIT.ok;
    }
    const plan = {
      initialBalance: 1,
      allocation: { equity: stocks, fixed_income: 1 - stocks },
      withdrawalYears: years,
      withdrawalRate,
      withdrawalTiming: timing,
    };
    let result: SimulationResult;
    try {
      result =
        method === 'historical'
          ? simulateHistorical({ ...plan, ...window, data })
          : simulateMonteCarlo({
              ...plan,
              paths,
              seed,
              market: withOverrides(defaultCapitalMarketAssumptions(), market),
            });
    } catch (error) {
      // The engine names its options; a CLI user knows them as flags.
      if (error instanceof InvalidInputError)
        throw new InvalidInputError(
          error.message.replace(/\boptions\.(\w+)/g, (_, name: string) => `--${kebab(name)}`),
        );
      throw error;
    }

    const output = {
      method,
      timing,
      years,
      withdrawalRate,
      stocks,
      successRate: result.successProbability,
      ...(method === 'historical'
        ? { periods: result.paths, from: window.from, to: window.to }
        : { paths: result.paths, seed: seed ?? DEFAULT_SEED }),
      medianEndingValue: result.medianEndingValue,
      p10EndingValue: result.p10EndingValue,
      fundedYearsP10: result.fundedYearsP10,
      sustainableWithdrawalRate90: result.sustainableWithdrawalRate,
    };
    if (values.json) {
      io.out(JSON.stringify(output, null, 2));
      return EXIT.ok;
    }
    const pct = (x: number | null) => (x === null ? 'n/a' : `${(x * 100).toFixed(1)}%`);
    const basis =
      method === 'historical'
        ? `${result.paths} rolling ${years}-year periods, ${window.from}–${window.to}`
        : `${result.paths.toLocaleString('en-US')} Monte Carlo paths, seed ${seed ?? DEFAULT_SEED}`;
    io.out(
      `Withdrawing ${pct(withdrawalRate)} a year (raised with inflation, ${timing === 'middle' ? 'mid-year' : 'at the start of each year'}) for ${years} years, ${pct(stocks)} stocks / ${pct(1 - stocks)} bonds:`,
    );
    io.out(`  success rate           ${pct(result.successProbability)} of ${basis}`);
    io.out(`  ending value (median)  ${result.medianEndingValue.toFixed(2)} × the starting balance, in today's money`);
    io.out(`  ending value (10th)    ${result.p10EndingValue.toFixed(2)} ×`);
    io.out(`  money lasts (10th pct) ${result.fundedYearsP10} of ${years} years`);
    io.out(`  rate for 90% success   ${pct(result.sustainableWithdrawalRate)}`);
    return EXIT.ok;
  },
};

function readMarket(path: string): MarketAssumptionOverrides {
  return InvalidInputError.parse(MarketAssumptionOverrides, readJsonFile(path, '--market'), '--market');
}

function invalidTiming(timing: string): never {
  throw new InvalidInputError(`--timing ${timing}: must be middle or start`);
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}

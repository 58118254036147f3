/**
 * `npm run bench [-- --json]`: Alex measured on this machine, in one run, beside what it
 * replaces — end-to-end throughput and latency on the local runtime, the choreography's
 * overhead over direct calls, the retirement engine, the bus's pattern matcher, the Lambda
 * bundles, the command line's start-up, the cost of one analysis on AWS, and the mutation scores
 * of the modules that matter most (read from Stryker's reports, not re-run). See docs/benchmarks.md.
 * `-- --only cli` measures just the command line; `-- --only api` just the HTTP API (`alex serve`);
 * `-- --only web` just the dashboard (first paint of the analysis page in chromium, script size);
 * `-- --only observability` just the tracing overhead (analyses per second traced ÷ untraced).
 * `-- --only large` just one analysis of a portfolio at the file's limits (e2e.largePortfolioMs).
 * `-- --only retrieval` just knowledge retrieval: quality on the evaluation set, query latency.
 * `-- --only e2e` just the retirement engine and the end-to-end load (throughput, latency, overhead).
 *
 * Benchmarks never fail for speed: the exit code is 0 unless something crashed.
 */
import { cpus } from 'node:os';
import { apiResults, measureApi } from './bench/api.ts';
import { bundleResults, measureBundles } from './bench/bundles.ts';
import { cliResults, measureCli } from './bench/cli.ts';
import { costResults, describeCost, measureCost } from './bench/cost-run.ts';
import { measureDurableQueues } from './bench/durable.ts';
import { measureEndToEnd, startExampleRuntime } from './bench/e2e.ts';
import { describeIngress, ingressResults, measureIngress } from './bench/ingress.ts';
import { largePortfolioResults, measureLargePortfolio } from './bench/large.ts';
import { matcherResults, measureMatcher } from './bench/matcher.ts';
import { monthlyResults } from './bench/monthly.ts';
import { mutationNotes, mutationResults } from './bench/mutation.ts';
import { describeObservability, measureObservability, observabilityResults } from './bench/observability.ts';
import { type BenchResult, formatTable } from './bench/results.ts';
import { measureRetirement } from './bench/retirement.ts';
import { measureRetirementAnalysis } from './bench/retirement-planning.ts';
import { describeRetrieval, measureRetrieval, retrievalResults } from './bench/retrieval.ts';
import { measureWeb, webResults } from './bench/web.ts';

const COST_ANALYSES = 10;

async function main(argv: readonly string[]): Promise<void> {
  const only = argv.includes('--only') ? argv[argv.indexOf('--only') + 1] : undefined;
  const unknown = argv.filter((arg, i) => arg !== '--json' && arg !== '--only' && argv[i - 1] !== '--only');
  const ONLY = ['cli', 'api', 'web', 'observability', 'large', 'mutation', 'e2e', 'retrieval'];
  if (unknown.length > 0 || (argv.includes('--only') && !ONLY.includes(only ?? '')))
    throw new Error(
      `unknown argument ${unknown.join(' ')}; usage: npm run bench [-- --json] [--only ${ONLY.join('|')}]`,
    );
  const json = argv.includes('--json');
  // With --json, stdout carries the one JSON object; progress goes to stderr either way.
  const progress = (message: string) => process.stderr.write(`bench: ${message}\n`);
  const notes: string[] = [];
  const results: BenchResult[] = [];

  if (only === 'mutation') {
    // Read from the committed reports only: instant, nothing is measured.
    const mutation = mutationResults();
    results.push(...mutation.results);
    notes.push(...mutationNotes(mutation));
    return report(results, notes, json);
  }
  if (only === 'api') {
    results.push(...apiResults(await measureApi(progress)));
    return report(results, notes, json);
  }
  if (only === 'observability') {
    const observability = await measureObservability(progress);
    results.push(...observabilityResults(observability));
    notes.push(describeObservability(observability));
    return report(results, notes, json);
  }
  if (only === 'large') {
    progress('one analysis of a portfolio at the file limits');
    results.push(...largePortfolioResults(await measureLargePortfolio()));
    return report(results, notes, json);
  }
  if (only === 'e2e') {
    progress('retirement engine');
    results.push(...measureRetirement(), ...measureRetirementAnalysis());
    const endToEnd = await measureEndToEnd(progress);
    results.push(...endToEnd.results);
    notes.push(endToEnd.note);
    return report(results, notes, json);
  }
  if (only === 'retrieval') {
    const retrieval = await measureRetrieval(progress);
    results.push(...retrievalResults(retrieval));
    notes.push(describeRetrieval(retrieval));
    return report(results, notes, json);
  }
  if (only === 'web') {
    results.push(...webResults(await measureWeb(progress)));
    return report(results, notes, json);
  }
  // First, while nothing else of the benchmark's own has warmed or filled the machine.
  results.push(...cliResults(await measureCli(progress)));
  if (only === 'cli') return report(results, notes, json);
  // Its own server process, before this process holds a runtime of its own.
  results.push(...apiResults(await measureApi(progress)));
  results.push(...webResults(await measureWeb(progress)));

  const mutation = mutationResults();
  results.push(...mutation.results);
  notes.push(...mutationNotes(mutation));

  progress('retirement engine');
  results.push(...measureRetirement());
  results.push(...measureRetirementAnalysis());
  results.push(...measureDurableQueues());

  const retrieval = await measureRetrieval(progress);
  results.push(...retrievalResults(retrieval));
  notes.push(describeRetrieval(retrieval));

  progress('event pattern matcher');
  const matcher = measureMatcher();
  const matcher1000 = measureMatcher({ rules: 1000 });
  const matcher10000 = measureMatcher({ rules: 10_000 });
  results.push(...matcherResults(matcher, matcher1000, matcher10000));
  notes.push(
    `Matcher: ${matcher.rules} rules (${matcher.averageConditionsPerRule.toFixed(1)} conditions on average, up to ${matcher.maxConditions}), ` +
      `${matcher.events} events of ${matcher.minEventBytes}–${matcher.maxEventBytes} bytes, ${matcher.averageMatchesPerEvent.toFixed(2)} rules matched per event; ` +
      `${matcher1000.averageMatchesPerEvent.toFixed(1)} at 1,000 rules, ${matcher10000.averageMatchesPerEvent.toFixed(1)} at 10,000.`,
  );

  progress('ingress: PutEvents through the AWS-compatible endpoint');
  const ingress = await measureIngress();
  results.push(...ingressResults(ingress));
  notes.push(describeIngress(ingress));

  progress('one analysis of a portfolio at the file limits (2,000 unknown positions, 50 accounts)');
  const large = await measureLargePortfolio();
  results.push(...largePortfolioResults(large));
  notes.push(`Large portfolio: ended ${large.status} in ${(large.ms / 1000).toFixed(1)} s.`);

  const endToEnd = await measureEndToEnd(progress);
  results.push(...endToEnd.results);
  notes.push(endToEnd.note);
  progress(`cost: ${COST_ANALYSES} instrumented analyses, one at a time`);
  // Counted on an in-process runtime: its instruments see every service's calls, which they
  // cannot inside the specialists' worker threads.
  const counted = await startExampleRuntime({ workers: false });
  let cost;
  try {
    cost = await measureCost(counted.runtime, counted.portfolio.user.id, COST_ANALYSES);
  } finally {
    await counted.runtime.close();
  }
  results.push(...costResults(cost));
  // A month of the whole system at 1k, 10k and 100k analyses, from that measured figure (docs/aws.md).
  results.push(...monthlyResults(cost.cost.total));
  notes.push(describeCost(cost));

  const observability = await measureObservability(progress);
  results.push(...observabilityResults(observability));
  notes.push(describeObservability(observability));

  progress('Lambda bundles');
  results.push(...bundleResults(await measureBundles()));

  report(results, notes, json);
}

function report(results: BenchResult[], notes: string[], json: boolean): void {
  if (json) {
    process.stdout.write(`${JSON.stringify({ results })}\n`);
    return;
  }
  const cpu = cpus();
  process.stdout.write(
    `Alex benchmarks: Node ${process.version}, ${cpu.length} × ${cpu[0]?.model ?? 'unknown CPU'}\n\n`,
  );
  process.stdout.write(`${formatTable(results)}\n\n${notes.join('\n')}\n`);
}

main(process.argv.slice(2)).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(
      `bench: crashed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  },
);

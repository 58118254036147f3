/**
 * `alex analyze <portfolio.json>`: validates the file, loads it into the local database, sends
 * a job to the jobs queue as any client would, follows the job's events on the bus, and writes
 * the consolidated analysis with its report.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { SpanKind } from '@opentelemetry/api';
import type { EventEnvelope } from '#events/envelope.ts';
import { InvalidInputError } from '#events/errors.ts';
import { getAnalysis } from '#services/aggregator/analysis-store.ts';
import {
  MAX_PORTFOLIO_FILE_BYTES,
  parsePortfolioFile,
  portfolioFileTooLarge,
} from '#services/common/portfolio-file.ts';
import { savePortfolio } from '#services/common/portfolio-store.ts';
import { inSpan, traceFields } from '#services/common/tracing.ts';
import { analysisRequest, isJobEnd } from '../../local/job-messages.ts';
import { LocalRuntime } from '../../local/runtime.ts';
import { type Command, EXIT, type Io, parse, runtimeOptions, stateHome, UsageError } from '../cli-kit.ts';
import { checkOutputFolder } from '../paths.ts';
import { describeProgress } from '../progress.ts';
import { summarize, writeAnalysisFiles } from '../result-files.ts';

const USAGE = `Usage: alex analyze <portfolio.json> [--out DIR] [--home DIR] [--json] [--timeout SECONDS]

Analyses a portfolio on the embedded local runtime and writes DIR/result.json (the consolidated
analysis as stored), DIR/report.md and DIR/report.html. DIR defaults to ./alex-output/<jobId>.

  --out DIR        where to write the result files
  --home DIR       state folder (default ./.alex, or ALEX_HOME)
  --json           print a JSON summary on stdout; progress still goes to stderr
  --timeout S      give up waiting after S seconds (default 120)

Exit codes: 0 completed, 2 bad input (nothing written), 3 partial, 4 failed, 1 unexpected error.`;

export const analyzeCommand: Command = {
  name: 'analyze',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parse(
      argv,
      { out: { type: 'string' }, home: { type: 'string' }, json: { type: 'boolean' }, timeout: { type: 'string' } },
      this,
    );
    if (values.help) {
      io.out(USAGE);
      return EXIT.ok;
    }
    if (positionals.length !== 1) throw new UsageError(`give exactly one portfolio file\n\n${USAGE}`);
    const timeoutSeconds = values.timeout === undefined ? 120 : Number(values.timeout);
    if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0)
      throw new UsageError('--timeout must be a positive number of seconds');

    // Everything about the input is checked before any state is touched: nothing half-written.
    const path = resolve(io.cwd, positionals[0]!);
    if (!existsSync(path)) throw new InvalidInputError(`portfolio file not found: ${path}`);
    const stat = statSync(path);
    if (!stat.isFile())
      throw new InvalidInputError(
        `portfolio file ${path} is not a regular file (a folder?); give the path of a portfolio JSON file`,
      );
    // Checked before reading, so a huge file is refused without being loaded into memory.
    if (stat.size > MAX_PORTFOLIO_FILE_BYTES)
      throw new InvalidInputError(portfolioFileTooLarge(positionals[0]!, stat.size));
    const portfolio = parsePortfolioFile(readFileSync(path, 'utf8'), positionals[0]!);

    const home = stateHome(values.home, io);
    const outDirChecked = values.out === undefined ? undefined : checkOutputFolder(values.out, io.cwd);
    const runtime = await LocalRuntime.start({
      home,
      logLevel: (io.env.ALEX_LOG_LEVEL as 'INFO' | undefined) ?? 'SILENT',
      ...runtimeOptions('analyze', io),
    });
    try {
      await savePortfolio(runtime.db, portfolio);
      const jobId = randomUUID();
      const started = Date.now();
      const progress = (envelope: EventEnvelope) => {
        const line = describeProgress(envelope);
        if (line && (envelope.detail as { jobId?: string })?.jobId === jobId) {
          io.err(`  ${`+${Date.now() - started} ms`.padStart(9)}  ${line}`);
        }
      };
      const unsubscribe = runtime.bus.subscribe(progress);
      io.err(
        `alex: analysing ${portfolio.user.name} (${portfolio.positions.length} positions in ${portfolio.accounts.length} accounts), job ${jobId}`,
      );
      const finished = runtime.waitForEvent(isJobEnd(jobId), timeoutSeconds * 1000);
      // The job's deadline falls inside the wait, so a job whose specialists go quiet still ends
      // (partial or failed) while we watch.
      const deadlineSeconds = Math.max(10, Math.min(300, Math.floor(timeoutSeconds) - 10));
      const request = analysisRequest(portfolio.user.id, { jobId, deadlineSeconds });
      // The job's trace starts with the command's request (when tracing is on).
      await inSpan(
        'cli',
        'send AnalysisRequested',
        { kind: SpanKind.PRODUCER, attributes: { 'alex.job_id': jobId } },
        async () => runtime.sendJob(JSON.stringify({ ...request, ...traceFields() })),
      );

      // A message about this job in a dead-letter queue is said at once. Before planning (jobs,
      // planner, tagger) it means the job cannot be planned: stop waiting and say what to do.
      const seen = new Set<string>();
      let unplannable: { queue: string; reason: string } | undefined;
      let stopWatching: () => void = () => undefined;
      const deadLettered = new Promise<void>((resolve) => {
        const timer = setInterval(() => {
          for (const { queue, message } of runtime.deadLetters()) {
            if (seen.has(message.messageId) || !message.body.includes(jobId)) continue;
            seen.add(message.messageId);
            const reason = message.attributes.reason ?? 'no reason recorded';
            io.err(`  ${`+${Date.now() - started} ms`.padStart(9)}  dead letter   ${queue}: ${reason}`);
            if (/^alex-(jobs|planner|tagger)-dlq$/.test(queue)) {
              unplannable = { queue, reason };
              resolve();
            }
          }
        }, 200);
        stopWatching = () => clearInterval(timer);
      });

      let outcome: EventEnvelope | undefined;
      try {
        outcome = await Promise.race([finished, deadLettered.then(() => undefined)]);
      } catch {
        io.err(`alex: job ${jobId} did not finish within ${timeoutSeconds} s; see \`alex jobs show ${jobId}\``);
        return EXIT.failed;
      } finally {
        stopWatching();
        unsubscribe();
      }
      if (!outcome) {
        io.err(
          `alex: job ${jobId} cannot be planned: a message about it went to ${unplannable!.queue} (${unplannable!.reason}).`,
        );
        io.err(
          `alex: it will be marked failed at its deadline; fix the cause, then run \`alex dlq redrive\` to finish it.`,
        );
        if (values.json)
          io.out(
            JSON.stringify(
              { jobId, status: 'failed', reason: unplannable!.reason, deadLetterQueue: unplannable!.queue },
              null,
              2,
            ),
          );
        return EXIT.failed;
      }
      await runtime.idle(10_000).catch(() => undefined);

      const analysis = await getAnalysis(runtime.db, jobId);
      if (!analysis) {
        const reason = (outcome.detail as { reason?: string }).reason ?? 'no analysis was stored';
        io.err(`alex: analysis failed: ${reason}`);
        if (values.json) io.out(JSON.stringify({ jobId, status: 'failed', reason }, null, 2));
        return EXIT.failed;
      }
      const outDir = outDirChecked ?? resolve(io.cwd, `alex-output/${jobId}`);
      const files = writeAnalysisFiles(analysis, outDir);
      const summary = summarize(analysis, files);
      if (values.json) io.out(JSON.stringify(summary, null, 2));
      else printSummary(summary, io);
      return analysis.status === 'completed' ? EXIT.ok : analysis.status === 'partial' ? EXIT.partial : EXIT.failed;
    } finally {
      await runtime.close();
    }
  },
};

function printSummary(summary: ReturnType<typeof summarize>, io: Io): void {
  io.out('');
  io.out(`Analysis ${summary.status} for ${summary.owner} (job ${summary.jobId})`);
  io.out(`  Total value           ${summary.totalValue}`);
  io.out(`  Allocation            ${summary.allocation}`);
  if (summary.successProbability !== null) io.out(`  Retirement success    ${summary.successProbability}`);
  for (const missing of summary.missing) io.out(`  Missing               ${missing}`);
  if (summary.recommendations.length > 0) {
    io.out('  Top recommendations');
    for (const line of summary.recommendations.slice(0, 3)) io.out(`    - ${line}`);
  }
  io.out('  Files');
  for (const file of Object.values(summary.files)) io.out(`    ${file}`);
}

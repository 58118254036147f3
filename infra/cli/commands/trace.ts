/**
 * `alex trace <jobId>`: the job's spans as a waterfall, from the spans the local runtime kept in
 * the state folder while tracing was on (ALEX_TRACE=1, or an OTLP endpoint or LangFuse set).
 */

import { UUID_PATTERN } from '#events/values.ts';
import { statePaths } from '../../local/home.ts';
import { readStoredSpans, spansOfJob } from '../../telemetry/stored-span.ts';
import { type Command, EXIT, parse, stateHome, UsageError } from '../cli-kit.ts';
import { waterfallLines } from '../render/waterfall.ts';

const USAGE = `Usage: alex trace <jobId> [--home DIR] [--json]

Prints the job's spans as a waterfall: the request, each service's handling of each event, and
every model call (model, tokens), indented under the span that caused it, on the job's time line.
Spans are kept while tracing is on: set ALEX_TRACE=1 (or OTEL_EXPORTER_OTLP_ENDPOINT, or the
LANGFUSE_* keys) for \`alex analyze\` or \`alex serve\`.

  --home DIR  state folder (default ./.alex, or ALEX_HOME)
  --json      print the spans as JSON`;

export const traceCommand: Command = {
  name: 'trace',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parse(argv, { home: { type: 'string' }, json: { type: 'boolean' } }, this);
    if (values.help) {
      io.out(USAGE);
      return EXIT.ok;
    }
    const [jobId, ...extra] = positionals;
    if (!jobId || extra.length > 0) throw new UsageError(`trace takes one job id\n\n${USAGE}`);
    if (!UUID_PATTERN.test(jobId))
      throw new UsageError(`jobId: "${jobId}" is not a job id (a UUID, as \`alex jobs\` lists)`);
    const home = stateHome(values.home, io);
    const spans = spansOfJob(await readStoredSpans(statePaths(home).spans), jobId.toLowerCase());
    if (spans.length === 0) {
      io.err(
        `alex: no spans of job ${jobId} in ${home}; tracing was off when it ran. ` +
          'Set ALEX_TRACE=1 before `alex analyze` or `alex serve` to keep them.',
      );
      return EXIT.badInput;
    }
    if (values.json) io.out(JSON.stringify(spans, null, 2));
    else for (const line of waterfallLines(spans)) io.out(line);
    return EXIT.ok;
  },
};

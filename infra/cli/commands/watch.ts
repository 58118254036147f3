/**
 * `alex watch [jobId]`: a job live, from another terminal while `alex serve` or `alex analyze`
 * runs on the same home. On a terminal the view is redrawn in place a few times a second; into a
 * pipe or file it prints one plain line per change. It ends when the job ends (or --timeout).
 */
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { UUID_PATTERN } from '#events/values.ts';
import { type JobView, jobEnded, newestJob, viewJob } from '../../local/job-watch.ts';
import { type Command, EXIT, parse, stateHome, UsageError } from '../cli-kit.ts';
import { changeLines, watchScreen } from '../render/watch-view.ts';

const USAGE = `Usage: alex watch [jobId] [--timeout SECONDS] [--plain] [--home DIR]

Shows a job live from the moment it is sent (queued, planning, running, then how it ended):
one lane per service (queued, in flight, retrying k of n, failed,
dead-lettered, done), what the aggregator still waits for and the deadline countdown, queue
depths and the oldest message's age, each model call (model, tokens, latency) and the trace id.
Without a jobId, the newest job (waiting for one when there is none yet). Run it beside
\`alex serve\` or \`alex analyze\` on the same home; it ends when the job ends.

  --timeout SECONDS  stop watching after this long (default 600)
  --plain            one line per change, as when the output is not a terminal
  --home DIR         state folder (default ./.alex, or ALEX_HOME)`;

/** Refresh period: well within the second the view promises. */
const REFRESH_MS = 250;

export const watchCommand: Command = {
  name: 'watch',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parse(
      argv,
      { timeout: { type: 'string' }, plain: { type: 'boolean' }, home: { type: 'string' } },
      this,
    );
    if (values.help) {
      io.out(USAGE);
      return EXIT.ok;
    }
    if (positionals.length > 1) throw new UsageError(`watch takes at most one job id\n\n${USAGE}`);
    const [given] = positionals;
    if (given !== undefined && !UUID_PATTERN.test(given))
      throw new UsageError(`jobId: "${given}" is not a job id (a UUID, as \`alex jobs\` lists)`);
    const timeoutSeconds = values.timeout === undefined ? 600 : Number(values.timeout);
    if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0)
      throw new UsageError(`--timeout: "${values.timeout}" is not a positive number of seconds`);
    const home = stateHome(values.home, io);
    if (!existsSync(home)) throw new UsageError(`--home: ${home} does not exist; start \`alex serve\` there first`);
    const terminal = !values.plain && process.stdout.isTTY === true && io.env.TERM !== 'dumb';
    const started = Date.now();
    const until = started + timeoutSeconds * 1000;

    let jobId = given?.toLowerCase();
    let previous: JobView | undefined;
    let said = false;
    while (Date.now() < until) {
      jobId ??= newestJob(home);
      if (!jobId && !said) {
        io.err(`alex: waiting for a job in ${home}`);
        said = true;
      }
      if (jobId) {
        const view = await viewJob(home, jobId);
        if (terminal) {
          // Only the cursor-home and clear codes go out raw; the view's text is escaped by io.out.
          process.stdout.write('\u001b[H\u001b[2J');
          io.out(watchScreen(view, Date.now()).join('\n'));
        } else for (const line of changeLines(previous, view, Date.now() - started)) io.out(line);
        previous = view;
        if (jobEnded(view.status)) return EXIT.ok;
      }
      await sleep(REFRESH_MS);
    }
    io.err(`alex: stopped watching after ${timeoutSeconds} s (--timeout)${jobId ? `; job ${jobId} still runs` : ''}`);
    return EXIT.internal;
  },
};

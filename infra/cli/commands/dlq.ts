/**
 * `alex dlq list` and `alex dlq redrive`: what is in the dead-letter queues and why, and sending
 * it back to the source queues once the cause is fixed.
 */
import { type DeadLetterView, deadLettersInFiles, redriveAndSettle } from '../../local/dead-letters.ts';
import { lockHome } from '../../local/home.ts';
import { type HomeLock, readHomeOwner } from '../../local/home-lock.ts';
import { parseServiceName } from '../../local/replay.ts';
import { LocalRuntime } from '../../local/runtime.ts';
import { type Command, EXIT, type Io, parse, runtimeOptions, stateHome, UsageError } from '../cli-kit.ts';

const USAGE = `Usage: alex dlq list [--service NAME] [--home DIR] [--json]
       alex dlq redrive [--service NAME] [--home DIR] [--json]

list:    every dead letter with its queue, reason, receive count, when it was sent, and what it is.
redrive: moves the dead letters back to their source queues (receive count reset, as SQS
         redrive does), runs until settled, and reports which were processed and which came
         back to a DLQ, with the reason.

  --service NAME   only the queues this service consumes (the planner: alex-jobs and alex-planner)
  --home DIR       state folder (default ./.alex, or ALEX_HOME)
  --json           print JSON`;

export const dlqCommand: Command = {
  name: 'dlq',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parse(
      argv,
      { service: { type: 'string' }, home: { type: 'string' }, json: { type: 'boolean' } },
      this,
    );
    const [action, extra] = positionals;
    if (values.help || !action) {
      io.out(USAGE);
      return values.help ? EXIT.ok : EXIT.badInput;
    }
    if (action !== 'list' && action !== 'redrive') throw new UsageError(`unknown dlq action "${action}"\n\n${USAGE}`);
    if (extra !== undefined)
      throw new UsageError(`dlq ${action} takes no further arguments (got "${extra}")\n\n${USAGE}`);
    const service = values.service === undefined ? undefined : parseServiceName(values.service);

    const home = stateHome(values.home, io);
    if (action === 'list') {
      // The queue files say what the DLQs hold: read under a read lock, or beside a writer that
      // keeps them consistent for readers (snapshot written atomically, journal appended).
      const owner = readHomeOwner(home);
      let lock: HomeLock | undefined;
      if (owner?.mode === 'write')
        io.err(
          `alex: ${home} is in use by PID ${owner.pid} (alex ${owner.command}); showing what its files say so far`,
        );
      else lock = (await lockHome(home, 'dlq list', 'read')).lock;
      try {
        const letters = deadLettersInFiles(home, service);
        if (values.json) io.out(JSON.stringify(letters, null, 2));
        else if (letters.length === 0) io.out(`No dead letters${service ? ` for ${service}` : ''}.`);
        else printLetters(letters, io);
        return EXIT.ok;
      } finally {
        lock?.release();
      }
    }
    const runtime = await LocalRuntime.start({ home, ...runtimeOptions('dlq redrive', io) });
    try {
      const outcome = await redriveAndSettle(runtime, { ...(service ? { service } : {}), timeoutMs: 300_000 });
      if (values.json) {
        io.out(JSON.stringify(outcome, null, 2));
        return EXIT.ok;
      }
      const processed = outcome.redriven.length - outcome.returned.length;
      io.out(
        `Redrove ${outcome.redriven.length} dead letter(s): ${processed} processed, ${outcome.returned.length} back in a DLQ`,
      );
      for (const job of outcome.jobsFinished) io.out(`  job ${job.jobId}: ${job.outcome}`);
      if (outcome.returned.length > 0) {
        io.out('Back in a DLQ');
        printLetters(outcome.returned, io);
      }
      if (outcome.otherNewDeadLetters.length > 0) {
        io.out('Also dead-lettered meanwhile');
        printLetters(outcome.otherNewDeadLetters, io);
      }
      return EXIT.ok;
    } finally {
      await runtime.close();
    }
  },
};

function printLetters(letters: readonly DeadLetterView[], io: Io): void {
  for (const letter of letters) {
    io.out(`${letter.queue}  received ${letter.receiveCount}×  sent ${letter.sentAt}  ${letter.summary}`);
    io.out(`    reason: ${letter.reason}`);
  }
}

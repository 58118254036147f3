/**
 * `alex replay`: replays the local bus archive as EventBridge's StartReplay does, then runs until
 * settled and says what followed. Replaying finished jobs should publish nothing new, write no
 * consolidated analysis and call no model; the summary shows those numbers so anyone can check.
 */

import { modelFromEnv } from '#services/common/model/from-env.ts';
import { guarded } from '#services/common/model/guard.ts';
import {
  CountingModel,
  parseReplayWindow,
  parseServiceName,
  type ReplayOutcome,
  replayAndSettle,
} from '../../local/replay.ts';
import { LocalRuntime } from '../../local/runtime.ts';
import { type Command, EXIT, type Io, parse, runtimeOptions, stateHome, UsageError } from '../cli-kit.ts';

const USAGE = `Usage: alex replay [--since ISO] [--until ISO] [--service NAME] [--home DIR] [--json]

Re-publishes the archived events whose time is in [since, until) onto the local bus with
\`replay-name\` set, as an EventBridge replay does, to every rule or only to the rules feeding
the queues of --service (planner, tagger, reporter, charter, retirement, aggregator). Then runs
until every queue is empty and reports what followed: new events, consolidated analyses
written, model calls, and new dead letters.

  --since ISO      first event time to replay, e.g. 2026-11-20 or 2026-11-20T09:30:00Z (default: the start)
  --until ISO      replay events before this time (default: now)
  --service NAME   only this service's rules
  --home DIR       state folder (default ./.alex, or ALEX_HOME)
  --json           print one JSON object`;

export const replayCommand: Command = {
  name: 'replay',
  usage: USAGE,
  async run(argv, io) {
    const { values, positionals } = parse(
      argv,
      {
        since: { type: 'string' },
        until: { type: 'string' },
        service: { type: 'string' },
        home: { type: 'string' },
        json: { type: 'boolean' },
      },
      this,
    );
    if (values.help) {
      io.out(USAGE);
      return EXIT.ok;
    }
    if (positionals.length > 0)
      throw new UsageError(`replay takes no positional arguments (got "${positionals[0]}")\n\n${USAGE}`);
    const window = parseReplayWindow(values.since, values.until);
    const service = values.service === undefined ? undefined : parseServiceName(values.service);

    // Counting below the guard sees every request that would reach a provider, retries included.
    const model = new CountingModel(modelFromEnv(process.env).inner);
    let consolidatedWrites = 0;
    const runtime = await LocalRuntime.start({
      home: stateHome(values.home, io),
      model: guarded(model),
      hooks: { onConsolidatedWrite: () => (consolidatedWrites += 1) },
      ...runtimeOptions('replay', io),
    });
    // Work an interrupted command left was finished while starting; it is not the replay's doing.
    model.calls = 0;
    consolidatedWrites = 0;
    try {
      const outcome = await replayAndSettle(runtime, {
        ...window,
        ...(service ? { service } : {}),
        timeoutMs: 300_000,
      });
      const summary = { ...outcome, consolidatedWrites, modelCalls: model.calls };
      if (values.json) io.out(JSON.stringify(summary, null, 2));
      else print(summary, io);
      return EXIT.ok;
    } finally {
      await runtime.close();
    }
  },
};

function print(summary: ReplayOutcome & { consolidatedWrites: number; modelCalls: number }, io: Io): void {
  const window = `${summary.window.since ?? 'the start'} to ${summary.window.until}`;
  io.out(
    `Replay ${summary.replayName}: ${summary.replayed} archived events from ${window}, to ${summary.rules ? summary.rules.join(', ') : 'every rule'}`,
  );
  for (const [type, count] of Object.entries(summary.byDetailType)) io.out(`  ${String(count).padStart(5)}  ${type}`);
  io.out('Deliveries');
  for (const [rule, count] of Object.entries(summary.deliveries)) io.out(`  ${String(count).padStart(5)}  ${rule}`);
  io.out('Then');
  io.out(`  new events             ${summary.newEvents}${describeCounts(summary.newEventsByDetailType)}`);
  io.out(`  consolidated writes    ${summary.consolidatedWrites}`);
  io.out(`  model calls            ${summary.modelCalls}`);
  io.out(`  new dead letters       ${summary.newDeadLetters.length}`);
  for (const letter of summary.newDeadLetters) io.out(`    ${letter.queue}: ${letter.summary}: ${letter.reason}`);
}

function describeCounts(counts: Record<string, number>): string {
  const entries = Object.entries(counts);
  return entries.length === 0 ? '' : ` (${entries.map(([type, count]) => `${count} ${type}`).join(', ')})`;
}

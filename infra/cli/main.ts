/**
 * `alex`: the command line of the local runtime. Each command lives in commands/ and says its
 * own usage; this file only dispatches, loading just the command asked for: the runtime, the
 * databases and the AWS SDK cost a second to load, and `--help` or `test-pattern` need none.
 */

import { type Command, EXIT, type Io, report } from './cli-kit.ts';
import { escapingIo } from './terminal-text.ts';

export interface CommandEntry {
  name: string;
  summary: string;
  load: () => Promise<Command>;
}

export const COMMANDS: CommandEntry[] = [
  {
    name: 'analyze',
    summary: 'analyse a portfolio file end to end and write result.json, report.md, report.html',
    load: async () => (await import('./commands/analyze.ts')).analyzeCommand,
  },
  {
    name: 'knowledge',
    summary: 'add, list, remove or search the documents reports cite (the knowledge base)',
    load: async () => (await import('./commands/knowledge.ts')).knowledgeCommand,
  },
  {
    name: 'jobs',
    summary: 'list jobs, or show one job with its events in order',
    load: async () => (await import('./commands/jobs.ts')).jobsCommand,
  },
  {
    name: 'schedule',
    summary: "add, list or remove a user's scheduled analyses (alex serve fires them)",
    load: async () => (await import('./commands/schedule.ts')).scheduleCommand,
  },
  {
    name: 'events',
    summary: 'publish events as another system would, or test an event pattern',
    load: async () => (await import('./commands/events.ts')).eventsCommand,
  },
  {
    name: 'replay',
    summary: 'replay the event archive (all rules or one service) and show what it changed',
    load: async () => (await import('./commands/replay.ts')).replayCommand,
  },
  {
    name: 'dlq',
    summary: 'list dead letters with their reasons, or redrive them to their source queues',
    load: async () => (await import('./commands/dlq.ts')).dlqCommand,
  },
  {
    name: 'doctor',
    summary: 'check the state folder for damage; --repair fixes what can be',
    load: async () => (await import('./commands/doctor.ts')).doctorCommand,
  },
  {
    name: 'watch',
    summary: 'show a job live: each service, the queues, model calls, the deadline',
    load: async () => (await import('./commands/watch.ts')).watchCommand,
  },
  {
    name: 'trace',
    summary: "print a job's spans as a waterfall (kept when ALEX_TRACE=1 or an OTLP endpoint is set)",
    load: async () => (await import('./commands/trace.ts')).traceCommand,
  },
  {
    name: 'stats',
    summary: 'analyses completed/partial/failed, stage latency, model tokens and cost, dead letters',
    load: async () => (await import('./commands/stats.ts')).statsCommand,
  },
  {
    name: 'retirement',
    summary: 'simulate a withdrawal rate over history or Monte Carlo paths',
    load: async () => (await import('./commands/retirement.ts')).retirementCommand,
  },
  {
    name: 'serve',
    summary: 'run the local runtime behind the HTTP API until stopped',
    load: async () => {
      // First, for the life of the process: loading the server's modules alone grows V8's new space.
      (await import('./young-generation.ts')).capYoungGeneration();
      return (await import('./commands/serve.ts')).serveCommand;
    },
  },
  {
    name: 'token',
    summary: 'print a bearer token for the local API (alex serve)',
    load: async () => (await import('./commands/token.ts')).tokenCommand,
  },
  {
    name: 'endpoints',
    summary: 'run the local runtime behind AWS-compatible EventBridge and SQS endpoints',
    load: async () => (await import('./commands/endpoints.ts')).endpointsCommand,
  },
  {
    name: 'credentials',
    summary: 'print AWS_ENDPOINT_URL and a key pair for the local EventBridge and SQS endpoints',
    load: async () => (await import('./commands/credentials.ts')).credentialsCommand,
  },
];

const USAGE = `alex: portfolio analysis by a team of specialist services, on the embedded local runtime

Usage: alex <command> [options]      (alex <command> --help for details)

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(11)} ${command.summary}`).join('\n')}

State (database, queues, event archive) lives in ./.alex, or --home DIR, or ALEX_HOME.
Exit codes: 0 ok, 1 unexpected error, 2 bad input or usage, 3 analysis partial, 4 analysis failed.`;

export async function main(argv: string[], rawIo: Io = defaultIo()): Promise<number> {
  // User data (names, symbols, reasons) can hold control and bidi characters: escaped on every line.
  const io = escapingIo(rawIo);
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    io.out(USAGE);
    return name ? EXIT.ok : EXIT.badInput;
  }
  const entry = COMMANDS.find((candidate) => candidate.name === name);
  if (!entry) {
    io.err(`alex: unknown command "${name}"\n\n${USAGE}`);
    return EXIT.badInput;
  }
  try {
    const command = await entry.load();
    return await command.run(rest, io);
  } catch (error) {
    return report(error, io);
  }
}

export function defaultIo(): Io {
  return {
    out: (text) => process.stdout.write(text + '\n'),
    err: (text) => process.stderr.write(text + '\n'),
    cwd: process.cwd(),
    env: process.env,
  };
}

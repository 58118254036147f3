/**
 * `alex`: the command line of the local runtime. Each command lives in commands/ and says its
 * own usage; this file only dispatches.
 */

import { type Command, EXIT, type Io, report } from './cli-kit.ts';
import { analyzeCommand } from './commands/analyze.ts';
import { dlqCommand } from './commands/dlq.ts';
import { eventsCommand } from './commands/events.ts';
import { jobsCommand } from './commands/jobs.ts';
import { replayCommand } from './commands/replay.ts';
import { retirementCommand } from './commands/retirement.ts';
import { escapingIo } from './terminal-text.ts';

export const COMMANDS: Command[] = [
  analyzeCommand,
  jobsCommand,
  eventsCommand,
  replayCommand,
  dlqCommand,
  retirementCommand,
];

const USAGE = `alex: portfolio analysis by a team of specialist services, on the embedded local runtime

Usage: alex <command> [options]      (alex <command> --help for details)

Commands:
${COMMANDS.map((command) => `  ${command.name.padEnd(10)} ${command.summary}`).join('\n')}

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
  const command = COMMANDS.find((candidate) => candidate.name === name);
  if (!command) {
    io.err(`alex: unknown command "${name}"\n\n${USAGE}`);
    return EXIT.badInput;
  }
  try {
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

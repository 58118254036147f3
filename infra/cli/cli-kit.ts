/**
 * What every command shares: argument parsing with --help, and errors that map to exit codes
 * scripts can rely on. A user's mistake is one clear line on stderr, never a stack trace.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { InvalidInputError, NonRetryableError } from '#events/errors.ts';
import { endpointFile, recordedEndpoint } from '../local/aws-endpoints/keys.ts';
import { killAtFromEnv } from '../local/fault-switch.ts';
import { checkHomePath, defaultHome } from '../local/home.ts';
import { HomeInUseError } from '../local/home-lock.ts';
import { describeError, StateDamagedError } from '../local/state-errors.ts';
import { escapeForTerminal } from './terminal-text.ts';

export const EXIT = {
  ok: 0,
  /** Something unexpected broke: a bug or the environment. */
  internal: 1,
  /** The command line or an input file is wrong; nothing was written. */
  badInput: 2,
  /** The analysis finished as partial: some parts are missing. */
  partial: 3,
  /** The analysis failed: no consolidated result. */
  failed: 4,
} as const;

export class UsageError extends Error {}

export interface Command {
  name: string;
  usage: string;
  run(argv: string[], io: Io): Promise<number>;
}

export interface Io {
  out: (text: string) => void;
  err: (text: string) => void;
  cwd: string;
  env: NodeJS.ProcessEnv;
}

export function parse<O extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: O, command: Command) {
  try {
    return parseArgs({
      args: argv,
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n\n${command.usage}`);
  }
}

/** Turns an error into its exit code and one message; unexpected errors keep their stack for ALEX_DEBUG. */
export function report(error: unknown, io: Io): number {
  if (error instanceof HomeInUseError) {
    io.err(`alex: ${escapeForTerminal(homeInUseLine(error))}`);
    return EXIT.badInput;
  }
  if (error instanceof UsageError || error instanceof NonRetryableError) {
    io.err(`alex: ${escapeForTerminal(error.message)}`);
    return EXIT.badInput;
  }
  if (error instanceof StateDamagedError) {
    io.err(`alex: ${escapeForTerminal(error.message)}`);
    return EXIT.internal;
  }
  io.err(`alex: unexpected error: ${escapeForTerminal(describeError(error))}`);
  if (io.env.ALEX_DEBUG && error instanceof Error && error.stack) io.err(error.stack);
  else io.err('alex: set ALEX_DEBUG=1 to see where it happened.');
  return EXIT.internal;
}

/**
 * A server owner never finishes on its own and takes work over its API, so the way out differs:
 * use it, or stop it. Its URL is named when the server recorded one since it started.
 */
function homeInUseLine(error: HomeInUseError): string {
  const { home, owner } = error;
  if (owner.command !== 'serve') return error.message;
  let url: string | undefined;
  try {
    if (statSync(endpointFile(home)).mtimeMs >= Date.parse(owner.startedAt)) url = recordedEndpoint(home);
  } catch {
    // Not recorded yet (the server is still starting): the line goes without it.
  }
  return (
    `${home} is in use by PID ${owner.pid} (alex serve, since ${owner.startedAt}); ` +
    `${url ? `it serves ${url}: send work to its API` : 'send work to its API'}, ` +
    `or stop it (kill -TERM ${owner.pid}), or give another --home`
  );
}

/** Reads a JSON file a user named; a missing file or bad JSON is bad input, said plainly. */
export function readJsonFile(path: string, what: string): unknown {
  if (!existsSync(path)) throw new InvalidInputError(`${what} file not found: ${path}`);
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new InvalidInputError(`${what} file ${path} is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * The state folder a command uses: --home, else ALEX_HOME, else ./.alex; relative to the working
 * directory. Checked (and created) before any work, so a bad path is exit 2 with nothing written.
 */
export function stateHome(flag: string | undefined, io: Io): string {
  if (flag !== undefined && flag.trim() === '') throw new UsageError('--home: is empty; give a folder for the state');
  return checkHomePath(resolve(io.cwd, flag ?? defaultHome(io.cwd, io.env)), flag === undefined ? 'home' : '--home');
}

/** Runtime options every command passes: its name for the home's lock, and notices on stderr. */
export function runtimeOptions(command: string, io: Io) {
  // The process tier's fault switch (infra/local/faults.ts): unset for every user.
  return {
    command,
    onNotice: (line: string) => io.err(`alex: ${escapeForTerminal(line)}`),
    ...killAtFromEnv(io.env),
  };
}

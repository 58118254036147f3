/**
 * How a read-only command (`jobs`, `dlq list`) opens a home: when no writer owns it, its stores
 * directly (stored-state.ts: no runtime, nothing written, the lock held in read mode so a writer
 * waits a moment); when a writer owns it, only the files an owner keeps consistent for readers
 * (the append-only archive, the queue snapshot and journal), and says so.
 */
import { setFlagsFromString } from 'node:v8';
import { HomeInUseError, type HomeOwner, readHomeOwner } from '../local/home-lock.ts';
import { openStoredState, type StoredState } from '../local/stored-state.ts';
import { type Io, runtimeOptions } from './cli-kit.ts';

export type ReadableHome = { state: StoredState; owner?: undefined } | { state?: undefined; owner: HomeOwner };

export async function openForReading(home: string, command: string, io: Io): Promise<ReadableHome> {
  const owner = readHomeOwner(home);
  if (owner?.mode === 'write') return announce(home, owner, io);
  baselineWasmOnly();
  try {
    return { state: await openStoredState(home, runtimeOptions(command, io)) };
  } catch (error) {
    if (error instanceof HomeInUseError && error.owner.mode === 'write') return announce(home, error.owner, io);
    throw error;
  }
}

function announce(home: string, owner: HomeOwner, io: Io): ReadableHome {
  io.err(`alex: ${home} is in use by PID ${owner.pid} (alex ${owner.command}); showing what its files say so far`);
  return { owner };
}

/**
 * A look at the home runs a few queries and exits, so PGlite's WebAssembly (about 9 MB) is left
 * to V8's baseline compiler: optimising code that runs once cost half the command's CPU (`alex
 * jobs list` of 100 jobs: 0.9 s user before, 0.45 s after). The flag is process-wide and read when
 * a module compiles, so it is set before PGlite loads, and only by these one-shot commands.
 */
function baselineWasmOnly(): void {
  setFlagsFromString('--liftoff-only');
}

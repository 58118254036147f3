/**
 * How a read-only command (`jobs`, `dlq list`) opens a home: when no writer owns it, its stores
 * directly (stored-state.ts: no runtime, nothing written, the lock held in read mode so a writer
 * waits a moment); when a writer owns it, only the files an owner keeps consistent for readers
 * (the append-only archive, the queue snapshot and journal), and says so.
 */
import { HomeInUseError, type HomeOwner, readHomeOwner } from '../local/home-lock.ts';
import { openStoredState, type StoredState } from '../local/stored-state.ts';
import { compileWasmBaselineOnly } from '../storage/pglite.ts';
import { type Io, runtimeOptions } from './cli-kit.ts';

export type ReadableHome = { state: StoredState; owner?: undefined } | { state?: undefined; owner: HomeOwner };

export async function openForReading(home: string, command: string, io: Io): Promise<ReadableHome> {
  const owner = readHomeOwner(home);
  if (owner?.mode === 'write') return announce(home, owner, io);
  // One query and exit: PGlite's WebAssembly is not worth optimising.
  compileWasmBaselineOnly();
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

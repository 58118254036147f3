/**
 * One owner per state folder. A process that opens a home for the runtime holds `<home>/owner.lock`,
 * a JSON file naming its PID, command and start time, created with O_EXCL so two processes can
 * never both hold it. A lock whose process is gone (kill -9, power loss) is stale and is taken
 * over; the takeover itself is serialised by a second exclusive file, so two newcomers cannot
 * both take over the same stale lock. `acquireHomeLock` (writers, `alex serve`) and
 * `readHomeOwner` (readers deciding whether to read a snapshot instead) are the whole interface.
 */
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';

export const LOCK_FILE = 'owner.lock';

export interface HomeOwner {
  pid: number;
  /** What the owner runs, e.g. `analyze`, `serve`. */
  command: string;
  /** `read` owners only look; a writer waits briefly for them instead of refusing at once. */
  mode: 'read' | 'write';
  startedAt: string;
  host: string;
  /** The kernel's start time of the process (Linux), so a reused PID is not taken for the owner. */
  processStart?: string;
}

export interface HomeLock {
  readonly home: string;
  readonly owner: HomeOwner;
  /** The dead owner whose stale lock this one replaced: its work may be unfinished. */
  readonly tookOverFrom?: HomeOwner;
  /** Removes the lock if it is still ours; safe to call twice. */
  release(): void;
}

/** Another live process owns the home. The CLI turns this into exit 2 and one line. */
export class HomeInUseError extends Error {
  constructor(
    readonly home: string,
    readonly owner: HomeOwner,
  ) {
    super(
      `${home} is in use by PID ${owner.pid} (alex ${owner.command}, since ${owner.startedAt}); ` +
        `wait for it to finish, or give another --home`,
    );
    this.name = 'HomeInUseError';
  }
}

export interface AcquireOptions {
  mode?: 'read' | 'write';
  /** How long to wait for a live owner to let go (readers are brief). Default: 10 s for a read owner, 0 otherwise. */
  waitMs?: number;
}

/** Takes the home's lock, or throws HomeInUseError naming the live owner. */
export async function acquireHomeLock(home: string, command: string, options: AcquireOptions = {}): Promise<HomeLock> {
  const mode = options.mode ?? 'write';
  const file = join(home, LOCK_FILE);
  const started = Date.now();
  for (let attempt = 0; ; attempt++) {
    const owner: HomeOwner = {
      pid: process.pid,
      command,
      mode,
      startedAt: new Date().toISOString(),
      host: hostname(),
      ...processStartOf(process.pid),
    };
    if (createExclusive(file, owner)) return lockHandle(home, file, owner);
    const current = readOwnerFile(file);
    if (current === 'missing') continue;
    if (current === 'unreadable' && ageMs(file) < 2000) {
      // Probably being written right now by a newcomer that won the O_EXCL create.
      await new Promise((resolve) => setTimeout(resolve, 20));
      continue;
    }
    if (current === 'unreadable' || !isAlive(current)) {
      const previous = current === 'unreadable' ? undefined : current;
      if (takeOver(home, file, owner, current)) return lockHandle(home, file, owner, previous);
      await new Promise((resolve) => setTimeout(resolve, 20));
      continue;
    }
    const waitMs = options.waitMs ?? (current.mode === 'read' ? 10_000 : 0);
    if (Date.now() - started >= waitMs) throw new HomeInUseError(home, current);
    await new Promise((resolve) => setTimeout(resolve, Math.min(50 + attempt * 10, 200)));
  }
}

/** The live owner of a home, or undefined when nobody (or only a dead process) holds it. */
export function readHomeOwner(home: string): HomeOwner | undefined {
  const current = readOwnerFile(join(home, LOCK_FILE));
  return typeof current === 'object' && isAlive(current) ? current : undefined;
}

/** Whether the process named in a lock still runs (on this host; another host's owner is assumed alive). */
export function isAlive(owner: HomeOwner): boolean {
  if (owner.host !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
  }
  // The PID runs; it is the owner only if it started when the owner did (PIDs are reused).
  const now = processStartOf(owner.pid).processStart;
  return !(owner.processStart && now && owner.processStart !== now);
}

function lockHandle(home: string, file: string, owner: HomeOwner, tookOverFrom?: HomeOwner): HomeLock {
  let released = false;
  return {
    home,
    owner,
    ...(tookOverFrom ? { tookOverFrom } : {}),
    release() {
      if (released) return;
      released = true;
      const current = readOwnerFile(file);
      if (typeof current !== 'object' || current.pid !== owner.pid || current.startedAt !== owner.startedAt) return;
      if (owner.mode === 'read' && tookOverFrom) {
        // A reader finished nothing the dead owner left: the next writer must still see it died.
        const temporary = `${file}.${process.pid}.tmp`;
        rmSync(temporary, { force: true });
        if (createExclusive(temporary, tookOverFrom)) renameSync(temporary, file);
      } else rmSync(file, { force: true });
    },
  };
}

function ageMs(file: string): number {
  try {
    return Date.now() - statSync(file).mtimeMs;
  } catch {
    return 0;
  }
}

function createExclusive(file: string, owner: HomeOwner): boolean {
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, JSON.stringify(owner));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Replaces a stale lock. Only the holder of `owner.lock.takeover` may do it, and it checks again
 * that the lock is still the stale one it saw, so a newcomer never removes a lock just taken by
 * another. A takeover file left by a process killed mid-takeover is stale after 10 s.
 */
function takeOver(home: string, file: string, owner: HomeOwner, seen: HomeOwner | 'unreadable'): boolean {
  const guard = join(home, `${LOCK_FILE}.takeover`);
  if (!createExclusive(guard, owner)) {
    if (ageMs(guard) > 10_000) rmSync(guard, { force: true });
    return false;
  }
  try {
    const current = readOwnerFile(file);
    const same =
      current === 'missing' ||
      (current === 'unreadable' && seen === 'unreadable') ||
      (typeof current === 'object' &&
        typeof seen === 'object' &&
        current.pid === seen.pid &&
        current.startedAt === seen.startedAt);
    if (!same) return false;
    const temporary = `${file}.${process.pid}.tmp`;
    rmSync(temporary, { force: true });
    if (!createExclusive(temporary, owner)) return false;
    renameSync(temporary, file);
    return true;
  } finally {
    rmSync(guard, { force: true });
  }
}

function readOwnerFile(file: string): HomeOwner | 'missing' | 'unreadable' {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as HomeOwner;
    return Number.isInteger(parsed.pid) && typeof parsed.command === 'string' ? parsed : 'unreadable';
  } catch {
    // Created but not yet written (its owner was killed between open and write), or damaged.
    return 'unreadable';
  }
}

/** Field 22 of /proc/<pid>/stat: when the process started, in clock ticks since boot. */
function processStartOf(pid: number): { processStart?: string } {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return fields[19] ? { processStart: fields[19] } : {};
  } catch {
    return {};
  }
}

/**
 * A full garbage collection once `alex serve`'s bus has been silent for 500 ms after an analysis
 * ended (another analysis still running keeps it waiting). An analysis leaves
 * about 15 MB of dead typed arrays (the Monte Carlo draws) in V8's old generation; V8 collects
 * them only when 64 MB of such memory has piled up or much later when idle, so an idle server
 * held 10–70 MB of them (malloc'd outside V8's heap), the largest swing in its memory. Collected
 * when the work stops, the next analysis reuses that memory instead of adding to it.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

type Collect = (options: { type: 'major'; execution: 'async' }) => Promise<void>;

/** Quiet this long after the last analysis ended before collecting. */
export const QUIET_MS = 500;

export interface AfterWorkCollector {
  /** An analysis ended: collect once the bus has been silent for `quietMs`. */
  workEnded(): void;
  /** Any other event: work goes on, so a collection owed waits for the next silence. */
  workSeen(): void;
  stop(): void;
}

export function collectAfterWork(quietMs = QUIET_MS): AfterWorkCollector {
  const collect = exposedGc();
  let owed = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      owed = false;
      // Incremental and concurrent ('async'): the main thread is not held for a whole collection.
      void collect({ type: 'major', execution: 'async' });
    }, quietMs);
    timer.unref();
  };
  return {
    workEnded() {
      owed = true;
      arm();
    },
    // Under steady work V8's own schedule is the right one; this is for the lull after it.
    workSeen() {
      if (owed) arm();
    },
    stop() {
      clearTimeout(timer);
    },
  };
}

/**
 * V8's `gc` function, taken from a fresh context while `--expose-gc` is on, then switched off
 * again so no later context gets the global: Node offers no other way to ask for a collection.
 */
function exposedGc(): Collect {
  setFlagsFromString('--expose-gc');
  try {
    return runInNewContext('gc') as Collect;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}

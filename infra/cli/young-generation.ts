/**
 * Caps V8's young generation for a long-running `alex serve` from inside the process. V8 sizes
 * the new space's ceiling (`--max-semi-space-size`, 32 MB of new space here) when the isolate
 * starts, so setting it later does nothing; but it grows the new space step by step, by
 * `--semi-space-growth-factor`, which V8 reads at every step. Setting that factor to 1 once the
 * new space has reached the cap stops it there — the effect of `--max-semi-space-size` without a
 * start-up flag, so `alex serve` stays one process that `node bin/alex.mjs serve` starts.
 */
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/** New space (both semi-spaces) an idle server keeps: 8 MB, `--max-semi-space-size=4`'s. */
export const YOUNG_GENERATION_CAP_BYTES = 8 * 1024 * 1024;
/** V8's default growth factor, restored below the cap so a shrunk new space can grow back to it. */
const DEFAULT_GROWTH_FACTOR = 2;

/**
 * Watches every garbage collection (V8 grows the new space only at the end of one) and sets the
 * growth factor by the new space's size: 1 at or above `capBytes`, V8's default below. Node tells
 * of a collection after the task that ran it, so one synchronous task that keeps more than the
 * cap alive through several scavenges could grow it one step past (a server's requests are far
 * smaller); V8's own ceiling still holds. Process-wide, like every V8 flag, so worker threads
 * stop growing too. Returns the function that stops watching.
 */
export function capYoungGeneration(capBytes = YOUNG_GENERATION_CAP_BYTES): () => void {
  let factor = DEFAULT_GROWTH_FACTOR;
  const apply = () => {
    const wanted = newSpaceBytes() >= capBytes ? 1 : DEFAULT_GROWTH_FACTOR;
    if (wanted === factor) return;
    factor = wanted;
    setFlagsFromString(`--semi-space-growth-factor=${wanted}`);
  };
  const observer = new PerformanceObserver(apply);
  observer.observe({ entryTypes: ['gc'] });
  apply();
  return () => {
    observer.disconnect();
    if (factor !== DEFAULT_GROWTH_FACTOR) setFlagsFromString(`--semi-space-growth-factor=${DEFAULT_GROWTH_FACTOR}`);
  };
}

/** The new space's committed size: both semi-spaces, as V8 reports it. */
export function newSpaceBytes(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
}

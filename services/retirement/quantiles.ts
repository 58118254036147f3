/**
 * Order statistics for the engine's yearly percentile bands: type-7 quantiles of a column of
 * path balances, by quickselect or — for large sets of non-negative values — by a histogram on
 * the doubles' high words. Every function may reorder the values it is given.
 */

/**
 * Quantiles of values[0..n) by linear interpolation between order statistics (Hyndman–Fan type 7,
 * the default of numpy and R). May reorder values[0..n). probabilities must be ascending.
 */
export function quantilesInPlace(
  values: Float64Array,
  n: number,
  probabilities: readonly number[],
  out: Float64Array,
): Float64Array {
  if (n < 1) throw new RangeError('quantiles of an empty set');
  const ranks: number[] = [];
  for (const p of probabilities) {
    const lower = Math.floor((n - 1) * p);
    ranks.push(lower, Math.min(lower + 1, n - 1));
  }
  const wanted = [...new Set(ranks)].sort((a, b) => a - b);
  const found =
    (n >= HISTOGRAM_MIN_N && orderStatisticsByHistogram(values, n, wanted)) ||
    orderStatisticsBySelection(values, n, wanted);
  probabilities.forEach((p, j) => {
    const h = (n - 1) * p;
    const lower = Math.floor(h);
    const low = found.get(lower)!;
    const fraction = h - lower;
    out[j] = fraction === 0 ? low : low + fraction * (found.get(lower + 1)! - low);
  });
  return out;
}

function orderStatisticsBySelection(values: Float64Array, n: number, ranks: number[]): Map<number, number> {
  multiSelect(values, ranks, 0, ranks.length - 1, 0, n - 1);
  return new Map(ranks.map((rank) => [rank, values[rank]!]));
}

// Selection on fresh random data is bound by branch mispredictions (about 0.3 ms for 10,000
// values, 18 ms for a 60-year simulation). For the balances — never negative — a histogram on
// the high 32 bits of each double (whose order is the values' order for non-negative doubles)
// finds the few bins holding the wanted ranks in two nearly branch-free passes, and only those
// bins' values are gathered and sorted: exact, and several times faster.
const HISTOGRAM_MIN_N = 1024;
const HISTOGRAM_BITS = 13;
const HIGH_WORD = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1 ? 1 : 0; // little-endian: word 1
const binCounts = new Int32Array((1 << HISTOGRAM_BITS) + 2);
const binMarks = new Uint8Array((1 << HISTOGRAM_BITS) + 2);
let gathered = new Float64Array(0);

/** Exact order statistics of non-negative values; undefined when some value is negative or NaN. */
function orderStatisticsByHistogram(values: Float64Array, n: number, ranks: number[]): Map<number, number> | undefined {
  const words = new Uint32Array(values.buffer, values.byteOffset, 2 * n);
  let zeros = 0;
  let minHigh = 0xffffffff;
  let maxHigh = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v > 0) {
      const high = words[2 * i + HIGH_WORD]!;
      if (high < minHigh) minHigh = high;
      if (high > maxHigh) maxHigh = high;
    } else if (v === 0) zeros++;
    else return undefined;
  }
  const result = new Map<number, number>();
  if (zeros === n) {
    for (const rank of ranks) result.set(rank, 0);
    return result;
  }
  const span = maxHigh - minHigh;
  const shift = Math.max(0, 32 - Math.clz32(span) - HISTOGRAM_BITS);
  const bins = (span >>> shift) + 2; // bin 0 holds the zeros
  binCounts.fill(0, 0, bins);
  binCounts[0] = zeros;
  for (let i = 0; i < n; i++) {
    if (values[i]! !== 0) binCounts[1 + ((words[2 * i + HIGH_WORD]! - minHigh) >>> shift)]!++;
  }
  // Locate each wanted rank's bin and its offset within the bin.
  const rankBins: number[] = [];
  const rankOffsets: number[] = [];
  let before = 0;
  let next = 0;
  for (let bin = 0; bin < bins && next < ranks.length; bin++) {
    const count = binCounts[bin]!;
    while (next < ranks.length && ranks[next]! < before + count) {
      rankBins.push(bin);
      rankOffsets.push(ranks[next]! - before);
      if (bin > 0) binMarks[bin] = 1;
      next++;
    }
    before += count;
  }
  let size = 0;
  for (const bin of new Set(rankBins)) if (bin > 0) size += binCounts[bin]!;
  if (gathered.length < size) gathered = new Float64Array(Math.max(size, 1024));
  let g = 0;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v !== 0 && binMarks[1 + ((words[2 * i + HIGH_WORD]! - minHigh) >>> shift)] === 1) gathered[g++] = v;
  }
  gathered.subarray(0, g).sort();
  // Marked bins are disjoint value ranges, so the sorted values come bin by bin in bin order.
  const startOfBin = new Map<number, number>();
  let start = 0;
  for (const bin of [...new Set(rankBins)].filter((bin) => bin > 0).sort((a, b) => a - b)) {
    startOfBin.set(bin, start);
    start += binCounts[bin]!;
    binMarks[bin] = 0;
  }
  ranks.forEach((rank, i) => {
    const bin = rankBins[i]!;
    result.set(rank, bin === 0 ? 0 : gathered[startOfBin.get(bin)! + rankOffsets[i]!]!);
  });
  return result;
}

export function quantileInPlace(values: Float64Array, n: number, probability: number): number {
  return quantilesInPlace(values, n, [probability], new Float64Array(1))[0]!;
}

/** Puts every requested order statistic in place by recursive selection on shrinking ranges. */
function multiSelect(
  values: Float64Array,
  indices: number[],
  from: number,
  to: number,
  left: number,
  right: number,
): void {
  if (from > to || left > right) return;
  const middle = (from + to) >>> 1;
  const k = indices[middle]!;
  selectInPlace(values, k, left, right);
  multiSelect(values, indices, from, middle - 1, left, k - 1);
  multiSelect(values, indices, middle + 1, to, k + 1, right);
}

/**
 * Quickselect (Numerical Recipes' `select`: median-of-three pivot, Hoare partition, iterative):
 * afterwards values[k] holds the k-th smallest of values[left..right], with smaller-or-equal
 * values before it and larger-or-equal after it. Stays linear with many equal values (depleted
 * paths are all zero). Used for small sets and as the fallback of the histogram method below.
 */
export function selectInPlace(values: Float64Array, k: number, left: number, right: number): void {
  let l = left;
  let r = right;
  for (;;) {
    if (r <= l + 1) {
      if (r === l + 1 && values[r]! < values[l]!) swap(values, l, r);
      return;
    }
    swap(values, (l + r) >>> 1, l + 1);
    if (values[l]! > values[r]!) swap(values, l, r);
    if (values[l + 1]! > values[r]!) swap(values, l + 1, r);
    if (values[l]! > values[l + 1]!) swap(values, l, l + 1);
    const pivot = values[l + 1]!;
    let i = l + 1;
    let j = r;
    for (;;) {
      do i++;
      while (values[i]! < pivot);
      do j--;
      while (values[j]! > pivot);
      if (j < i) break;
      swap(values, i, j);
    }
    values[l + 1] = values[j]!;
    values[j] = pivot;
    if (j >= k) r = j - 1;
    if (j <= k) l = i;
  }
}

function swap(values: Float64Array, a: number, b: number): void {
  const t = values[a]!;
  values[a] = values[b]!;
  values[b] = t;
}

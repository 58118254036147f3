/**
 * The stand-in embedding the loopback embedders answer with, simple enough to work out by hand:
 * letter `a`..`z` counts in components 0..25 (case folded, anything else ignored), the rest zero.
 * `"aab"` is [2, 1, 0, …], whose unit vector is [2, 1, 0, …]/√5.
 */
export function letterCounts(text: string, dimension: number): number[] {
  const counts = new Array<number>(dimension).fill(0);
  for (const c of text.toLowerCase()) {
    const at = c.charCodeAt(0) - 97;
    if (at >= 0 && at < 26 && at < dimension) counts[at]! += 1;
  }
  return counts;
}

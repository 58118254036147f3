/**
 * Reciprocal rank fusion (Cormack, Clarke and Büttcher, SIGIR 2009): a key's fused score is the
 * sum over the rankings that hold it of 1 / (k + rank), rank counted from 1, with k = 60 as in
 * the paper. Only ranks matter, so BM25 scores and cosines need no common scale.
 */
export const RRF_K = 60;

export function reciprocalRankFusion(
  rankings: ReadonlyArray<readonly string[]>,
  k: number = RRF_K,
): Array<{ key: string; score: number }> {
  const scores = new Map<string, number>();
  for (const ranking of rankings) {
    ranking.forEach((key, index) => scores.set(key, (scores.get(key) ?? 0) + 1 / (k + index + 1)));
  }
  // Ties (equal fused scores) keep the order keys were first met in, so the result is deterministic.
  return [...scores].map(([key, score]) => ({ key, score })).sort((a, b) => b.score - a.score);
}

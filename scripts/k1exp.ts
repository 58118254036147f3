import { Bm25Index } from '#services/researcher/bm25.ts';
import { evaluate } from '#services/researcher/evaluation.ts';
import { reciprocalRankFusion } from '#services/researcher/fusion.ts';
import { indexedText } from '#services/researcher/ingest.ts';
import { OfflineHashingEmbedder } from '#services/researcher/offline-embedder.ts';
import { loadRetrievalSet } from '#test/support/retrieval-set.ts';

const set = loadRetrievalSet();
const docs = set.passages.map((p) => ({ key: p.id, text: indexedText(p.title, p.text) }));
const bm = new Bm25Index(docs);
const emb = new OfflineHashingEmbedder(Number(process.env.DIM ?? 512));
const vecs = await emb.embed(
  docs.map((d) => d.text),
  'passage',
);
const cos = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);
const runs: Record<string, Map<string, string[]>> = { bm25: new Map(), vec: new Map(), hyb: new Map() };
for (const [qid, q] of set.queries) {
  const l = bm.search(q, 50).map((r) => r.key);
  const [qv] = await emb.embed([q], 'query');
  const v = docs
    .map((d, i) => ({ key: d.key, s: cos(qv!, vecs[i]!) }))
    .sort((a, b) => b.s - a.s)
    .slice(0, 50)
    .map((r) => r.key);
  runs.bm25!.set(qid, l.slice(0, 10));
  runs.vec!.set(qid, v.slice(0, 10));
  runs.hyb!.set(
    qid,
    reciprocalRankFusion([l, v])
      .slice(0, 10)
      .map((r) => r.key),
  );
}
for (const [name, run] of Object.entries(runs)) {
  const e = evaluate(run, set.qrels);
  const byKind: Record<string, number[]> = {};
  for (const [qid, s] of e.perQuery) (byKind[set.kinds.get(qid)!] ??= []).push(s.ndcgAt10);
  console.log(
    name,
    e.ndcgAt10.toFixed(4),
    e.recallAt5.toFixed(4),
    e.mrr.toFixed(4),
    Object.entries(byKind)
      .map(([k, v]) => `${k}:${(v.reduce((a, b) => a + b, 0) / v.length).toFixed(3)}`)
      .join(' '),
  );
}

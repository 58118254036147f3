import { describe, expect, it } from 'vitest';
import { loadRetrievalSet, readQrelsText } from '#test/support/retrieval-set.ts';

const set = loadRetrievalSet();
const words = (text: string) => text.split(/\s+/).filter(Boolean).length;

/** Content words, crudely stemmed; written here, apart from any embedder or lexical index under test. */
const STOP = new Set(
  'a an the of in on at to for and or is are was be been it its i my me we our you your do does did what which who how why when with as by from that this these those there than then so if not no can could should would will must about after before into over under all any each own s'.split(
    ' ',
  ),
);
function vocabulary(text: string): Set<string> {
  const out = new Set<string>();
  for (const raw of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    if (STOP.has(raw)) continue;
    const suffix = ['ies', 'es', 's', 'ing', 'ed'].find((s) => raw.endsWith(s) && raw.length > s.length + 2);
    out.add(suffix ? raw.slice(0, -suffix.length) : raw);
  }
  return out;
}

describe('the retrieval evaluation set', () => {
  it('has at least 150 passages with unique ids, a title, a source and 40 to 150 words of text', () => {
    expect(set.passages.length).toBeGreaterThanOrEqual(150);
    expect(new Set(set.passages.map((p) => p.id)).size).toBe(set.passages.length);
    for (const p of set.passages) {
      expect(p.id).toMatch(/^p\d{3}$/);
      expect(words(p.text), p.id).toBeGreaterThanOrEqual(40);
      expect(words(p.text), p.id).toBeLessThanOrEqual(150);
    }
  });

  it('has at least 60 queries, every one judged with at least one passage graded 2 or more', () => {
    expect(set.queries.size).toBeGreaterThanOrEqual(60);
    for (const qid of set.queries.keys()) {
      const grades = [...(set.qrels.get(qid)?.values() ?? [])];
      expect(Math.max(0, ...grades), qid).toBeGreaterThanOrEqual(2);
    }
  });

  it('writes qrels as TREC lines "qid 0 passageId grade" with grades 0 to 3 that resolve to known ids', () => {
    const ids = new Set(set.passages.map((p) => p.id));
    const lines = readQrelsText().split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(set.queries.size);
    for (const line of lines) {
      const [qid, iteration, pid, grade] = line.split(' ');
      expect(line).toMatch(/^\S+ 0 \S+ [0-3]$/);
      expect(iteration).toBe('0');
      expect(set.queries.has(qid ?? ''), line).toBe(true);
      expect(ids.has(pid ?? ''), line).toBe(true);
      expect(Number(grade)).toBeLessThanOrEqual(3);
    }
  });

  it('gives many queries several relevant passages and judges distractors as not relevant', () => {
    const several = [...set.qrels.values()].filter((j) => [...j.values()].filter((g) => g >= 1).length >= 2);
    expect(several.length).toBeGreaterThanOrEqual(30);
    const distractors = new Set(set.passages.filter((p) => p.source.startsWith('Distractor')).map((p) => p.id));
    expect(distractors.size).toBeGreaterThanOrEqual(15);
    const judgedZero = [...set.qrels.values()].flatMap((j) =>
      [...j].filter(([id, g]) => distractors.has(id) && g === 0),
    );
    expect(judgedZero.length).toBeGreaterThanOrEqual(15);
    // No distractor is ever judged relevant: they share words with queries, not meaning.
    for (const judged of set.qrels.values()) for (const id of distractors) expect(judged.get(id) ?? 0).toBe(0);
  });

  it('marks every query paraphrase, keyword or mixed, with at least 20 paraphrases', () => {
    expect([...set.kinds.keys()].sort()).toEqual([...set.queries.keys()].sort());
    const counts = { paraphrase: 0, keyword: 0, mixed: 0 };
    for (const kind of set.kinds.values()) counts[kind]++;
    expect(counts.paraphrase).toBeGreaterThanOrEqual(20);
    expect(counts.keyword).toBeGreaterThanOrEqual(10);
  });

  it('words paraphrases so that they share little vocabulary with the passages that answer them', () => {
    const text = new Map(set.passages.map((p) => [p.id, `${p.title} ${p.text}`]));
    // Per query: the largest share of its content words found in any passage graded 2 or more.
    const overlap = (qid: string) => {
      const q = vocabulary(set.queries.get(qid) ?? '');
      const best = [...(set.qrels.get(qid) ?? [])].filter(([, g]) => g >= 2).map(([id]) => id);
      return Math.max(...best.map((id) => [...q].filter((w) => vocabulary(text.get(id) ?? '').has(w)).length / q.size));
    };
    const mean = (kind: string) => {
      const qids = [...set.kinds].filter(([, k]) => k === kind).map(([qid]) => qid);
      return qids.reduce((sum, qid) => sum + overlap(qid), 0) / qids.length;
    };
    for (const [qid, kind] of set.kinds) if (kind === 'paraphrase') expect(overlap(qid), qid).toBeLessThanOrEqual(0.34);
    expect(mean('paraphrase')).toBeLessThan(0.25);
    expect(mean('keyword')).toBeGreaterThan(0.75);
  });
});

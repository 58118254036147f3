import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  evaluate,
  formatRun,
  ndcgAt,
  parsePassages,
  parseQrels,
  parseQueries,
  parseRun,
  recallAt,
  reciprocalRank,
  TrecFormatError,
} from '#services/researcher/evaluation.ts';

const judged = (entries: Record<string, number>) => new Map(Object.entries(entries));

// log2 values used below: log2(2) = 1, log2(3) = 1.5849625, log2(4) = 2, log2(5) = 2.3219281,
// log2(6) = 2.5849625, log2(7) = 2.8073549. Gains are 2^grade − 1: grade 1 → 1, 2 → 3, 3 → 7.
const q1 = judged({ a: 3, b: 2, c: 0, d: 1 });
const q1Run = ['c', 'b', 'x', 'a', 'd'];
// DCG  = 0/1 + 3/1.5849625 + 0/2 + 7/2.3219281 + 1/2.5849625 = 1.8927893 + 3.0147313 + 0.3868528 = 5.2943734
// IDCG = 7/1 + 3/1.5849625 + 1/2 + 0/2.3219281 = 9.3927893 (grades 3, 2, 1, 0 in order)
const q1Ndcg = 5.2943734 / 9.3927893; // 0.5636641
const q2 = judged({ e: 1, f: 0 });
const q2Run = ['g', 'h', 'i', 'j', 'k', 'e'];
const q2Ndcg = 1 / 2.8073549; // e at rank 6 over an ideal of 1/1 = 0.3562072

describe('nDCG@10', () => {
  it('discounts graded gains by log2(rank + 1) and divides by the ideal ordering of the judgments', () => {
    expect(ndcgAt(q1Run, q1, 10)).toBeCloseTo(q1Ndcg, 6);
    expect(ndcgAt(q2Run, q2, 10)).toBeCloseTo(q2Ndcg, 6);
  });

  it('is 1 for the ideal ordering and 0 when nothing relevant is in the first ten', () => {
    expect(ndcgAt(['a', 'b', 'd'], q1, 10)).toBeCloseTo(1, 12);
    expect(ndcgAt(['z1', 'z2', 'z3', 'z4', 'z5', 'z6', 'z7', 'z8', 'z9', 'z10', 'a'], q1, 10)).toBe(0);
  });

  it('ranks a grade-3 passage above two grade-1 passages in value (gain 7 against 1 + 1)', () => {
    const qrels = judged({ best: 3, ok1: 1, ok2: 1 });
    // best first: 7/1 + 1/1.5849625 + 1/2 = 8.1309298 = the ideal; ok1, ok2 first: 1 + 0.6309298 + 7/2 = 5.1309298
    expect(ndcgAt(['best', 'ok1', 'ok2'], qrels, 10)).toBeCloseTo(1, 12);
    expect(ndcgAt(['ok1', 'ok2', 'best'], qrels, 10)).toBeCloseTo(5.1309298 / 8.1309298, 6);
  });

  it('counts a passage listed twice once, at its first rank', () => {
    // ['b', 'b', 'a'] is read as ['b', 'a']: 3/1 + 7/1.5849625 = 3 + 4.4165083 = 7.4165083 over the IDCG 9.3927893
    expect(ndcgAt(['b', 'b', 'a'], q1, 10)).toBeCloseTo(7.4165083 / 9.3927893, 6);
  });
});

describe('queries with nothing relevant', () => {
  it('score 0 on every measure rather than dividing by zero', () => {
    const none = judged({ a: 0, b: 0 });
    expect(ndcgAt(['a', 'b'], none, 10)).toBe(0);
    expect(recallAt(['a', 'b'], none, 5)).toBe(0);
    expect(reciprocalRank(['a', 'b'], none)).toBe(0);
    expect(evaluate(new Map([['q', ['a']]]), new Map([['q', none]]))).toMatchObject({
      queries: 0,
      ndcgAt10: 0,
      mrr: 0,
    });
  });
});

describe('recall@5', () => {
  it('counts passages graded 1 or more found in the first five, over all relevant ones', () => {
    expect(recallAt(q1Run, q1, 5)).toBe(1); // b, a, d of {a, b, d}
    expect(recallAt(['a', 'x', 'y', 'z', 'w', 'b'], q1, 5)).toBeCloseTo(1 / 3, 12); // b is sixth
    expect(recallAt(q2Run, q2, 5)).toBe(0); // e is sixth
  });
});

describe('MRR', () => {
  it('takes the reciprocal rank of the first passage graded 1 or more, with no cutoff', () => {
    expect(reciprocalRank(q1Run, q1)).toBe(1 / 2); // c is graded 0, b at rank 2
    expect(reciprocalRank(q2Run, q2)).toBe(1 / 6);
    expect(reciprocalRank(['x', 'f'], q2)).toBe(0);
  });
});

describe('evaluate', () => {
  it('averages over every query with a relevant judgment, scoring a query missing from the run as 0', () => {
    const qrels = new Map([
      ['q1', q1],
      ['q2', q2],
      ['q3', judged({ n: 0 })], // nothing relevant: left out of the means
      ['q4', judged({ m: 2 })], // judged but absent from the run: zeros
    ]);
    const run = new Map([
      ['q1', q1Run],
      ['q2', q2Run],
      ['q3', ['n']],
      ['q9', ['zzz']], // not judged: ignored
    ]);
    const result = evaluate(run, qrels);
    expect(result.queries).toBe(3);
    // (0.5636641 + 0.3562072 + 0) / 3 = 0.3066238
    expect(result.ndcgAt10).toBeCloseTo(0.3066238, 6);
    expect(result.recallAt5).toBeCloseTo((1 + 0 + 0) / 3, 12);
    expect(result.mrr).toBeCloseTo((1 / 2 + 1 / 6 + 0) / 3, 12); // 0.2222222
    expect(result.perQuery.get('q4')).toEqual({ ndcgAt10: 0, recallAt5: 0, mrr: 0 });
  });
});

describe('TREC formats', () => {
  it('reads qrels lines as query, iteration, passage and integer grade, skipping blanks and comments', () => {
    const qrels = parseQrels('# judged by hand\nq1 0 p001 3\nq1 0 p002 0\n\nq2\t0\tp003\t2\n');
    expect(qrels.get('q1')).toEqual(
      new Map([
        ['p001', 3],
        ['p002', 0],
      ]),
    );
    expect(qrels.get('q2')).toEqual(new Map([['p003', 2]]));
  });

  it('refuses a malformed qrels line, naming the line and the expected shape', () => {
    expect(() => parseQrels('q1 0 p001 3\nq1 0 p002 high\n')).toThrow(/qrels line 2: expected "qid 0 docno grade"/);
    expect(() => parseQrels('q1 0 p001 3\nq1 0 p001 2\n')).toThrow(TrecFormatError);
  });

  it('orders a run by score, then by the larger passage id on ties, ignoring the rank column', () => {
    const run = parseRun('q1 Q0 p1 1 0.5 t\nq1 Q0 p2 2 0.9 t\nq1 Q0 p3 3 0.5 t\nq2 Q0 p9 1 -1 t\n');
    expect(run.get('q1')).toEqual(['p2', 'p3', 'p1']);
    expect(run.get('q2')).toEqual(['p9']);
    expect(() => parseRun('q1 Q0 p1 1 abc t\n')).toThrow(/run line 1/);
  });

  it('reads passages as JSON lines and names the field a bad line lacks', () => {
    const line = JSON.stringify({ id: 'p001', title: 'Bonds', source: 'SEC', text: 'A bond is a loan.' });
    expect(parsePassages(`${line}\n\n`)).toEqual([
      { id: 'p001', title: 'Bonds', source: 'SEC', text: 'A bond is a loan.' },
    ]);
    expect(() => parsePassages(`${line}\n{"id":"p002","title":"x","source":"y"}`)).toThrow(/passages line 2: text/);
    expect(() => parsePassages('{not json')).toThrow(/passages line 1: not valid JSON/);
  });

  it('reads queries as tab-separated id and text, refusing a line without a tab or a repeated id', () => {
    expect(parseQueries('q01\twhat is a bond\nq02\tRMD age\n')).toEqual(
      new Map([
        ['q01', 'what is a bond'],
        ['q02', 'RMD age'],
      ]),
    );
    expect(() => parseQueries('q01 what is a bond')).toThrow(/queries line 1: expected "qid<TAB>query"/);
    expect(() => parseQueries('q01\ta\nq01\tb')).toThrow(/queries line 2: q01 appears twice/);
  });

  it('writes nothing for an empty run', () => {
    expect(formatRun(new Map(), 'bm25')).toBe('');
  });

  it('writes a run that reads back in the same order', () => {
    const run = new Map([['q1', ['p3', 'p1', 'p2']]]);
    expect(parseRun(formatRun(run, 'bm25'))).toEqual(run);
  });
});

/** A small deterministic generator (LCG, Numerical Recipes constants) so both implementations see one input. */
function lcg(seed: number) {
  let state = seed >>> 0;
  return (n: number) => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state % n;
  };
}

describe('cross-check', () => {
  it('agrees with a separate Python implementation of the same definitions on 40 random queries', () => {
    const next = lcg(19);
    const qrelsLines: string[] = [];
    const runLines: string[] = [];
    for (let q = 1; q <= 40; q++) {
      for (let d = 1; d <= 30; d++) if (next(3) === 0) qrelsLines.push(`Q${q} 0 D${d} ${next(4)}`);
      // Scores from a small range, so ties (broken by passage id) occur.
      for (let d = 1; d <= 30; d++) if (next(2) === 0) runLines.push(`Q${q} Q0 D${d} 0 ${next(20) / 4} run`);
    }
    const dir = mkdtempSync(join(tmpdir(), 'alex-trec-'));
    try {
      writeFileSync(join(dir, 'qrels.txt'), `${qrelsLines.join('\n')}\n`);
      writeFileSync(join(dir, 'run.txt'), `${runLines.join('\n')}\n`);
      const script = join(import.meta.dirname, '../../../support/trec_metrics.py');
      const python = JSON.parse(
        execFileSync('python3', [script, join(dir, 'qrels.txt'), join(dir, 'run.txt')], { encoding: 'utf8' }),
      );
      const ours = evaluate(parseRun(runLines.join('\n')), parseQrels(qrelsLines.join('\n')));
      expect(python.queries).toBeGreaterThan(30);
      expect(ours.queries).toBe(python.queries);
      expect(ours.ndcgAt10).toBeCloseTo(python.ndcgAt10, 10);
      expect(ours.recallAt5).toBeCloseTo(python.recallAt5, 10);
      expect(ours.mrr).toBeCloseTo(python.mrr, 10);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

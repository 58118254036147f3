/**
 * Retrieval quality: nDCG@10, recall@5 and MRR of a ranked run against graded judgments (qrels), plus
 * parsers for the TREC qrels and run formats and the evaluation set's files. Pure: no I/O. Definitions follow trec_eval (ndcg_cut,
 * recall_5, recip_rank) except nDCG's gain, which is 2^grade − 1 (Burges et al. 2005) rather than
 * trec_eval's linear grade, so a grade-3 passage outweighs three grade-1 ones. docs/knowledge.md explains.
 */
import { z } from 'zod';

/** Judgments: query id → passage id → grade (0 = judged not relevant … 3 = answers the query). */
export type Qrels = ReadonlyMap<string, ReadonlyMap<string, number>>;
/** A run: query id → passage ids, best first. */
export type Run = ReadonlyMap<string, readonly string[]>;

export interface Scores {
  ndcgAt10: number;
  recallAt5: number;
  mrr: number;
}

export interface Evaluation extends Scores {
  /** How many queries the means are over (every query with at least one relevant passage). */
  queries: number;
  perQuery: ReadonlyMap<string, Scores>;
}

/** A passage counts as relevant for recall and MRR from this grade up (trec_eval's default level 1). */
export const RELEVANT_GRADE = 1;

const log2 = (x: number) => Math.log(x) / Math.LN2;
const gain = (grade: number) => 2 ** grade - 1;

/** DCG of the first k grades: the passage at rank r (1-based) contributes gain / log2(r + 1). */
function dcg(grades: readonly number[], k: number): number {
  let sum = 0;
  for (let i = 0; i < Math.min(k, grades.length); i++) sum += gain(grades[i] ?? 0) / log2(i + 2);
  return sum;
}

/** nDCG@k of one ranking; the ideal orders every judged passage by grade, so it needs no run. */
export function ndcgAt(ranking: readonly string[], judged: ReadonlyMap<string, number>, k: number): number {
  const ideal = dcg(
    [...judged.values()].sort((a, b) => b - a),
    k,
  );
  if (ideal === 0) return 0;
  return (
    dcg(
      dedupe(ranking).map((id) => judged.get(id) ?? 0),
      k,
    ) / ideal
  );
}

/** The share of the query's relevant passages found in the first k (denominator: all relevant ones). */
export function recallAt(ranking: readonly string[], judged: ReadonlyMap<string, number>, k: number): number {
  const relevant = [...judged.values()].filter((g) => g >= RELEVANT_GRADE).length;
  if (relevant === 0) return 0;
  const found = dedupe(ranking)
    .slice(0, k)
    .filter((id) => (judged.get(id) ?? 0) >= RELEVANT_GRADE).length;
  return found / relevant;
}

/** 1 / rank of the first relevant passage, 0 when none is retrieved (no cutoff, as trec_eval). */
export function reciprocalRank(ranking: readonly string[], judged: ReadonlyMap<string, number>): number {
  const at = dedupe(ranking).findIndex((id) => (judged.get(id) ?? 0) >= RELEVANT_GRADE);
  return at < 0 ? 0 : 1 / (at + 1);
}

/**
 * Means over every query in the qrels with a relevant passage; a query the run leaves out scores 0
 * (trec_eval -c), so a system cannot look better by skipping hard queries. Run entries for queries
 * without judgments are ignored.
 */
export function evaluate(run: Run, qrels: Qrels): Evaluation {
  const perQuery = new Map<string, Scores>();
  for (const [qid, judged] of qrels) {
    if (![...judged.values()].some((g) => g >= RELEVANT_GRADE)) continue;
    const ranking = run.get(qid) ?? [];
    perQuery.set(qid, {
      ndcgAt10: ndcgAt(ranking, judged, 10),
      recallAt5: recallAt(ranking, judged, 5),
      mrr: reciprocalRank(ranking, judged),
    });
  }
  const n = perQuery.size;
  const mean = (pick: (s: Scores) => number) =>
    n === 0 ? 0 : [...perQuery.values()].reduce((a, s) => a + pick(s), 0) / n;
  return {
    ndcgAt10: mean((s) => s.ndcgAt10),
    recallAt5: mean((s) => s.recallAt5),
    mrr: mean((s) => s.mrr),
    queries: n,
    perQuery,
  };
}

/** A passage listed twice in a ranking counts once, at its first rank. */
function dedupe(ranking: readonly string[]): string[] {
  return [...new Set(ranking)];
}

/** A malformed line in a qrels or run file: names the line, the problem and the expected shape. */
export class TrecFormatError extends Error {
  override name = 'TrecFormatError';
}

function fieldsOf(text: string): { line: number; fields: string[] }[] {
  return text
    .split(/\r?\n/)
    .map((raw, i) => ({ line: i + 1, fields: raw.trim().split(/\s+/) }))
    .filter(({ fields }) => fields[0] !== '' && !fields[0]?.startsWith('#'));
}

/** Parses TREC qrels (`qid iter docno grade`, whitespace-separated); a repeated pair is an error. */
export function parseQrels(text: string): Map<string, Map<string, number>> {
  const qrels = new Map<string, Map<string, number>>();
  for (const { line, fields } of fieldsOf(text)) {
    const [qid, , docno, grade] = fields;
    if (fields.length !== 4 || qid === undefined || docno === undefined || !/^-?\d+$/.test(grade ?? '')) {
      throw new TrecFormatError(`qrels line ${line}: expected "qid 0 docno grade" with an integer grade`);
    }
    const judged = qrels.get(qid) ?? new Map<string, number>();
    if (judged.has(docno)) throw new TrecFormatError(`qrels line ${line}: ${qid} ${docno} is judged twice; keep one`);
    judged.set(docno, Number(grade));
    qrels.set(qid, judged);
  }
  return qrels;
}

/**
 * Parses a TREC run (`qid Q0 docno rank score tag`). As trec_eval does, the order comes from the score
 * (descending) and ties go to the larger docno; the rank column is not trusted.
 */
export function parseRun(text: string): Map<string, string[]> {
  const rows = new Map<string, { docno: string; score: number }[]>();
  for (const { line, fields } of fieldsOf(text)) {
    const [qid, , docno, , score] = fields;
    if (fields.length !== 6 || qid === undefined || docno === undefined || !Number.isFinite(Number(score))) {
      throw new TrecFormatError(`run line ${line}: expected "qid Q0 docno rank score tag" with a numeric score`);
    }
    const list = rows.get(qid) ?? [];
    list.push({ docno, score: Number(score) });
    rows.set(qid, list);
  }
  const run = new Map<string, string[]>();
  for (const [qid, list] of rows) {
    list.sort((a, b) => b.score - a.score || (a.docno < b.docno ? 1 : a.docno > b.docno ? -1 : 0));
    run.set(
      qid,
      list.map((r) => r.docno),
    );
  }
  return run;
}

/** Writes a run in TREC format (rank from 1, score = a descending stand-in when none is given). */
export function formatRun(run: Run, tag: string): string {
  const lines: string[] = [];
  for (const [qid, ranking] of run) {
    ranking.forEach((docno, i) => {
      lines.push(`${qid} Q0 ${docno} ${i + 1} ${ranking.length - i} ${tag}`);
    });
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`;
}

/** One passage of an evaluation set (test/fixtures/retrieval/passages.jsonl). */
export const EvalPassage = z.object({
  id: z.string().min(1),
  title: z.string().min(1),
  source: z.string().min(1),
  text: z.string().min(1),
});
export type EvalPassage = z.infer<typeof EvalPassage>;

/** Parses JSON Lines of passages; a bad line is named with the field that is wrong. */
export function parsePassages(jsonl: string): EvalPassage[] {
  return jsonl
    .split(/\r?\n/)
    .map((raw, i) => ({ raw: raw.trim(), line: i + 1 }))
    .filter(({ raw }) => raw !== '')
    .map(({ raw, line }) => {
      let value: unknown;
      try {
        value = JSON.parse(raw);
      } catch {
        throw new TrecFormatError(`passages line ${line}: not valid JSON; expected {"id","title","source","text"}`);
      }
      const parsed = EvalPassage.safeParse(value);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        throw new TrecFormatError(`passages line ${line}: ${issue?.path.join('.') || 'value'}: ${issue?.message}`);
      }
      return parsed.data;
    });
}

/** Parses `qid<TAB>query` lines, in file order; a repeated qid is an error. */
export function parseQueries(tsv: string): Map<string, string> {
  const queries = new Map<string, string>();
  tsv.split(/\r?\n/).forEach((raw, i) => {
    if (raw.trim() === '') return;
    const tab = raw.indexOf('\t');
    const qid = raw.slice(0, tab).trim();
    const query = raw.slice(tab + 1).trim();
    if (tab <= 0 || qid === '' || query === '') {
      throw new TrecFormatError(`queries line ${i + 1}: expected "qid<TAB>query"`);
    }
    if (queries.has(qid)) throw new TrecFormatError(`queries line ${i + 1}: ${qid} appears twice`);
    queries.set(qid, query);
  });
  return queries;
}

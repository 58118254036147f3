/**
 * The retrieval evaluation set in test/fixtures/retrieval/, read once and parsed with the researcher's
 * own parsers: passages, queries, graded judgments and each query's kind (paraphrase, keyword, mixed).
 * Used by the set's shape test and by the retrieval benchmark.
 */
import { readFileSync } from 'node:fs';
import {
  type EvalPassage,
  parsePassages,
  parseQrels,
  parseQueries,
  type Qrels,
} from '#services/researcher/evaluation.ts';

export type QueryKind = 'paraphrase' | 'keyword' | 'mixed';

export interface RetrievalSet {
  passages: EvalPassage[];
  queries: Map<string, string>;
  qrels: Qrels;
  kinds: Map<string, QueryKind>;
}

export const RETRIEVAL_SET_DIR = new URL('../fixtures/retrieval/', import.meta.url);

const read = (name: string) => readFileSync(new URL(name, RETRIEVAL_SET_DIR), 'utf8');

export function loadRetrievalSet(): RetrievalSet {
  const meta = JSON.parse(read('queries.meta.json')) as Record<string, { kind: QueryKind }>;
  return {
    passages: parsePassages(read('passages.jsonl')),
    queries: parseQueries(read('queries.tsv')),
    qrels: parseQrels(read('qrels.txt')),
    kinds: new Map(Object.entries(meta).map(([qid, { kind }]) => [qid, kind])),
  };
}

/** The raw qrels text, for checks on the TREC line format itself. */
export const readQrelsText = () => read('qrels.txt');

/**
 * Retrieval, measured (`npm run bench -- --only retrieval`). Quality: the evaluation set
 * (test/fixtures/retrieval: passages, queries, graded qrels) indexed through the researcher's own
 * pipeline into PGlite, each query run by BM25, by the offline embedder with pgvector, and hybrid
 * (reciprocal rank fusion); nDCG@10, recall@5 and MRR by services/researcher/evaluation.ts. Target:
 * hybrid ≥ BM25 on every figure. Speed: hybrid search end to end (catalogue version read, BM25,
 * embedding, pgvector HNSW query, fusion) over 10,000 synthetic passages; target p95 ≤ 20 ms.
 */
import { migrate, migratedTemplate } from '#infra/storage/migrate.ts';
import { openPglite } from '#infra/storage/pglite.ts';
import type { SqlDatabase } from '#services/common/sql-database.ts';
import { evaluate, type Scores } from '#services/researcher/evaluation.ts';
import { indexPassages, type ResearchPorts } from '#services/researcher/ingest.ts';
import { localResearch } from '#services/researcher/local.ts';
import { sentences } from '#services/researcher/passages.ts';
import type { KnowledgeSearch, SearchMode } from '#services/researcher/search.ts';
import { loadRetrievalSet } from '#test/support/retrieval-set.ts';
import { atLeast, atMost, type BenchResult, percentile, result } from './results.ts';

export const QUERY_P95_TARGET_MS = 20;
export const LATENCY_PASSAGES = 10_000;
const LATENCY_QUERIES = 300;
const WARM_UP_QUERIES = 30;
const MODES: ReadonlyArray<{ mode: SearchMode; name: string }> = [
  { mode: 'bm25', name: 'bm25' },
  { mode: 'vector', name: 'embedder' },
  { mode: 'hybrid', name: 'hybrid' },
];

export interface RetrievalMeasurement {
  quality: Record<string, Scores>;
  queries: number;
  passages: number;
  latency: { p50: number; p95: number; passages: number; queries: number; indexMs: number };
}

async function openKnowledge(): Promise<{ db: SqlDatabase; ports: ResearchPorts; knowledge: KnowledgeSearch }> {
  const db = await openPglite(undefined, await migratedTemplate());
  await migrate(db);
  const research = localResearch(db);
  return {
    db,
    ports: { db, embedder: research.vectors.embedder, store: await research.vectors.store() },
    knowledge: research.knowledge,
  };
}

/** Each passage of the set as its own one-passage document, so a hit's documentId is the passage id. */
async function indexEach(
  ports: ResearchPorts,
  passages: ReadonlyArray<{ id: string; title: string; source: string; text: string }>,
): Promise<void> {
  for (const passage of passages) {
    await indexPassages(
      ports,
      { documentId: passage.id, source: passage.source, title: passage.title, contentHash: '0'.repeat(64), chars: 1 },
      [{ ordinal: 0, start: 0, end: passage.text.length, text: passage.text }],
    );
  }
}

export async function measureQuality(): Promise<Pick<RetrievalMeasurement, 'quality' | 'queries' | 'passages'>> {
  const set = loadRetrievalSet();
  const { db, ports, knowledge } = await openKnowledge();
  try {
    await indexEach(ports, set.passages);
    const quality: Record<string, Scores> = {};
    for (const { mode, name } of MODES) {
      const run = new Map<string, string[]>();
      for (const [qid, query] of set.queries) {
        run.set(
          qid,
          (await knowledge.search(query, 10, mode)).map((hit) => hit.documentId),
        );
      }
      const { ndcgAt10, recallAt5, mrr } = evaluate(run, set.qrels);
      quality[name] = { ndcgAt10, recallAt5, mrr };
    }
    return { quality, queries: set.queries.size, passages: set.passages.length };
  } finally {
    await db.close();
  }
}

/**
 * 10,000 passages of three to six sentences drawn from the evaluation set's by a fixed LCG, so
 * their vocabulary (and BM25's postings) look like real knowledge, the same on every run.
 */
export function syntheticPassages(count: number): Array<{ id: string; title: string; source: string; text: string }> {
  const set = loadRetrievalSet();
  const pool = set.passages.flatMap((p) => sentences(p.text).map((s) => p.text.slice(s.start, s.end)));
  let seed = 20_261_130;
  const next = (n: number) => {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    return seed % n;
  };
  return Array.from({ length: count }, (_, i) => {
    const length = 3 + next(4);
    const text = Array.from({ length }, () => pool[next(pool.length)]!).join(' ');
    const title = set.passages[next(set.passages.length)]!.title;
    return { id: `synthetic-${String(i).padStart(5, '0')}`, title, source: 'bench', text };
  });
}

/** Passages grouped into documents of PASSAGES_PER_DOCUMENT, each indexed in one call (batched puts). */
const PASSAGES_PER_DOCUMENT = 100;

async function indexInDocuments(
  ports: ResearchPorts,
  passages: ReadonlyArray<{ id: string; title: string; text: string }>,
): Promise<void> {
  for (let first = 0; first < passages.length; first += PASSAGES_PER_DOCUMENT) {
    const group = passages.slice(first, first + PASSAGES_PER_DOCUMENT);
    let offset = 0;
    const spans = group.map((p, ordinal) => {
      const span = { ordinal, start: offset, end: offset + p.text.length, text: p.text };
      offset = span.end + 2;
      return span;
    });
    await indexPassages(
      ports,
      {
        documentId: `synthetic/${first / PASSAGES_PER_DOCUMENT}`,
        source: 'bench',
        title: group[0]!.title,
        contentHash: '0'.repeat(64),
        chars: offset,
      },
      spans,
    );
  }
}

export async function measureLatency(progress: (message: string) => void): Promise<RetrievalMeasurement['latency']> {
  const set = loadRetrievalSet();
  const { db, ports, knowledge } = await openKnowledge();
  try {
    progress(`retrieval: indexing ${LATENCY_PASSAGES.toLocaleString('en-US')} synthetic passages`);
    const started = performance.now();
    await indexInDocuments(ports, syntheticPassages(LATENCY_PASSAGES));
    const indexMs = performance.now() - started;
    const queries = [...set.queries.values()];
    for (let i = 0; i < WARM_UP_QUERIES; i++) await knowledge.search(queries[i % queries.length]!, 10);
    const times: number[] = [];
    for (let i = 0; i < LATENCY_QUERIES; i++) {
      const query = queries[i % queries.length]!;
      const start = performance.now();
      await knowledge.search(query, 10);
      times.push(performance.now() - start);
    }
    return {
      p50: percentile(times, 50),
      p95: percentile(times, 95),
      passages: LATENCY_PASSAGES,
      queries: LATENCY_QUERIES,
      indexMs,
    };
  } finally {
    await db.close();
  }
}

export async function measureRetrieval(progress: (message: string) => void): Promise<RetrievalMeasurement> {
  progress('retrieval: quality over the evaluation set (BM25, offline embedder, hybrid)');
  const quality = await measureQuality();
  const latency = await measureLatency(progress);
  return { ...quality, latency };
}

export function retrievalResults(measured: RetrievalMeasurement): BenchResult[] {
  const results: BenchResult[] = [];
  const bm25 = measured.quality.bm25!;
  for (const { name } of MODES) {
    const scores = measured.quality[name]!;
    for (const metric of ['ndcgAt10', 'recallAt5', 'mrr'] as const) {
      // Hybrid's target is BM25's own figure on the same run (as shown, to 4 places): fusion must not
      // lose to its lexical half.
      const target = name === 'hybrid' ? atLeast(Number(bm25[metric].toFixed(4))) : undefined;
      results.push(result(`retrieval.${name}.${metric}`, scores[metric], 'score', target, 4));
    }
  }
  results.push(result('retrieval.queryP95Ms', measured.latency.p95, 'ms', atMost(QUERY_P95_TARGET_MS), 2));
  results.push(result('retrieval.queryP50Ms', measured.latency.p50, 'ms', undefined, 2));
  return results;
}

export function describeRetrieval(measured: RetrievalMeasurement): string {
  const { latency } = measured;
  return (
    `Retrieval: ${measured.queries} queries over ${measured.passages} judged passages; hybrid search over ` +
    `${latency.passages.toLocaleString('en-US')} synthetic passages (indexed in ${(latency.indexMs / 1000).toFixed(1)} s), ` +
    `${latency.queries} queries: p50 ${latency.p50.toFixed(1)} ms, p95 ${latency.p95.toFixed(1)} ms.`
  );
}

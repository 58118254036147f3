"""A second, separate implementation of the retrieval metrics, in Python, to cross-check
services/researcher/evaluation.ts. Written from the definitions (trec_eval's ndcg_cut, recall_5,
recip_rank; gain 2**grade - 1), not from the TypeScript: it builds the ideal list by sorting judgments,
walks the ranking with explicit counters, and averages over judged queries with a relevant passage.
Usage: python3 trec_metrics.py QRELS RUN  -> prints JSON {"ndcgAt10", "recallAt5", "mrr", "queries"}.
"""
import json
import math
import sys
from collections import defaultdict


def read_qrels(path):
    judged = defaultdict(dict)
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 4:
                judged[parts[0]][parts[2]] = int(parts[3])
    return judged


def read_run(path):
    rows = defaultdict(list)
    with open(path) as f:
        for line in f:
            parts = line.split()
            if len(parts) == 6:
                rows[parts[0]].append((float(parts[4]), parts[2]))
    # trec_eval: score descending, ties broken by docno descending -> sort both keys reversed.
    return {q: [d for _, d in sorted(r, reverse=True)] for q, r in rows.items()}


def metrics(ranking, grades):
    seen, ranked = set(), []
    for d in ranking:
        if d not in seen:
            seen.add(d)
            ranked.append(d)
    dcg = sum((2 ** grades.get(d, 0) - 1) / math.log2(r + 1) for r, d in enumerate(ranked[:10], start=1))
    ideal_grades = sorted(grades.values(), reverse=True)[:10]
    idcg = sum((2 ** g - 1) / math.log2(r + 1) for r, g in enumerate(ideal_grades, start=1))
    n_rel = sum(1 for g in grades.values() if g >= 1)
    hits = 0
    for d in ranked[:5]:
        if grades.get(d, 0) >= 1:
            hits += 1
    rr = 0.0
    for r, d in enumerate(ranked, start=1):
        if grades.get(d, 0) >= 1:
            rr = 1.0 / r
            break
    return (dcg / idcg if idcg > 0 else 0.0), hits / n_rel, rr


def main():
    judged, run = read_qrels(sys.argv[1]), read_run(sys.argv[2])
    totals, n = [0.0, 0.0, 0.0], 0
    for q, grades in judged.items():
        if not any(g >= 1 for g in grades.values()):
            continue
        n += 1
        for i, v in enumerate(metrics(run.get(q, []), grades)):
            totals[i] += v
    out = {"ndcgAt10": totals[0] / n, "recallAt5": totals[1] / n, "mrr": totals[2] / n, "queries": n}
    print(json.dumps(out))


if __name__ == "__main__":
    main()

"""ROUGE of the extractive summary engine vs Lead-3 on CNN/DailyMail (dev sample).

Data: JSON lines with "article" (raw text) and "highlights" (reference sentences separated
by " . "). Scores are mean F1 x 100 from rouge-score with use_stemmer=True; for rougeLsum the
sentences of both sides are joined with newlines. Our engine is measured with 3 bullets, like
Lead-3. Also prints the two halves of the file separately (a cheap check that the result does
not hinge on a few articles) and the time per article of the full ``summarize_extractive``
call (sentence selection plus quote extraction and verification).

Usage: python bench/offline_rouge.py [--data FILE] [--limit N]
Needs the "bench" extra (rouge-score).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from rouge_score import rouge_scorer

from bot.engines.extractive import summarize_extractive
from bot.models import Article
from bot.text.sentences import split_sentences

DEFAULT_DATA = "/work/shared/data/cnndm-dev.jsonl"
METRICS = ("rouge1", "rouge2", "rougeLsum")


def mean_scores(scorer: rouge_scorer.RougeScorer, refs: list[str], hyps: list[list[str]]) -> dict:
    totals = dict.fromkeys(METRICS, 0.0)
    for ref, hyp in zip(refs, hyps, strict=True):
        result = scorer.score(ref, "\n".join(hyp))
        for m in METRICS:
            totals[m] += result[m].fmeasure
    return {m: 100 * v / max(1, len(refs)) for m, v in totals.items()}


def fmt(scores: dict) -> str:
    return " / ".join(f"{scores[m]:5.2f}" for m in METRICS)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", default=DEFAULT_DATA)
    ap.add_argument("--limit", type=int, default=None, help="only the first N articles")
    args = ap.parse_args()

    with open(args.data, encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    if args.limit:
        rows = rows[: args.limit]
    refs = ["\n".join(s.strip() for s in r["highlights"].split(" . ") if s.strip()) for r in rows]

    lead3 = [split_sentences(r["article"])[:3] for r in rows]
    ours: list[list[str]] = []
    times: list[float] = []
    t0 = time.perf_counter()
    summarize_extractive(Article(url="bench", paragraphs=[rows[0]["article"]]))  # warm-up
    cold_ms = 1000 * (time.perf_counter() - t0)
    for r in rows:
        article = Article(url="bench", paragraphs=[r["article"]])
        t0 = time.perf_counter()
        summary = summarize_extractive(article, max_bullets=3)
        times.append(1000 * (time.perf_counter() - t0))
        ours.append(summary.bullets)

    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    half = len(rows) // 2
    print(f"articles: {len(rows)}  (ROUGE-1 / ROUGE-2 / ROUGE-Lsum, F1 x 100)")
    for name, hyps in (("Lead-3", lead3), ("extractive", ours)):
        words = statistics.mean(sum(len(s.split()) for s in h) for h in hyps)
        print(f"{name:>10}: {fmt(mean_scores(scorer, refs, hyps))}   "
              f"halves: {fmt(mean_scores(scorer, refs[:half], hyps[:half]))} | "
              f"{fmt(mean_scores(scorer, refs[half:], hyps[half:]))}   ~{words:.0f} words")
    words_per_article = statistics.mean(len(r["article"].split()) for r in rows)
    per_kword = statistics.mean(
        t / max(1, len(r["article"].split())) * 1000 for t, r in zip(times, rows, strict=True)
    )
    print(f"summarize_extractive: {statistics.mean(times):.2f} ms per article "
          f"(median {statistics.median(times):.2f}, max {max(times):.2f}, "
          f"~{per_kword:.1f} ms per 1000 words; articles average {words_per_article:.0f} words; "
          f"first call {cold_ms:.1f} ms, cold)")


if __name__ == "__main__":
    main()

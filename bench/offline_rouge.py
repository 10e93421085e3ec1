"""ROUGE of what a reader sees from the extractive engine vs Lead-3, CNN/DailyMail dev sample.

What is scored is the rendered reply's text: the headline line and every bullet line, exactly as
``bot.render.summary_blocks`` lays them out (tags stripped, entities decoded, "• " removed), one
line each, exact repeats dropped. Each article goes in the way a user pastes it
(``bot.pipeline.text_article``). Lead-3 (the article's first three sentences) is scored on the
same articles in the same run.

Data: JSON lines with "article" (raw text) and "highlights" (reference sentences separated by
" . "); found in ``shared/data/`` beside any ancestor of this checkout unless --data is given.
Scores are mean F1 x 100 from rouge-score with use_stemmer=True; for rougeLsum the lines of both
sides are joined with newlines. Also printed: the two halves of the file separately (the second
half is a held-out check), how often a bullet repeats the headline, and the time per article.

Usage: python bench/offline_rouge.py [--data FILE] [--limit N]
Needs the "bench" extra (rouge-score).
"""

from __future__ import annotations

import argparse
import html
import json
import re
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rouge_score import rouge_scorer

from bot.engines.extractive import summarize_extractive
from bot.pipeline import text_article
from bot.render import summary_blocks
from bot.text.sentences import split_sentences

ROOT = Path(__file__).resolve().parent.parent
DATA_NAME = "cnndm-dev.jsonl"
METRICS = ("rouge1", "rouge2", "rougeLsum")
_TAG = re.compile(r"<[^>]+>")


def find_data(name: str = DATA_NAME) -> Path:
    """``shared/data/<name>`` next to this checkout or any folder above it."""
    for folder in ROOT.parents:
        candidate = folder / "shared" / "data" / name
        if candidate.is_file():
            return candidate
    raise SystemExit(f"{name} not found in shared/data/ above {ROOT}; pass --data FILE")


def shown_lines(text: str) -> list[str]:
    """Headline and bullets of the reply to pasted ``text``, as the reader sees them."""
    _key, article = text_article(text)
    summary = summarize_extractive(article)
    blocks = summary_blocks(article, summary, show_link=False)
    headline = blocks[0].split("\n", 1)[0]  # the second line of the block is the meta line
    bullets = next((b for b in blocks[1:] if b.startswith("• ")), "")
    lines = [headline] + [line.removeprefix("• ") for line in bullets.split("\n") if line]
    plain = (html.unescape(_TAG.sub("", line)).strip() for line in lines)
    return list(dict.fromkeys(line for line in plain if line))


def mean_scores(scorer: rouge_scorer.RougeScorer, refs: list[str], hyps: list[list[str]]) -> dict[str, float]:
    totals = dict.fromkeys(METRICS, 0.0)
    for ref, hyp in zip(refs, hyps, strict=True):
        result = scorer.score(ref, "\n".join(hyp))
        for m in METRICS:
            totals[m] += result[m].fmeasure
    return {m: 100 * v / max(1, len(refs)) for m, v in totals.items()}


def fmt(scores: dict[str, float]) -> str:
    return " / ".join(f"{scores[m]:5.2f}" for m in METRICS)


def repeats_headline(lines: list[str]) -> bool:
    """A bullet that says the headline again (same words, or the headline is its start)."""
    head = lines[0].rstrip(".…").casefold() if lines else ""
    return bool(head) and any(b.casefold().startswith(head) for b in lines[1:])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=None)
    ap.add_argument("--limit", type=int, default=None, help="only the first N articles")
    args = ap.parse_args()

    data = args.data or find_data()
    with data.open(encoding="utf-8") as fh:
        rows = [json.loads(line) for line in fh if line.strip()]
    if args.limit:
        rows = rows[: args.limit]
    refs = ["\n".join(s.strip() for s in r["highlights"].split(" . ") if s.strip()) for r in rows]

    lead3 = [split_sentences(r["article"])[:3] for r in rows]
    shown: list[list[str]] = []
    times: list[float] = []
    for r in rows:
        t0 = time.perf_counter()
        shown.append(shown_lines(r["article"]))
        times.append(1000 * (time.perf_counter() - t0))

    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    half = len(rows) // 2
    print(f"{data.name}: {len(rows)} articles  (ROUGE-1 / ROUGE-2 / ROUGE-Lsum, F1 x 100)")
    print(f"{'':>18}  {'all':^21}   {'first half':^21} | {'second half':^21}")
    for name, hyps in (("Lead-3", lead3), ("shown (head+bullets)", shown)):
        words = statistics.mean(sum(len(s.split()) for s in h) for h in hyps)
        print(f"{name:>18}: {fmt(mean_scores(scorer, refs, hyps))}   "
              f"{fmt(mean_scores(scorer, refs[:half], hyps[:half]))} | "
              f"{fmt(mean_scores(scorer, refs[half:], hyps[half:]))}   ~{words:.0f} words, "
              f"{statistics.mean(len(h) for h in hyps):.1f} lines")
    repeated = sum(repeats_headline(h) for h in shown)
    headline_words = statistics.mean(len(h[0].split()) for h in shown if h)
    cut = sum(h[0].endswith("…") for h in shown if h)
    print(f"headline: ~{headline_words:.1f} words; cut with '…': {cut}; a bullet repeats it: {repeated}")
    print(f"text_article + summarize_extractive + render: {statistics.mean(times):.2f} ms per article "
          f"(median {statistics.median(times):.2f}, max {max(times):.2f})")


if __name__ == "__main__":
    main()

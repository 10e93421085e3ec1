"""Story clustering time: the blocked (prefix-filtered) candidate pairs beside the previous
all-pairs-per-word algorithm, on synthetic headlines, same items, same run.

    .venv/bin/python bench/cluster.py [--sizes 1000 4000 10000] [--seed 1]

Headlines draw 6-10 words from a 20,000-word Zipf-like vocabulary; every fifth story is reported
by 2-4 outlets with shuffled, slightly changed headlines; every other item has a summary.
Prints seconds per algorithm, the speed-up, and whether both gave the same clusters.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter, defaultdict
from datetime import UTC, datetime, timedelta
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.digest import compose
from bot.models import FeedItem

VOCABULARY = 20_000


def _word(rng: random.Random) -> str:
    rank = int(VOCABULARY ** rng.random())  # log-uniform rank: a few words are very common
    return f"w{rank}x"


def synthetic_items(n: int, seed: int) -> list[FeedItem]:
    rng = random.Random(seed)
    now = datetime(2026, 3, 2, 8, tzinfo=UTC)
    items: list[FeedItem] = []
    story = 0
    while len(items) < n:
        words = [_word(rng) for _ in range(rng.randint(6, 10))]
        outlets = rng.randint(2, 4) if story % 5 == 0 else 1
        for outlet in range(outlets):
            title = words[:]
            rng.shuffle(title)
            if outlet:
                title[rng.randrange(len(title))] = _word(rng)
            url = f"https://outlet{outlet}.example/{story}"
            summary = " ".join(_word(rng) for _ in range(12)) if len(items) % 2 else ""
            items.append(FeedItem(key=url, guid=None, url=url, title=" ".join(title), summary=summary,
                                  published=now - timedelta(minutes=len(items)), feed_url=f"f{outlet}",
                                  source=f"Outlet {outlet}"))  # fmt: skip
        story += 1
    return items[:n]


def _all_pairs_per_word(title_words: list[frozenset[str]], _confirmable: list[bool]) -> Counter[tuple[int, int]]:
    """The previous candidate generation: every pair of items sharing any word not in > MAX_POSTING."""
    postings: dict[str, list[int]] = defaultdict(list)
    for index, words in enumerate(title_words):
        for word in words:
            postings[word].append(index)
    shared: Counter[tuple[int, int]] = Counter()
    for members in postings.values():
        if len(members) <= compose.MAX_POSTING:
            shared.update(combinations(members, 2))
    return shared


def _clusters(stories: list[compose.Story]) -> set[frozenset[str]]:
    return {frozenset(item.key for item in story.items) for story in stories}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 4000, 10000])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    blocked = compose._candidate_pairs
    print(f"{'items':>7} {'previous s':>11} {'blocked s':>10} {'speed-up':>9}  same clusters")
    for n in args.sizes:
        items = synthetic_items(n, args.seed)
        compose.cluster_items(items)  # warm the stemmer's cache for both
        started = time.perf_counter()
        compose._candidate_pairs = _all_pairs_per_word  # type: ignore[assignment]
        before = compose.cluster_items(items)
        previous = time.perf_counter() - started
        compose._candidate_pairs = blocked  # type: ignore[assignment]
        started = time.perf_counter()
        after = compose.cluster_items(items)
        now = time.perf_counter() - started
        same = _clusters(before) == _clusters(after)
        print(f"{n:>7} {previous:>11.3f} {now:>10.3f} {previous / now:>8.1f}x  {same}")


if __name__ == "__main__":
    main()

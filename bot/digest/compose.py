"""Group feed items that report the same story, and pick the day's top stories.

Two items are the same story when they link to the same article (URL identity), or when their
headlines share enough content words (stopwords out, light stemming; Ochiai/cosine overlap of
the word sets, with a minimum number of shared words so short headlines can't match on one
topic word like "Ukraine"). Summaries, when both items have one, can confirm a weaker headline
match. Matches are merged transitively with union-find.
"""

from __future__ import annotations

import hashlib
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import datetime
from itertools import combinations
from urllib.parse import urlsplit

from bot.models import FeedItem, item_time
from bot.text.clean import tokens

TITLE_SIMILARITY = 0.6  # shared / sqrt(|a| * |b|) of headline words
MIN_SHARED_WORDS = 3
WEAK_TITLE_SIMILARITY = 0.4  # ...enough when the summaries agree too
MIN_WEAK_SHARED_WORDS = 2
SUMMARY_SIMILARITY = 0.35
MIN_SUMMARY_WORDS = 8
MAX_POSTING = 400  # a word in more headlines than this carries no signal: ignored (keeps pairs ~linear)


@dataclass(frozen=True, slots=True)
class Story:
    title: str
    url: str | None
    sources: list[str]  # distinct outlets, first reporter first
    items: list[FeedItem]  # oldest first
    published: datetime | None  # the latest item's time
    key: str  # 16 hex chars from the earliest item: stable as later reports join; fits callback data


class _UnionFind:
    def __init__(self, size: int) -> None:
        self.parent = list(range(size))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _overlap(a: frozenset[str], b: frozenset[str], shared: int) -> float:
    return shared / math.sqrt(len(a) * len(b)) if a and b else 0.0


def _same_story(
    titles: tuple[frozenset[str], frozenset[str]],
    summaries: tuple[frozenset[str], frozenset[str]],
    shared: int,
) -> bool:
    title_sim = _overlap(*titles, shared)
    if shared >= MIN_SHARED_WORDS and title_sim >= TITLE_SIMILARITY:
        return True
    if shared < MIN_WEAK_SHARED_WORDS or title_sim < WEAK_TITLE_SIMILARITY:
        return False
    a, b = summaries
    if len(a) < MIN_SUMMARY_WORDS or len(b) < MIN_SUMMARY_WORDS:
        return False
    return _overlap(a, b, len(a & b)) >= SUMMARY_SIMILARITY


def _candidate_pairs(title_words: list[frozenset[str]], confirmable: list[bool]) -> dict[tuple[int, int], int]:
    """Pairs of items that share enough headline words to be the same story, with how many.

    Prefix filtering keeps this near-linear: words are ranked rarest first, and two headlines
    sharing ``k`` words share one among each headline's rarest ``len - k + 1``, so only those are
    indexed and the day's common words make no pairs. ``k`` is ``MIN_SHARED_WORDS``, or the weaker
    ``MIN_WEAK_SHARED_WORDS`` for an item whose summary could confirm a match (``confirmable``).
    Words in more than ``MAX_POSTING`` headlines carry no signal and are not counted at all.
    """
    frequency = Counter(word for words in title_words for word in words)
    ranked = [sorted((w for w in words if frequency[w] <= MAX_POSTING), key=lambda w: (frequency[w], w))
              for words in title_words]  # fmt: skip
    postings: dict[str, list[int]] = defaultdict(list)
    for index, words in enumerate(ranked):
        needed = MIN_WEAK_SHARED_WORDS if confirmable[index] else MIN_SHARED_WORDS
        for word in words[: len(words) - needed + 1]:
            postings[word].append(index)
    candidates: set[tuple[int, int]] = set()
    for members in postings.values():
        candidates.update(combinations(members, 2))
    counted = [frozenset(words) for words in ranked]
    shared = ((pair, len(counted[pair[0]] & counted[pair[1]])) for pair in candidates)
    return {pair: count for pair, count in shared if count >= MIN_WEAK_SHARED_WORDS}


def cluster_items(items: list[FeedItem]) -> list[Story]:
    """Merge items reporting the same story (from one or several feeds) into Stories."""
    if not items:
        return []
    title_words = [tokens(item.title) for item in items]
    summary_words = [tokens(item.summary) for item in items]
    groups = _UnionFind(len(items))
    first_with_key: dict[str, int] = {}
    for index, item in enumerate(items):
        if item.url:  # the key is the URL identity
            groups.union(first_with_key.setdefault(item.key, index), index)
    confirmable = [len(words) >= MIN_SUMMARY_WORDS for words in summary_words]
    for (i, j), shared in _candidate_pairs(title_words, confirmable).items():
        pair_titles = (title_words[i], title_words[j])
        if _same_story(pair_titles, (summary_words[i], summary_words[j]), shared):
            groups.union(i, j)
    members: dict[int, list[int]] = defaultdict(list)
    for index in range(len(items)):
        members[groups.find(index)].append(index)
    return [_story([items[i] for i in group], [title_words[i] for i in group]) for group in members.values()]


def _chronological(item: FeedItem) -> tuple[bool, float, str]:
    when = item_time(item)
    return (when is None, when.timestamp() if when else 0.0, item.key)


def _outlet(item: FeedItem) -> str:
    host = urlsplit(item.url).hostname if item.url else None
    return (host or "").removeprefix("www.")


def _story(items: list[FeedItem], title_words: list[frozenset[str]]) -> Story:
    order = sorted(range(len(items)), key=lambda i: _chronological(items[i]))
    ordered = [items[i] for i in order]
    # The headline closest to all the others names the story best (ties: the earliest).
    centrality = [
        sum(_overlap(title_words[i], title_words[j], len(title_words[i] & title_words[j])) for j in order if j != i)
        for i in order
    ]
    best = ordered[max(range(len(order)), key=lambda k: (centrality[k], -k))]
    sources: list[str] = []
    seen: set[str] = set()
    for item in ordered:
        names = {item.source.casefold(), _outlet(item)} - {""}
        if names and not names & seen:
            sources.append(item.source)
        seen |= names
    times = [t for t in map(item_time, ordered) if t is not None]
    key = hashlib.sha256(ordered[0].key.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    url = best.url or next((item.url for item in ordered if item.url), None)
    return Story(
        title=best.title,
        url=url,
        sources=sources,
        items=ordered,
        published=max(times) if times else None,
        key=key,
    )


def rank_stories(stories: list[Story], now: datetime, limit: int = 10) -> list[Story]:
    """The top ``limit`` stories: reported by most outlets first, then the most recent.

    Times in the future (clock skew, bad feed dates) count as ``now``; unknown times rank last.
    """

    def score(story: Story) -> tuple[int, float, str]:
        when = min(story.published, now).timestamp() if story.published else -math.inf
        return (-len(story.sources), -when, story.title.casefold())

    return sorted(stories, key=score)[:limit]


def fair_pick(ranked: list[Story], limit: int) -> list[Story]:
    """The first ``limit`` of ``ranked`` taken round-robin by first outlet, so one prolific feed
    can't fill a digest: each round takes every outlet's best remaining story, in rank order."""
    queues: dict[str, list[Story]] = defaultdict(list)
    for story in ranked:
        queues[story.sources[0] if story.sources else ""].append(story)
    picked: list[Story] = []
    while len(picked) < limit and any(queues.values()):
        heads = [queue.pop(0) for queue in queues.values() if queue]
        picked += sorted(heads, key=ranked.index)[: limit - len(picked)]
    return sorted(picked, key=ranked.index)


def top_stories(items: list[FeedItem], now: datetime, limit: int) -> tuple[list[Story], int]:
    """The day's top ``limit`` stories from ``items``, fair across feeds, and how many more there
    are (one call, so it can run in a CPU worker)."""
    ranked = rank_stories(cluster_items(items), now, limit=len(items))
    page = fair_pick(ranked, limit)
    return page, len(ranked) - len(page)

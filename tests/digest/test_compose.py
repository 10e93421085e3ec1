from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.digest.compose import Story, cluster_items, rank_stories
from bot.digest.feeds import parse_feed
from bot.models import FeedItem

NOW = datetime(2026, 5, 5, 12, 0, tzinfo=UTC)
DATA = Path(__file__).resolve().parent.parent / "data" / "feeds"


def item(title: str, source: str, path: str, hours_ago: float = 1, summary: str = "") -> FeedItem:
    host = source.lower().replace(" ", "") + ".example"
    url = f"https://{host}/{path}"
    return FeedItem(
        key=url,
        guid=None,
        url=url,
        title=title,
        summary=summary,
        published=NOW - timedelta(hours=hours_ago),
        feed_url=f"https://{host}/rss",
        source=source,
    )


SAME_STORY = [
    item("Putin tells Xi Russia ready for talks with Ukraine", "BBC", "a", 3),
    item("Russia ready to hold talks with Ukraine, Putin tells Xi", "Guardian", "b", 2),
    item(
        "Putin tells China's Xi that Russia is willing to negotiate with Ukraine",
        "Al Jazeera",
        "c",
        1,
    ),
]
UNRELATED = [
    item("Ukraine's grain exports rise despite Black Sea attacks", "Guardian", "d", 1),
    item("Zelensky visits Washington to seek more air defence for Ukraine", "NPR", "e", 2),
    item("Russian drones hit Ukraine energy grid overnight", "DW", "f", 2.5),
    item("Xi and Putin sign gas pipeline deal in Beijing", "CNBC", "g", 5),
    item("Ukraine war: what we know on day 1,532", "Sky News", "h", 4),
    item("Central bank holds rates as inflation cools", "NPR", "i", 6),
]


def story_with(stories: list[Story], title: str) -> Story:
    return next(s for s in stories if any(i.title == title for i in s.items))


def test_same_story_from_three_feeds_is_one_story() -> None:
    stories = cluster_items(SAME_STORY + UNRELATED)
    story = story_with(stories, SAME_STORY[0].title)
    assert sorted(story.sources) == ["Al Jazeera", "BBC", "Guardian"]
    assert len(story.items) == 3
    assert story.sources[0] == "BBC"  # first reporter first
    assert story.published == NOW - timedelta(hours=1)  # the latest
    assert story.title in {i.title for i in SAME_STORY}
    assert story.url in {i.url for i in SAME_STORY}
    assert len(story.key) == 16


def test_stories_sharing_only_a_topic_word_stay_separate() -> None:
    stories = cluster_items(SAME_STORY + UNRELATED)
    assert len(stories) == 1 + len(UNRELATED)
    for unrelated in UNRELATED:
        assert story_with(stories, unrelated.title).items == [unrelated]


def test_order_of_input_does_not_change_clusters() -> None:
    forward = cluster_items(SAME_STORY + UNRELATED)
    backward = cluster_items(list(reversed(SAME_STORY + UNRELATED)))
    assert sorted(s.key for s in forward) == sorted(s.key for s in backward)


def test_same_url_identity_merges_even_with_different_titles() -> None:
    a = item("Rates held", "NPR", "x", 2)
    b = FeedItem(**{**a.to_dict(), "title": "Totally different words", "published": None})
    stories = cluster_items([a, b])
    assert len(stories) == 1 and len(stories[0].items) == 2
    assert stories[0].sources == ["NPR"]  # one outlet, counted once


def test_summaries_confirm_a_weaker_headline_match() -> None:
    summary = (
        "A magnitude 7.1 earthquake struck off the coast of northern Japan on Tuesday, "
        "the meteorological agency said, prompting a tsunami advisory for Iwate prefecture."
    )
    a = item("Strong earthquake hits northern Japan", "NHK", "q1", 1, summary)
    b = item("Tsunami advisory issued after strong earthquake in Japan", "DW", "q2", 1, summary)
    b_bare = item(b.title, "DW", "q2", 1, "")
    assert len(cluster_items([a, b_bare])) == 2  # headlines alone: not similar enough
    assert len(cluster_items([a, b])) == 1


def test_same_outlet_twice_counts_once() -> None:
    a = item("Earthquake of magnitude 7.1 hits Japan", "BBC World", "q", 1)
    b = item("Earthquake of magnitude 7.1 hits Japan", "BBC Asia", "q", 0.9)
    b = FeedItem(**{**b.to_dict(), "published": b.published, "url": "https://bbcworld.example/z"})
    c = item("Magnitude 7.1 earthquake strikes off Japan coast", "DW", "r", 0.5)
    (story,) = cluster_items([a, b, c])
    assert story.sources == ["BBC World", "DW"]


def test_real_feeds_cluster_across_formats() -> None:
    rss = parse_feed((DATA / "rss2.xml").read_bytes(), url="https://news.example.com/rss")
    atom = parse_feed((DATA / "atom.xml").read_bytes(), url="https://atom.example.org/feed")
    assert rss is not None and atom is not None
    stories = cluster_items(rss.items + atom.items)
    top = rank_stories(stories, NOW, limit=1)[0]
    assert top.sources == ["Example World News", "Atom <Example> Daily"]


def test_rank_by_sources_then_recency() -> None:
    stories = cluster_items(SAME_STORY + UNRELATED)
    ranked = rank_stories(stories, NOW, limit=3)
    assert len(ranked) == 3
    assert len(ranked[0].sources) == 3
    # then single-source stories, newest first
    assert [s.title for s in ranked[1:]] == [UNRELATED[0].title, UNRELATED[1].title]


def test_rank_treats_future_as_now_and_unknown_as_oldest() -> None:
    future = item("Future dated", "A", "1", -48)
    unknown = FeedItem(**{**item("No date", "B", "2").to_dict(), "published": None})
    recent = item("Recent", "C", "3", 0.1)
    ranked = rank_stories(cluster_items([unknown, recent, future]), NOW)
    assert [s.title for s in ranked] == ["Future dated", "Recent", "No date"]


def test_empty() -> None:
    assert cluster_items([]) == []
    assert rank_stories([], NOW) == []

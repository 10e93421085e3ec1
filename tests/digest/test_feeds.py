from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

import feedparser
import pytest

from bot.digest.feeds import discover_feeds, parse_feed
from bot.models import FeedItem
from bot.text.clean import html_to_text, shorten, tokens

DATA = Path(__file__).resolve().parent.parent / "data" / "feeds"
FEED_URL = "https://news.example.com/feeds/world.xml"


def load(name: str) -> bytes:
    return (DATA / name).read_bytes()


def test_rss2_items_are_plain_typed_and_deduplicated() -> None:
    feed = parse_feed(load("rss2.xml"), url=FEED_URL, content_type="application/rss+xml")
    assert feed is not None
    assert feed.title == "Example World News"
    assert feed.link == "https://news.example.com/world"
    first = feed.items[0]
    assert first.key == "https://news.example.com/world/putin-xi-talks"  # tracking params gone
    assert first.url is not None and first.url.startswith(first.key)
    assert first.title == "Putin tells Xi Russia ready for talks with Ukraine"
    assert first.summary == (
        "Russian President Vladimir Putin told Xi Jinping on Tuesday that Moscow is ready for talks & a settlement."
    )
    assert first.published == datetime(2026, 5, 5, 7, 30, tzinfo=UTC)
    assert first.published.tzinfo is UTC
    assert first.feed_url == FEED_URL and first.source == "Example World News"
    # the "#comments" variant of the first link is the same URL identity: dropped
    assert [i.key for i in feed.items].count(first.key) == 1
    assert len(feed.items) == 5


def test_rss2_relative_links_html_titles_and_hidden_text() -> None:
    items = parse_feed(load("rss2.xml"), url=FEED_URL).items
    relative = items[1]
    assert relative.url == "https://news.example.com/world/relative-story"
    assert relative.title == "Relative link & HTML in the title"
    assert relative.summary == "First line. Second line with a link."
    assert "hidden" not in relative.summary and "p{}" not in relative.summary


def test_rss2_items_without_links_get_guid_or_title_keys() -> None:
    items = parse_feed(load("rss2.xml"), url=FEED_URL).items
    guid_only, no_title, script_link = items[2], items[3], items[4]
    assert guid_only.url is None and guid_only.guid == "urn:example:12345"
    assert guid_only.key.startswith("guid:")
    assert guid_only.published is None  # "not a date"
    assert no_title.key.startswith("title:") and no_title.title.startswith("An item with neither")
    assert script_link.url is None and script_link.key.startswith("title:")
    # keys are stable: parsing again gives the same ones
    again = parse_feed(load("rss2.xml"), url=FEED_URL).items
    assert [i.key for i in again] == [i.key for i in items]


def test_atom_feed() -> None:
    feed = parse_feed(load("atom.xml"), url="https://atom.example.org/feed.atom")
    assert feed is not None
    assert feed.title == "Atom <Example> Daily"
    entry, content_only = feed.items
    assert entry.url == "https://atom.example.org/news/2026/05/putin-xi"  # xml:base resolved
    assert entry.published == datetime(2026, 5, 5, 8, 15, tzinfo=UTC)
    assert entry.summary == "The Kremlin leader spoke to China’s president by video link."
    assert content_only.summary == "Body text of the entry."
    assert content_only.published == datetime(2026, 5, 5, 8, 0, tzinfo=UTC)  # from <updated>


def test_truncated_feed_still_yields_its_entries() -> None:
    assert feedparser.parse(io.BytesIO(load("truncated.xml"))).bozo  # really broken
    feed = parse_feed(load("truncated.xml"), url="https://broken.example.net/rss")
    assert feed is not None
    assert [i.title for i in feed.items] == [
        "First complete item",
        "Second complete item",
        "Third item, cut off",
    ]


def test_json_feed() -> None:
    feed = parse_feed(load("feed.json"), url="https://json.example.com/feed.json")
    assert feed is not None and feed.title == "JSON Example"
    first, note = feed.items
    assert first.url == "https://json.example.com/1" and first.summary == "Hello JSON"
    assert first.published == datetime(2026, 5, 5, 8, 0, tzinfo=UTC)
    assert note.url is None and note.key.startswith("guid:")


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"<!doctype html><html><head><title>x</title></head><body>Hello</body></html>",
        b'{"version": "1", "items": []}',
        b"{not json",
        b"\x00\xff\xfe garbage",
    ],
)
def test_not_a_feed_is_none(body: bytes) -> None:
    assert parse_feed(body, url="https://example.com/") is None


def test_source_falls_back_to_host() -> None:
    body = b'<rss version="2.0"><channel><item><title>T</title><link>https://a.example/x</link></item></channel></rss>'
    feed = parse_feed(body, url="https://www.untitled.example/rss")
    assert feed is not None and feed.items[0].source == "untitled.example"


def test_feed_item_round_trips_through_json_dict() -> None:
    item = parse_feed(load("rss2.xml"), url=FEED_URL).items[0]
    assert FeedItem.from_dict(item.to_dict()) == item


def test_discover_feeds_from_html_page() -> None:
    links = discover_feeds((DATA / "page.html").read_text(), "https://news.example.com/world/")
    assert [(link.url, link.kind) for link in links] == [
        ("https://news.example.com/feeds/world.rss", "rss"),
        ("https://news.example.com/feeds/world.atom", "atom"),
    ]
    assert links[0].title == "Example News & Views — RSS"


def test_discover_feeds_honours_base_href_and_json_feed() -> None:
    html = (
        '<head><base href="https://cdn.example.net/site/">'
        '<link rel="alternate feed" type="application/feed+json" href="feed.json"></head>'
    )
    links = discover_feeds(html, "https://example.net/page")
    assert [(link.url, link.kind) for link in links] == [("https://cdn.example.net/site/feed.json", "json")]


def test_html_to_text_is_safe_and_short() -> None:
    markup = "<p>a &lt;b&gt; <script>evil()</script><template>t</template>b\u200b\u202ec</p>" * 50
    text = html_to_text(markup, limit=40)
    assert "evil" not in text and "<" in text and "\u200b" not in text and "\u202e" not in text
    assert len(text) <= 40 and text.endswith("…")
    assert shorten("short", 10) == "short"


def test_tokens_drop_stopwords_and_stem() -> None:
    # Reporting verbs ("tells") are stop words; the Porter2 stem of "willing" is "will".
    assert tokens("Putin tells China's Xi that Russia is willing") == {
        "putin", "china", "xi", "russia", "will",
    }  # fmt: skip
    assert tokens("BREAKING: Talks resumed in Geneva") == tokens("Talk resumes in Geneva")


def test_feed_external_entities_are_not_resolved(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE")
    body = (
        f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file://{secret}">]>'
        '<rss version="2.0"><channel><title>&x;</title><item><title>a &x;</title>'
        "<link>https://a.example/1</link><description>&x;</description></item></channel></rss>"
    ).encode()
    feed = parse_feed(body, url="https://a.example/rss")
    assert feed is not None
    dumped = repr(feed)
    assert "TOP-SECRET-VALUE" not in dumped

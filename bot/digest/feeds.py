"""Parse RSS/Atom/JSON feeds into plain, typed items, and find the feeds a web page links to.

Feed bodies are untrusted: feedparser only ever sees bytes (a string may make it open a URL or a
file), summaries become short plain text, and only http(s) links survive.
"""

from __future__ import annotations

import calendar
import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, datetime
from html.parser import HTMLParser
from typing import Any, Literal, NamedTuple
from urllib.parse import urljoin, urlsplit

import feedparser

from bot.digest.jsonfeed import looks_like_json, parse_json_feed
from bot.errors import FetchError, NewsbotError, boundary
from bot.models import FeedItem
from bot.net.urls import host_of, normalize_url
from bot.text.clean import clean_text, html_to_text, shorten

MAX_ITEMS = 200  # per feed and fetch; real feeds carry 10-100
TITLE_CHARS = 300
SUMMARY_CHARS = 400
MAX_GUID_CHARS = 1000
MAX_DISCOVERY_HTML = 1_000_000  # feed <link>s live in <head>; don't tokenize megabytes for them

_DATE_FIELDS = ("published_parsed", "updated_parsed", "created_parsed")

NOT_A_FEED = "That address isn't an RSS or Atom feed."
NO_FEED_ON_PAGE = "I couldn't find a feed on that page. Send the feed's own address (often …/rss or …/feed)."


class NotAFeed(NewsbotError):
    code = "not_a_feed"


FeedKind = Literal["rss", "atom", "json"]
FEED_TYPES: dict[str, FeedKind] = {
    "application/rss+xml": "rss",
    "application/rdf+xml": "rss",
    "application/atom+xml": "atom",
    "application/feed+json": "json",
}


@dataclass(frozen=True, slots=True)
class ParsedFeed:
    title: str
    link: str | None  # the site's home page, when the feed names one
    items: list[FeedItem]
    skipped: int = 0  # entries that broke the parser: left out, the rest of the feed still counts


@dataclass(frozen=True, slots=True)
class FeedLink:
    url: str
    title: str
    kind: FeedKind


class RawEntry(NamedTuple):
    """One entry as the format gave it, before cleaning."""

    link: str | None
    guid: str | None
    title: str | None  # may hold HTML
    summary: str | None  # may hold HTML
    published: datetime | None


def identity(url: str) -> str | None:
    """The URL's identity (bot.net.urls.normalize_url), or None when it isn't a usable web link."""
    try:
        return normalize_url(url)
    except FetchError:
        return None


def _http_url(link: object, base: str) -> str | None:
    if not isinstance(link, str) or not link.strip():
        return None
    try:
        absolute = urljoin(base, link.strip())
    except ValueError:
        return None
    return absolute if urlsplit(absolute).scheme in ("http", "https") else None


def _digest(*parts: str) -> str:
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:32]


def _struct_to_utc(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (OverflowError, ValueError, TypeError, OSError):
        return None


def _feedparser_entries(body: bytes, url: str, content_type: str | None) -> tuple[dict, list]:
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(io.BytesIO(body), response_headers=headers)
    if not parsed.get("version"):
        raise ValueError("not a feed")
    entries = []
    for entry in parsed.entries[:MAX_ITEMS]:
        content = entry.get("content") or []
        summary = entry.get("summary") or (content[0].get("value") if content else None)
        # dict.get: FeedParserDict.get("updated_parsed") warns and aliases a missing key
        dates = (dict.get(entry, name) for name in _DATE_FIELDS)
        published = _struct_to_utc(next((d for d in dates if d), None))
        entries.append(RawEntry(entry.get("link"), entry.get("id"), entry.get("title"), summary, published))
    return parsed.feed, entries


@boundary(NotAFeed, NOT_A_FEED, code="bad_feed")
def parse_feed(body: bytes, *, url: str, content_type: str | None = None) -> ParsedFeed | None:
    """Parse a fetched feed body; None when it is not a feed (an HTML page, JSON that isn't a feed).

    ``url`` is the feed's (final) URL: relative links resolve against it, and it is every item's
    ``feed_url``. A truncated or slightly broken feed still yields the entries before the damage,
    and an entry that breaks the parser is left out alone (``skipped``). Raises only NotAFeed.
    """
    if looks_like_json(body, content_type):
        parsed_json = parse_json_feed(body, MAX_ITEMS)
        if parsed_json is None:
            return None
        meta, entries = parsed_json[0], [RawEntry._make(e) for e in parsed_json[1]]
    else:
        try:
            meta, entries = _feedparser_entries(body, url, content_type)
        except ValueError:
            return None
    title = html_to_text(meta.get("title"), limit=TITLE_CHARS)
    link = _http_url(meta.get("link"), url)
    source = title or host_of(link) or host_of(url)
    feed_id = identity(url) or url
    items: dict[str, FeedItem] = {}
    skipped = 0
    for raw in entries:
        try:
            item = _item(raw, feed_url=url, feed_id=feed_id, source=source)
        except Exception:  # one hostile entry must not cost the feed's other entries
            skipped += 1
            continue
        if item is not None and item.key not in items:
            items[item.key] = item
    return ParsedFeed(title=title, link=link, items=list(items.values()), skipped=skipped)


def _item(raw: RawEntry, *, feed_url: str, feed_id: str, source: str) -> FeedItem | None:
    link = _http_url(raw.link, feed_url)
    link_id = identity(link) if link else None
    if link_id is None:
        link = None
    guid = clean_text(raw.guid)[:MAX_GUID_CHARS] if isinstance(raw.guid, str) else ""
    summary = html_to_text(raw.summary, limit=SUMMARY_CHARS)
    title = html_to_text(raw.title, limit=TITLE_CHARS) or shorten(summary, 120)
    if link_id:
        key = link_id
    elif guid:
        key = "guid:" + _digest(feed_id, guid)
    elif title:
        key = "title:" + _digest(feed_id, title.casefold())
    else:
        return None
    return FeedItem(
        key=key,
        guid=guid or None,
        url=link,
        title=title,
        summary=summary,
        published=raw.published,
        feed_url=feed_url,
        source=source,
    )


class _LinkCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.base: str | None = None
        self.links: list[dict[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("link", "base"):
            return
        values = {name: (value or "") for name, value in attrs}
        if tag == "base":
            if self.base is None and values.get("href"):
                self.base = values["href"]
        else:
            self.links.append(values)

    handle_startendtag = handle_starttag


@boundary(NotAFeed, NO_FEED_ON_PAGE, code="not_a_feed")
def discover_feeds(html: str, base_url: str) -> list[FeedLink]:
    """Feeds a page advertises with ``<link rel="alternate" type="application/rss+xml" …>``.

    Returns absolute http(s) URLs in page order, deduplicated by URL identity.
    """
    collector = _LinkCollector()
    collector.feed(html[:MAX_DISCOVERY_HTML])
    collector.close()
    base = _http_url(collector.base, base_url) or base_url
    found: dict[str, FeedLink] = {}
    for attrs in collector.links:
        rels = attrs.get("rel", "").lower().split()
        mime = attrs.get("type", "").split(";")[0].strip().lower()
        kind = FEED_TYPES.get(mime)
        if "alternate" not in rels or kind is None:
            continue
        url = _http_url(attrs.get("href"), base)
        ident = identity(url) if url else None
        if url is None or ident is None or ident in found:
            continue
        title = html_to_text(attrs.get("title"), limit=TITLE_CHARS)
        found[ident] = FeedLink(url=url, title=title, kind=kind)
    return list(found.values())

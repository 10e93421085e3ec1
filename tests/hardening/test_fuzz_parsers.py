"""Fuzzing the parser boundaries (issue M3): URLs, feed XML and JSON, OPML and HTML fragments built
from hostile pieces go through our real parse functions, and nothing but our own typed errors comes
out. What does come out is UTF-8 clean (Redis and Telegram refuse lone surrogates).

Bounded: a few dozen examples per target, no deadline (a shared CI machine), no example database
on disk, so it runs in seconds in every test run."""

from __future__ import annotations

import json
from datetime import datetime
from html import escape

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.digest.feeds import discover_feeds, parse_feed
from bot.digest.opml import parse_opml
from bot.errors import NewsbotError
from bot.extract import extract_html, extract_plain_text
from bot.models import Fetched
from bot.net.content import detect_charset
from bot.net.sites import may_speak_for, site
from bot.net.urls import host_of, normalize_url, parse_user_url, url_key
from bot.text.clean import html_to_text

FUZZ = settings(max_examples=30, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
FEW = settings(FUZZ, max_examples=15)  # trafilatura is slow: fewer, richer pages

HOSTILE = [
    "\ud800", "\udfff", "\x00", "\u202e", "\ufeff", "xn--ls8h", "xn--", "💩", "ﬀ", "\u0378", "%", "%zz", "%00",
    "[", "]", "[::1", "@", ":", "::", "..", "#", "?", "//", "\\", "&amp;", "&#xD800;", "&#0;", "&#99999999;",
    "<![CDATA[", "]]>", "<!ENTITY x 'y'>", "{{article}}", "{{tag}}", "9999-12-31T23:59:59-05:00",
    "0001-01-01T00:00:00+05:00", "Fri, 31 Dec 99999 23:59:59 +0000", "-1", "1e309", "NaN", "a" * 70,
]  # fmt: skip
CHARSETS = ["undefined", "utf-7", "idna", "punycode", "base64", "rot13", "zlib", "utf-16", "utf-32", "x-user-defined",
            "unicode-escape", "bogus", "", "cp1252", "shift_jis", "utf-8"]  # fmt: skip

piece = st.one_of(st.text(max_size=12), st.sampled_from(HOSTILE))
hostile_text = st.lists(piece, max_size=6).map("".join)
hosts = st.lists(st.one_of(st.sampled_from(["xn--ls8h", "example", "com", "la", "127", "0x7f", "[::1]", "💩", ""]),
                           hostile_text), min_size=1, max_size=4).map(".".join)  # fmt: skip
urls = st.one_of(
    hostile_text,
    st.builds(lambda scheme, host, path: f"{scheme}{host}/{path}",
              st.sampled_from(["http://", "https://", "", "//", "javascript:", "HTTP://"]), hosts, hostile_text),
)  # fmt: skip
json_values = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), hostile_text),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(hostile_text, inner, max_size=3),
    max_leaves=8,
)


def clean(value: object) -> None:
    """Every string that comes out is encodable: one lone surrogate would fail the Redis write or
    the Bot API call later, far from here."""
    if isinstance(value, str):
        value.encode("utf-8")
    elif isinstance(value, dict):
        for item in value.values():
            clean(item)
    elif isinstance(value, list | tuple):
        for item in value:
            clean(item)


def only_our_errors(call: object, *args: object, **kwargs: object) -> object:
    try:
        return call(*args, **kwargs)  # type: ignore[operator]
    except NewsbotError as exc:
        assert exc.reason  # a user-facing reason, always
        return None


@FUZZ
@given(urls, urls)
def test_urls(first: str, second: str) -> None:
    for parse in (parse_user_url, normalize_url, url_key):
        clean(only_our_errors(parse, first))
    host_of(first)
    site(first)
    may_speak_for(first, second)


def rss(title: str, link: str, date: str, body: str, raw: bool) -> bytes:
    fill = (lambda s: s) if raw else escape  # raw: the pieces may break the XML itself
    item = (f"<item><title>{fill(title)}</title><link>{fill(link)}</link><guid>{fill(title)}</guid>"
            f"<pubDate>{fill(date)}</pubDate><description>{fill(body)}</description></item>")  # fmt: skip
    doc = f'<?xml version="1.0"?><rss version="2.0"><channel><title>{fill(title)}</title>{item}{item}</channel></rss>'
    return doc.encode("utf-8", "surrogatepass")


@FUZZ
@given(hostile_text, urls, hostile_text, hostile_text, st.booleans(), st.sampled_from([None, "application/rss+xml"]))
def test_rss_and_atom(title: str, link: str, date: str, body: str, raw: bool, content_type: str | None) -> None:
    parsed = only_our_errors(parse_feed, rss(title, link, date, body, raw), url="https://ex.com/rss",
                             content_type=content_type)  # fmt: skip
    if parsed is not None:
        clean([item.to_dict() for item in parsed.items])  # type: ignore[attr-defined]


@FUZZ
@given(st.lists(st.dictionaries(st.sampled_from(["id", "url", "external_url", "title", "summary", "content_html",
                                                 "content_text", "date_published", "date_modified"]),
                                st.one_of(json_values, urls, st.sampled_from(HOSTILE))), max_size=4),
       json_values)  # fmt: skip
def test_json_feeds(items: list[dict[str, object]], title: object) -> None:
    body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": title, "items": items})
    parsed = only_our_errors(parse_feed, body.encode(), url="https://ex.com/feed.json")
    if parsed is not None:
        clean([item.to_dict() for item in parsed.items])  # type: ignore[attr-defined]
        for item in parsed.items:  # type: ignore[attr-defined]
            assert item.published is None or isinstance(item.published, datetime)


@FUZZ
@given(st.lists(st.tuples(urls, hostile_text), max_size=4), st.booleans())
def test_opml(outlines: list[tuple[str, str]], raw: bool) -> None:
    fill = (lambda s: s) if raw else (lambda s: escape(s, quote=True))
    body = "".join(f'<outline text="{fill(t)}" xmlUrl="{fill(u)}"/>' for u, t in outlines)
    data = f"<opml version='2.0'><body>{body}</body></opml>".encode("utf-8", "surrogatepass")
    clean([(f.url, f.title) for f in only_our_errors(parse_opml, data, limit=10) or []])  # type: ignore[attr-defined]


def page(charset: str, title: str, text: str, ld: object, link: str) -> str:
    ld_json = json.dumps({"@type": "NewsArticle", "headline": title, "articleBody": ld, "datePublished": text})
    paragraphs = "".join(f"<p>{text} The council met on Tuesday to weigh the plan for sentence {n}.</p>"
                         for n in range(12))  # fmt: skip
    return (f'<html lang="en"><head><meta charset="{charset}"><title>{title}</title>'
            f'<link rel="canonical" href="{link}"><link rel="alternate" type="application/rss+xml" href="{link}">'
            f'<script type="application/ld+json">{ld_json}</script></head>'
            f"<body><article><h1>{title}</h1><time>{text}</time>{paragraphs}</article></body></html>")  # fmt: skip


@FEW
@given(st.sampled_from(CHARSETS), hostile_text, hostile_text, json_values, urls)
def test_html_pages(charset: str, title: str, text: str, ld: object, link: str) -> None:
    html = page(charset, title, text, ld, link)
    body = html.encode("utf-8", "surrogatepass")
    fetched = Fetched(url="https://ex.com/a", final_url="https://ex.com/a", status=200, content_type="text/html",
                      charset=detect_charset(body, charset, "text/html"), body=body)  # fmt: skip
    decoded = fetched.text()
    for source in (html, decoded):
        article = only_our_errors(extract_html, source, "https://ex.com/a")
        if article is not None:
            clean(article.model_dump())  # type: ignore[attr-defined]
    clean(only_our_errors(discover_feeds, html, "https://ex.com/a"))


@FUZZ
@given(hostile_text)
def test_html_fragments_and_plain_text(fragment: str) -> None:
    clean(html_to_text(f"<p>{fragment}</p>{fragment}", limit=50))
    article = only_our_errors(extract_plain_text, f"{fragment}\n\n" + "Words in a plain page. " * 20, "https://ex.com")
    if article is not None:
        clean(article.model_dump())  # type: ignore[attr-defined]

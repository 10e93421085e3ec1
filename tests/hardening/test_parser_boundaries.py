"""Every parser boundary answers hostile input with our typed error or a clean result (issue M3):
invalid IDNA, charsets Python knows but pages can't use, lone surrogates in JSON, dates past year
9999. Whatever comes out must also survive what follows: UTF-8 for Redis and Telegram."""

from __future__ import annotations

import json

import pytest

from bot.digest.feeds import NotAFeed, parse_feed
from bot.digest.opml import OpmlError, parse_opml
from bot.errors import FetchError, NewsbotError
from bot.extract import extract_article, extract_html
from bot.models import Fetched
from bot.net.content import detect_charset
from bot.net.guard import AddressGuard
from bot.net.sites import may_speak_for, site
from bot.net.urls import normalize_url, parse_user_url, url_key

SENTENCE = "The harbour authority said on Monday that the new bridge would open to traffic next spring."
BODY = " ".join(f"Officials gave figure {n} of the {n * 7} lanes planned for the harbour bridge, saying costs rose."
                for n in range(1, 13))


def utf8_safe(text: str) -> bool:
    text.encode("utf-8")  # raises on a lone surrogate
    return True


# -- URLs --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url", ["http://xn--ls8h.la/", "http://a.xn--ls8h/", "http://a.com/\ud800", "http://a.com/?q=\udfff",
            "http://xn--.com/", "http://\u0378.com/", "http://" + "a" * 64 + ".com/", "http://[::1/"],
)  # fmt: skip
def test_hostile_urls_are_valid_or_a_bad_url(url: str) -> None:
    for parse in (parse_user_url, normalize_url, url_key):
        try:
            assert utf8_safe(parse(url))
        except FetchError as exc:
            assert exc.code == "bad_url" and exc.reason


def test_an_invalid_idna_host_is_its_own_site() -> None:
    assert site("http://xn--ls8h.la/a") == "xn--ls8h.la"
    assert not may_speak_for("http://xn--ls8h.la/a", "https://www.bbc.com/news")


class RefusingResolver:
    async def resolve(self, host: str, port: int) -> list[str]:
        return socket_like_idna_refusal(host)


def socket_like_idna_refusal(host: str) -> list[str]:
    # what socket.getaddrinfo raises for a label the idna codec refuses ("a..b", 64-char labels)
    raise UnicodeError("encoding with 'idna' codec failed (UnicodeError: label empty or too long)")


async def test_a_host_the_resolver_cannot_encode_is_not_found() -> None:
    guard = AddressGuard(RefusingResolver(), allow_private=False)
    with pytest.raises(FetchError) as caught:
        await guard.resolve("a..b", 443, dns_timeout=5)
    assert caught.value.code == "dns"


# -- charsets ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("label", ["undefined", "idna", "punycode", "base64", "rot13", "zlib", "utf-7"])
def test_a_charset_no_page_uses_falls_back_to_a_real_one(label: str) -> None:
    body = f'<html><head><meta charset="{label}"></head><body><p>{SENTENCE} Café.</p></body></html>'.encode()
    charset = detect_charset(body, None, "text/html")
    assert charset == "utf-8"
    assert detect_charset(body, label, "text/html") == "utf-8"  # the same label in Content-Type
    fetched = Fetched(url="https://ex.com/a", final_url="https://ex.com/a", status=200, content_type="text/html",
                      charset=label, body=body)  # fmt: skip
    assert "harbour authority" in fetched.text()  # even a Fetched built with the label decodes


async def test_an_undefined_meta_charset_page_is_still_read() -> None:
    html = (f'<html><head><meta charset="undefined"><title>Bridge</title></head><body><article><h1>Bridge</h1>'
            f"<p>{BODY}</p><p>{BODY}</p></article></body></html>").encode()  # fmt: skip
    fetched = Fetched(url="https://ex.com/a", final_url="https://ex.com/a", status=200, content_type="text/html",
                      charset=detect_charset(html, None, "text/html"), body=html)  # fmt: skip
    article = await extract_article(fetched, url="https://ex.com/a")
    assert "harbour bridge" in article.text


# -- HTML and JSON-LD --------------------------------------------------------------------------------


def test_lone_surrogates_in_json_ld_never_reach_the_article() -> None:
    ld = ('{"@type": "NewsArticle", "headline": "Bridge \\ud800 opens", "author": {"name": "Ann \\udfff Lee"},'
          '"publisher": {"name": "Harbour \\ud800 Times"}, "datePublished": "\\ud800",'
          f'"articleBody": "<p>\\udc00 {BODY}</p><p>{BODY}\\u0000</p>"}}')  # fmt: skip
    html = f'<html><head><script type="application/ld+json">{ld}</script></head><body><div id="app"></div>'
    article = extract_html(html, "https://ex.com/a")
    assert "harbour bridge" in article.text
    assert utf8_safe(article.model_dump_json()) and article.text_hash


@pytest.mark.parametrize("html", ["", "<", "\x00" * 50, "<html><body>\ud800</body></html>", "<p>" * 5000])
def test_hostile_html_is_an_extract_error(html: str) -> None:
    try:
        article = extract_html(html, "https://ex.com/a")
    except NewsbotError as exc:
        assert exc.reason
    else:
        assert utf8_safe(article.model_dump_json())


# -- feeds, OPML, dates ------------------------------------------------------------------------------


def json_feed(*items: dict[str, object]) -> bytes:
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Wire \ud800",
                       "items": list(items)}).encode()  # fmt: skip


@pytest.mark.parametrize("date", ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00", "\ud800", "2026-13-45"])
def test_json_feed_dates_out_of_range_cost_only_the_date(date: str) -> None:
    parsed = parse_feed(json_feed(
        {"id": "1", "url": "https://ex.com/odd", "title": "Odd date", "date_published": date},
        {"id": "2", "url": "https://ex.com/fine", "title": "Fine", "date_published": "2026-03-02T08:00:00Z"},
    ), url="https://ex.com/feed.json")  # fmt: skip
    assert parsed is not None
    assert [i.title for i in parsed.items] == ["Odd date", "Fine"]
    assert parsed.items[0].published is None and parsed.items[1].published is not None


def test_lone_surrogates_in_a_json_feed_never_reach_the_items() -> None:
    parsed = parse_feed(json_feed(
        {"id": "\udc00", "url": "https://ex.com/a", "title": "Bridge \ud800", "summary": "\udfff odd"},
        {"id": "2", "url": "http://xn--ls8h.la/b", "title": "Idna link"},
    ), url="https://ex.com/feed.json")  # fmt: skip
    assert parsed is not None and len(parsed.items) == 2
    for item in parsed.items:
        assert utf8_safe(json.dumps(item.to_dict(), ensure_ascii=False))
    assert utf8_safe(parsed.title)


@pytest.mark.parametrize("body", [b"{", b'{"version": "https://jsonfeed.org/version/1", "items": 5}',
                                  b"<rss><channel><item><title>x", b"\xff\xfe<\x00r\x00", b"<?xml version='1.0'?>"])
def test_broken_feeds_are_not_feeds(body: bytes) -> None:
    try:
        parsed = parse_feed(body, url="https://ex.com/feed")
    except NotAFeed as exc:
        assert exc.reason
    else:
        assert parsed is None or all(utf8_safe(json.dumps(i.to_dict(), ensure_ascii=False)) for i in parsed.items)


def test_opml_errors_are_our_errors() -> None:
    assert issubclass(OpmlError, NewsbotError)  # handlers that catch NewsbotError catch these
    with pytest.raises(OpmlError) as caught:
        parse_opml(b"<opml><body><outline xmlUrl='https://ex.com/feed'>", limit=10)
    assert caught.value.reason == "That file isn't valid OPML (XML)."

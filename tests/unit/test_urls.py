from __future__ import annotations

import pytest

from bot.errors import FetchError
from bot.net.urls import BAD_URL_REASON, host_of, normalize_url, parse_user_url, url_key


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("https://example.com/a", "https://example.com/a"),
        ("example.com/x", "https://example.com/x"),
        ("  www.example.com  ", "https://www.example.com/"),
        ("//news.example/a", "https://news.example/a"),
        ("HTTP://Example.COM:80/Path", "http://example.com/Path"),
        ("https://example.com:443/", "https://example.com/"),
        ("https://example.com:8443/", "https://example.com:8443/"),
        ("https://example.com:/x", "https://example.com/x"),
        ("https://example.com./x", "https://example.com/x"),
        ("http://bücher.de/straße?q=ä", "http://xn--bcher-kva.de/stra%C3%9Fe?q=%C3%A4"),
        ("http://EXAMPLE.com/100%/", "http://example.com/100%25/"),
        ("http://example.com/a%2Fb", "http://example.com/a%2Fb"),
        ("https://example.com/a?x=1#top", "https://example.com/a?x=1#top"),
        ("http://my_host.example.com/", "http://my_host.example.com/"),
        ("http://[::1]:8080/", "http://[::1]:8080/"),
        ("http://[::FFFF:127.0.0.1]/", "http://[::ffff:7f00:1]/"),
        # numeric hosts are rewritten to dotted quad, so the address policy sees the real value
        ("http://0x7f.1/", "http://127.0.0.1/"),
        ("http://2130706433/", "http://127.0.0.1/"),
        ("http://0177.0.0.1/", "http://127.0.0.1/"),
        ("http://127.1/", "http://127.0.0.1/"),
        ("localhost:8000/x", "https://localhost:8000/x"),
    ],
)
def test_parse_user_url_accepts_and_cleans(text: str, expected: str) -> None:
    assert parse_user_url(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "ftp://example.com/",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "data:text/html,<h1>hi</h1>",
        "mailto:someone@example.com",
        "gopher://example.com/",
        "http:example.com",
        "http://user:pass@example.com/",
        "http://user@example.com/",
        "https://bank.example@evil.example/",
        "http://exa mple.com/",
        "http://example.com/a b",
        "http://example.com\\@evil.example/",
        "http://example.com/\x00",
        "http://example.com/\r\nX-Injected: 1",
        "http://ex\u200bample.com/",
        "http://example.com\u202e/",
        "http://",
        "https:///path",
        "http://:80/",
        "http://a..b/",
        "http://-bad.example/",
        "http://" + "a" * 63 + "." + "b" * 63 + "." + "c" * 63 + "." + "d" * 63 + "/",  # 255 chars
        "http://" + "a" * 64 + ".com/",
        "http://example.com:0/",
        "http://example.com:65536/",
        "http://example.com:8o/",
        "http://[::1/",
        "http://[fe80::1%25eth0]/",
        "http://ex%61mple.com/",
        "http://1.2.3.4.5/",
        "http://example.123/",
        "http://0x/",
        "https://example.com/" + "a" * 5000,
    ],
)
def test_parse_user_url_rejects(text: str) -> None:
    with pytest.raises(FetchError) as info:
        parse_user_url(text)
    assert info.value.code == "bad_url"
    assert info.value.reason == BAD_URL_REASON == "That doesn't look like a web link."


def test_host_length_limit_is_253() -> None:
    host = ".".join(["a" * 63, "b" * 63, "c" * 63, "d" * 61])  # 253 chars
    assert parse_user_url(f"http://{host}/") == f"http://{host}/"
    with pytest.raises(FetchError):
        parse_user_url(f"http://{host}x/")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://WWW.Example.COM:443/a?b=2&a=1#frag", "https://www.example.com/a?a=1&b=2"),
        (
            "https://example.com/story?utm_source=tg&utm_medium=social&UTM_Campaign=x&id=42",
            "https://example.com/story?id=42",
        ),
        (
            "https://example.com/s?fbclid=a&gclid=b&dclid=c&msclkid=d&mc_cid=e&mc_eid=f&igshid=g"
            "&yclid=h&_ga=i&ref_src=j&cmpid=k&CMP=share&_hsenc=l&mkt_tok=m&p=2",
            "https://example.com/s?p=2",
        ),
        ("https://example.com/s?utm_source=x", "https://example.com/s"),
        ("https://example.com/s?", "https://example.com/s"),
        ("https://example.com/s?&&a=1&&", "https://example.com/s?a=1"),
        ("https://example.com", "https://example.com/"),
        ("http://example.com:80/x", "http://example.com/x"),
        ("https://example.com/%7euser/%2f?q=%e2%82%ac", "https://example.com/~user/%2F?q=%E2%82%AC"),
        ("https://example.com/a?q=a+b&q=a", "https://example.com/a?q=a&q=a+b"),
        ("example.com/news/1", "https://example.com/news/1"),
        # params that select the article survive
        ("https://news.example/article.php?id=7&page=2", "https://news.example/article.php?id=7&page=2"),
        ("https://www.youtube.com/watch?v=abc&feature=share", "https://www.youtube.com/watch?feature=share&v=abc"),
    ],
)
def test_normalize_url(url: str, expected: str) -> None:
    assert normalize_url(url) == expected


def test_same_article_same_identity() -> None:
    spellings = [
        "https://news.example/world/story-1?id=9",
        "HTTPS://NEWS.EXAMPLE:443/world/story-1?id=9#comments",
        "news.example/world/story-1?utm_source=telegram&id=9&fbclid=xyz",
        "https://news.example/world/story-1?id=9&utm_campaign=a&gclid=1",
    ]
    assert len({normalize_url(u) for u in spellings}) == 1
    keys = {url_key(u) for u in spellings}
    assert len(keys) == 1
    key = keys.pop()
    assert len(key) == 16 and int(key, 16) >= 0
    assert url_key("https://news.example/world/story-2?id=9") != key
    assert url_key("https://news.example/world/story-1?id=10") != key


def test_normalize_is_idempotent() -> None:
    url = "http://Bücher.de/a%7e/b?z=1&utm_x=2&a=%c3%a4#f"
    once = normalize_url(url)
    assert normalize_url(once) == once


@pytest.mark.parametrize("bad", ["javascript:alert(1)", "http://u@h.example/", "not a url"])
def test_normalize_and_key_raise_bad_url(bad: str) -> None:
    for func in (normalize_url, url_key):
        with pytest.raises(FetchError) as info:
            func(bad)
        assert info.value.code == "bad_url"


@pytest.mark.parametrize(
    ("url", "host"),
    [
        ("https://www.Example.com/a", "example.com"),
        ("http://news.example:8080/x", "news.example"),
        ("https://www2.example.com/", "www2.example.com"),
        ("http://[::1]/", "::1"),
    ],
)
def test_host_of(url: str, host: str) -> None:
    assert host_of(url) == host
    assert host_of(url, fallback=url) == host


@pytest.mark.parametrize("url", [None, "", "text:abc123", "www.example.com/a", "http://[::1", "http://a:b@[x]/"])
def test_host_of_without_a_host_gives_the_fallback(url: str | None) -> None:
    assert host_of(url) == ""
    if url:
        # The fallback loses its "www." too: "www.example.com/a" (no scheme) shows as "example.com/a".
        assert host_of(url, fallback=url) == url.removeprefix("www.")

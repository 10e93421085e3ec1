"""Canonical URLs on shared hosts (issue M2): a page may speak for another page of its own site
only; one tenant of substack.com, telegra.ph, github.io… never for another."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
import redis.asyncio as redis_async

from bot.config import load_settings
from bot.models import Fetched
from bot.net.sites import may_speak_for, site
from bot.net.urls import normalize_url, url_key
from bot.pipeline import Pipeline
from bot.store.cache import Cache
from bot.store.guard import RedisGuard
from bot.store.redis import connect
from bot.store.singleflight import SingleFlight
from tests.fakes.article_server import PAGES_DIR

CROSS_TENANT = [
    ("https://alice.substack.com/p/a", "https://bob.substack.com/p/b"),
    ("https://alice.wordpress.com/2026/a", "https://bob.wordpress.com/2026/b"),
    ("https://alice.github.io/a", "https://bob.github.io/b"),
    ("https://alice.blogspot.com/a", "https://bob.blogspot.com/b"),
    ("https://medium.com/@alice/a", "https://medium.com/@bob/b"),
    ("https://alice.medium.com/a", "https://bob.medium.com/b"),
    ("https://telegra.ph/Alice-03-02", "https://telegra.ph/Bob-03-02"),
    ("https://sites.google.com/view/alice", "https://sites.google.com/view/bob"),
    ("https://evil.example/x", "https://www.bbc.com/news/world-1"),
]
SAME_SITE = [
    ("https://www.example.com/a?utm_source=x", "https://example.com/a"),
    ("https://amp.example.co.uk/a", "https://news.example.co.uk/a"),
    ("https://alice.substack.com/p/a?s=r", "https://alice.substack.com/p/a"),
    ("https://telegra.ph/Alice-03-02/", "https://telegra.ph/Alice-03-02"),
]


@pytest.mark.parametrize(("page", "claimed"), CROSS_TENANT)
def test_no_page_speaks_for_another_tenant(page: str, claimed: str) -> None:
    assert not may_speak_for(page, claimed)


@pytest.mark.parametrize(("page", "claimed"), SAME_SITE)
def test_a_page_speaks_for_its_own_site(page: str, claimed: str) -> None:
    assert may_speak_for(page, claimed)


def test_odd_hosts_stand_alone() -> None:
    assert site("http://127.0.0.1:8080/a") == "127.0.0.1"
    assert site("https://xn--ls8h.la/") == "xn--ls8h.la"
    assert site("https://localhost/") == "localhost"


def test_the_suffix_list_is_never_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    from bot.net import sites

    sites._extractor.cache_clear()

    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("the public suffix list must come from the package, not the network")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    assert site("https://x.github.io/") == "x.github.io"


class Web:
    """The network as the pipeline's fetcher sees it: fixed pages by address."""

    def __init__(self, pages: dict[str, str]) -> None:
        self.pages = pages
        self.fetched: list[str] = []

    async def fetch(self, url: str, **_: object) -> Fetched:
        self.fetched.append(url)
        return Fetched(url, url, 200, "text/html", "utf-8", self.pages[url].encode())

    async def aclose(self) -> None:
        pass


@pytest.fixture
async def client(redis_url: str) -> AsyncIterator[redis_async.Redis]:
    redis = connect(redis_url)
    await redis.flushdb()
    yield redis
    await redis.aclose()


def claiming(canonical: str) -> str:
    html = (PAGES_DIR / "seed.html").read_text(encoding="utf-8")
    head = f'<link rel="canonical" href="{canonical}">'
    return html.replace("<head>", f"<head>{head}", 1) if "<head>" in html else head + html


@pytest.mark.parametrize(
    ("attacker", "victim", "same_site"),
    [
        ("https://mallory.substack.com/p/story", "https://bob.substack.com/p/story", "https://bob.substack.com/p/x"),
        ("https://telegra.ph/Mallory-03-02", "https://telegra.ph/Bob-03-02", "https://telegra.ph/Bob-03-02/"),
    ],
)
async def test_a_tenant_cannot_plant_its_page_under_another_tenants_address(
    client: redis_async.Redis, attacker: str, victim: str, same_site: str
) -> None:
    web = Web({attacker: claiming(victim), same_site: claiming(victim)})
    guard = RedisGuard()
    cache = Cache(client, guard)
    pipeline = Pipeline(load_settings(), cache, SingleFlight(client, guard), web, None)  # type: ignore[arg-type]

    await pipeline.article(attacker)
    assert await cache.get_article(url_key(normalize_url(victim))) is None  # not served for bob's link

    await pipeline.article(same_site)  # bob's own page may name bob's page as its canonical
    assert await cache.get_article(url_key(normalize_url(victim))) is not None

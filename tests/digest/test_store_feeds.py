from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import redis.asyncio as redis_async

from bot.digest.feeds import parse_feed
from bot.models import FeedItem
from bot.store.feeds import (
    BACKOFF_BASE,
    BACKOFF_CAP,
    ITEM_TTL,
    FeedState,
    FeedStateStore,
    ItemStore,
    item_hash,
    item_key,
    state_key,
)
from bot.store.redis import connect

NOW = datetime(2026, 5, 5, 12, 0, tzinfo=UTC)
FEED = "https://news.example.com/rss"
OTHER = "https://other.example.org/feed"
DATA = Path(__file__).resolve().parent.parent / "data" / "feeds"


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[redis_async.Redis]:
    client = connect(redis_url)
    yield client
    await client.aclose()


def item(path: str, hours_ago: float | None, feed: str = FEED, title: str = "") -> FeedItem:
    url = f"https://news.example.com/{path}"
    return FeedItem(
        key=url,
        guid=None,
        url=url,
        title=title or f"Story {path}",
        summary="",
        published=None if hours_ago is None else NOW - timedelta(hours=hours_ago),
        feed_url=feed,
        source="Example",
    )


# -- feed state -----------------------------------------------------------------------------------


async def test_unknown_feed_has_a_clean_state(redis: redis_async.Redis) -> None:
    state = await FeedStateStore(redis).get(FEED)
    assert state == FeedState() and state.due(NOW)


async def test_failures_back_off_exponentially_up_to_a_cap(redis: redis_async.Redis) -> None:
    store = FeedStateStore(redis)
    first = await store.record_failure(FEED, now=NOW, error="timeout")
    assert first.failures == 1 and first.first_failure == NOW and first.last_error == "timeout"
    assert first.backoff_until == NOW + timedelta(seconds=BACKOFF_BASE)
    assert not first.due(NOW) and first.due(NOW + timedelta(seconds=BACKOFF_BASE))
    later = NOW + timedelta(hours=1)
    second = await store.record_failure(FEED, now=later, error="HTTP 503")
    assert second.failures == 2 and second.first_failure == NOW  # streak start is kept
    assert second.backoff_until == later + timedelta(seconds=2 * BACKOFF_BASE)
    for _ in range(30):
        state = await store.record_failure(FEED, now=later, error="HTTP 503")
    assert state.backoff_until == later + timedelta(seconds=BACKOFF_CAP)
    assert await store.get(FEED) == state
    assert 0 < await redis.ttl(state_key(FEED)) <= 30 * 24 * 3600


async def test_reported_once_per_failure_streak(redis: redis_async.Redis) -> None:
    store = FeedStateStore(redis)
    await store.record_failure(FEED, now=NOW, error="x")
    assert await store.mark_reported(FEED)
    assert not await store.mark_reported(FEED)
    assert (await store.get(FEED)).reported
    previous = await store.record_success(FEED, now=NOW, etag='"v1"')
    assert previous.reported and previous.failures == 1  # caller can say "works again"
    state = await store.get(FEED)
    assert (state.failures, state.first_failure, state.backoff_until, state.reported) == (0, None, None, False)
    await store.record_failure(FEED, now=NOW, error="x")
    assert await store.mark_reported(FEED)  # a new streak is reported again


async def test_validators_are_kept_on_304_and_replaced_on_200(redis: redis_async.Redis) -> None:
    store = FeedStateStore(redis)
    await store.record_success(FEED, now=NOW, etag='W/"abc"', last_modified="Tue, 05 May 2026 10:00:00 GMT")
    await store.record_success(FEED, now=NOW + timedelta(minutes=30), not_modified=True)
    state = await store.get(FEED)
    assert state.etag == 'W/"abc"' and state.last_modified == "Tue, 05 May 2026 10:00:00 GMT"
    assert state.last_success == NOW + timedelta(minutes=30)
    await store.record_success(FEED, now=NOW + timedelta(hours=1), etag='"new"')
    state = await store.get(FEED)
    assert state.etag == '"new"' and state.last_modified is None
    many = await store.get_many([FEED, OTHER])
    assert many[FEED] == state and many[OTHER] == FeedState()


# -- items ------------------------------------------------------------------------------------------


async def test_add_returns_only_new_items(redis: redis_async.Redis) -> None:
    store = ItemStore(redis)
    batch = [item("a", 1), item("b", 2), item("a", 1)]
    new = await store.add(FEED, batch, now=NOW)
    assert [i.key for i in new] == ["https://news.example.com/a", "https://news.example.com/b"]
    assert all(i.seen == NOW for i in new)
    later = NOW + timedelta(minutes=15)
    again = await store.add(FEED, [*batch, item("c", 0.5)], now=later)
    assert [(i.key, i.seen) for i in again] == [("https://news.example.com/c", later)]
    assert await store.add(FEED, [], now=NOW) == []


async def test_items_since_filters_by_time_and_feed_newest_first(redis: redis_async.Redis) -> None:
    store = ItemStore(redis)
    await store.add(FEED, [item("a", 1), item("b", 20), item("undated", None)], now=NOW)
    await store.add(OTHER, [item("x", 3, feed=OTHER)], now=NOW)
    await store.add("https://third.example.net/rss", [item("t", 1)], now=NOW)
    since = NOW - timedelta(hours=12)
    found = await store.items_since([FEED, OTHER, FEED], since)
    assert [i.url.rsplit("/", 1)[-1] for i in found] == ["undated", "a", "x"]  # type: ignore[union-attr]
    undated = found[0]
    assert undated.published is None and undated.seen == NOW  # its time is when we first saw it
    assert found[2].feed_url == OTHER
    assert await store.items_since([], since) == []
    assert await store.items_since(["https://nothing.example/rss"], since) == []


async def test_bad_dates_and_old_items(redis: redis_async.Redis) -> None:
    store = ItemStore(redis)
    future = item("future", -30)  # published 30 h from now: a broken clock
    ancient = item("ancient", 24 * 10)
    new = await store.add(FEED, [future, ancient], now=NOW)
    assert [i.key for i in new] == [future.key]  # too old to be worth keeping
    assert new[0].published is None and new[0].seen == NOW
    assert [i.key for i in await store.items_since([FEED], NOW - timedelta(days=30))] == [future.key]


async def test_items_expire_and_lingering_items_are_never_new_twice(redis: redis_async.Redis) -> None:
    store = ItemStore(redis)
    undated = item("evergreen", None)
    await store.add(FEED, [undated], now=NOW)
    ttl = await redis.ttl(item_key(FEED, item_hash(undated)))
    assert ITEM_TTL - 5 <= ttl <= ITEM_TTL
    # the feed keeps listing it for three days: it is never reported as new again...
    for hours in (12, 30, 50, 72):
        assert await store.add(FEED, [undated], now=NOW + timedelta(hours=hours)) == []
    # ...and drops out of the recent window once it is older than ITEM_TTL
    assert await store.items_since([FEED], NOW + timedelta(hours=72) - timedelta(days=1)) == []


async def test_parsed_feed_items_round_trip(redis: redis_async.Redis) -> None:
    feed = parse_feed((DATA / "rss2.xml").read_bytes(), url=FEED)
    assert feed is not None
    store = ItemStore(redis)
    now = datetime(2026, 5, 5, 12, tzinfo=UTC)
    new = await store.add(FEED, feed.items, now=now)
    assert len(new) == len(feed.items)
    stored = await store.items_since([FEED], now - timedelta(hours=24))
    assert {i.key for i in stored} == {i.key for i in feed.items}
    by_key = {i.key: i for i in stored}
    for original in feed.items:
        assert by_key[original.key].title == original.title
        assert by_key[original.key].published == original.published

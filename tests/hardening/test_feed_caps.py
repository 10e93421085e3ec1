"""A feed rotating items can't grow Redis without bound (issue M6): the newest MAX_ITEMS_KEPT items
are kept per feed, the bodies of the others deleted, and the memory of seen items is capped."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
import redis.asyncio as redis_async

from bot.models import FeedItem
from bot.store.feeds import MAX_ITEMS_KEPT, MAX_SEEN_KEPT, ItemStore, item_hash, item_key, items_key, seen_key
from bot.store.redis import connect

NOW = datetime(2026, 5, 5, 12, 0, tzinfo=UTC)
FEED = "https://hostile.example/rss"


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[redis_async.Redis]:
    client = connect(redis_url)
    await client.flushdb()
    yield client
    await client.aclose()


def rotating(batch: int, size: int = 100) -> list[FeedItem]:
    """One fetch of a feed that shows ``size`` brand-new items every time, newest first."""
    return [
        FeedItem(key=f"https://hostile.example/{batch}/{n}", guid=None, url=f"https://hostile.example/{batch}/{n}",
                 title=f"Item {batch}/{n}", summary="x" * 500,
                 published=NOW - timedelta(minutes=batch * 100 + n), feed_url=FEED, source="Hostile")
        for n in range(size)
    ]  # fmt: skip


async def test_items_per_feed_are_capped_newest_first_with_their_bodies(redis: redis_async.Redis) -> None:
    store = ItemStore(redis)
    batches = [rotating(b) for b in range(12)]
    for batch in reversed(batches):  # oldest batch first, as time goes by
        await store.add(FEED, batch, now=NOW)
    assert await redis.zcard(items_key(FEED)) == MAX_ITEMS_KEPT
    assert await redis.zcard(seen_key(FEED)) <= MAX_SEEN_KEPT
    kept = await store.items_since([FEED], NOW - timedelta(days=2))
    newest = [i for b in batches for i in b][:MAX_ITEMS_KEPT]
    assert [i.key for i in kept] == [i.key for i in newest]
    bodies = [key async for key in redis.scan_iter(match=item_key(FEED, "*"))]
    assert len(bodies) == MAX_ITEMS_KEPT
    assert all(ttl > 0 for ttl in [await redis.ttl(key) for key in bodies])  # and each expires anyway


async def test_a_fetch_beyond_the_cap_returns_only_what_it_kept(redis: redis_async.Redis) -> None:
    new = await ItemStore(redis).add(FEED, rotating(0, size=300), now=NOW)
    assert len(new) == MAX_ITEMS_KEPT
    assert {item_hash(i) for i in new} == set(await redis.zrange(items_key(FEED), 0, -1))

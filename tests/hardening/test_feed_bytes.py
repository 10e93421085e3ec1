"""Feed bytes per chat per day (issue M6): a chat whose own feeds rotate megabytes is stopped for
the rest of the UTC day, logged once; a feed it shares with others keeps being polled for them,
and the next day the chat starts afresh."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import pytest
import redis.asyncio as redis_async

from bot.digest.feedbudget import FeedByteBudget
from bot.store.feedbytes import FeedBytesStore, bytes_key, over_key
from bot.store.subscriptions import SubscriptionStore

NOW = datetime(2026, 5, 5, 12, 0, tzinfo=UTC)
LIMIT = 1024 * 1024
HOSTILE, READER = 8101, 8102
PRIVATE = [f"https://hostile{n}.example/rss" for n in range(4)]
SHARED = "https://news.example/rss"


@pytest.fixture
async def world(clients: list[redis_async.Redis]) -> tuple[FeedByteBudget, redis_async.Redis]:
    redis = clients[0]
    subs = SubscriptionStore(redis, limit=20)
    for url in [*PRIVATE, SHARED]:
        await subs.add(HOSTILE, url, url)
    await subs.add(READER, SHARED, SHARED)
    return FeedByteBudget(FeedBytesStore(redis), subs, per_chat_day=LIMIT, feeds_per_chat=4), redis


async def test_a_chat_over_its_daily_feed_bytes_is_stopped_once_until_tomorrow(
    world: tuple[FeedByteBudget, redis_async.Redis], caplog: pytest.LogCaptureFixture
) -> None:
    budget, redis = world
    caplog.set_level(logging.WARNING, logger="bot.digest.feedbudget")
    await budget.charge(SHARED, LIMIT, NOW)  # shared by two chats: half each, still within
    assert not await budget.is_over(HOSTILE, NOW) and not await budget.is_over(READER, NOW)

    for poll in range(3):  # every poll, each private feed rotates a fresh 200 KB
        for url in PRIVATE:
            await budget.charge(url, 200 * 1024, NOW + timedelta(minutes=15 * poll))
    assert await budget.is_over(HOSTILE, NOW)
    assert not await budget.is_over(READER, NOW)
    stopped = await budget.stopped_feeds(NOW)
    assert stopped == set(PRIVATE)  # the shared feed still serves the reader
    for url in PRIVATE:  # charged again (a poll already under way): still one line
        await budget.charge(url, 200 * 1024, NOW)
    lines = [r for r in caplog.records if "daily feed bytes" in r.getMessage()]
    assert len(lines) == 1 and getattr(lines[0], "chat_id", None) == HOSTILE

    tomorrow = NOW + timedelta(days=1)
    assert not await budget.is_over(HOSTILE, tomorrow) and await budget.stopped_feeds(tomorrow) == set()
    for key in (bytes_key("2026-05-05"), over_key("2026-05-05")):
        assert 0 < await redis.ttl(key) <= 2 * 86400  # the day's counters expire


async def test_a_popular_feed_never_looks_up_its_followers(
    world: tuple[FeedByteBudget, redis_async.Redis], monkeypatch: pytest.MonkeyPatch
) -> None:
    budget, _ = world
    looked: list[str] = []
    original = budget.subscriptions.chats_following

    async def counting(url: str) -> list[int]:
        looked.append(url)
        return await original(url)

    monkeypatch.setattr(budget.subscriptions, "chats_following", counting)
    await budget.charge(SHARED, LIMIT // 8, NOW)  # a share below limit / feeds per chat: cheap
    assert looked == []
    await budget.charge(PRIVATE[0], LIMIT // 2, NOW)
    assert looked == [PRIVATE[0]]

"""Feed bytes fetched per UTC day: per feed, and the chats that went over their share.

Keys (all under PREFIX, each kept two days):
* ``feedbytes:<day>``       hash: feed identity (normalized URL) -> bytes fetched that day
* ``feedbytes:<day>:over``  set: chats over their daily feed bytes
"""

from __future__ import annotations

from collections.abc import Awaitable
from datetime import datetime
from typing import cast

import redis.asyncio as redis_async

from bot.store.keys import PREFIX
from bot.store.subscriptions import FEEDS_KEY, subs_key

KEEP_SECONDS = 2 * 86400


def bytes_key(day: str) -> str:
    return f"{PREFIX}:feedbytes:{day}"


def over_key(day: str) -> str:
    return f"{PREFIX}:feedbytes:{day}:over"


def day_of(now: datetime) -> str:
    return now.strftime("%Y-%m-%d")


class FeedBytesStore:
    def __init__(self, redis: redis_async.Redis) -> None:
        self.redis = redis

    async def add(self, ident: str, size: int, now: datetime) -> tuple[int, int]:
        """Count ``size`` bytes fetched for the feed; (bytes today, chats following it)."""
        key = bytes_key(day_of(now))
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hincrby(key, ident, size)
            pipe.expire(key, KEEP_SECONDS)
            pipe.zscore(FEEDS_KEY, ident)
            total, _, followers = await pipe.execute()
        return int(total), int(followers or 0)

    async def chat_share(self, chat_id: int, now: datetime) -> int:
        """The chat's share of today's feed bytes: each feed's bytes split among its followers."""
        idents = await cast(Awaitable[list[str]], self.redis.hkeys(subs_key(chat_id)))
        if not idents:
            return 0
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.hmget(bytes_key(day_of(now)), idents)
            pipe.zmscore(FEEDS_KEY, idents)
            sizes, followers = await pipe.execute()
        return sum(int(size or 0) // max(1, int(count or 1)) for size, count in zip(sizes, followers, strict=True))

    async def mark_over(self, chat_id: int, now: datetime) -> bool:
        """Record the chat as over for today; True the first time."""
        key = over_key(day_of(now))
        async with self.redis.pipeline(transaction=False) as pipe:
            pipe.sadd(key, chat_id)
            pipe.expire(key, KEEP_SECONDS)
            added, _ = await pipe.execute()
        return bool(added)

    async def is_over(self, chat_id: int, now: datetime) -> bool:
        return bool(await cast(Awaitable[int], self.redis.sismember(over_key(day_of(now)), str(chat_id))))

    async def over_chats(self, now: datetime) -> list[int]:
        return [int(c) for c in await cast(Awaitable[set[str]], self.redis.smembers(over_key(day_of(now))))]

    async def feeds_of(self, chat_id: int) -> list[str]:
        return list(await cast(Awaitable[list[str]], self.redis.hkeys(subs_key(chat_id))))

    async def followers(self, idents: list[str]) -> dict[str, int]:
        if not idents:
            return {}
        counts = await cast(Awaitable[list[float | None]], self.redis.zmscore(FEEDS_KEY, idents))
        return {ident: int(count or 0) for ident, count in zip(idents, counts, strict=True)}

"""Per-user rate limits: a fixed one-minute window counted in Redis (shared by all replicas)."""

from __future__ import annotations

import time

import redis.asyncio as redis_async

from bot.store.guard import RedisGuard
from bot.store.keys import PREFIX


def rate_key(kind: str, subject: int | str, window_start: int) -> str:
    return f"{PREFIX}:rate:{kind}:{subject}:{window_start}"


class RateLimiter:
    def __init__(self, redis: redis_async.Redis, guard: RedisGuard, *, window: int = 60) -> None:
        self.redis = redis
        self.guard = guard
        self.window = window

    async def allow(self, kind: str, subject: int | str, limit: int, cost: int = 1) -> bool:
        """Count `cost` hits; False once the subject went over `limit` in this window.
        Without Redis nobody is limited: better to serve than to refuse everyone."""
        start = int(time.time()) // self.window * self.window
        key = rate_key(kind, subject, start)

        async def op() -> int:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.incrby(key, cost)
                pipe.expire(key, self.window + 5)
                count, _ = await pipe.execute()
                return int(count)

        return await self.guard.call(op, 0) <= limit

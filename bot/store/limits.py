"""Per-user rate limits: a sliding one-minute window counted in Redis (shared by all replicas)."""

from __future__ import annotations

import secrets
import time
from collections.abc import Awaitable
from typing import cast

import redis.asyncio as redis_async

from bot.store.guard import RedisGuard
from bot.store.keys import PREFIX

# Drop hits older than the window, then admit `cost` hits only if they fit under the limit.
_SLIDING = """
redis.call('zremrangebyscore', KEYS[1], '-inf', ARGV[1] - ARGV[2])
local count = redis.call('zcard', KEYS[1])
local cost = tonumber(ARGV[4])
if count + cost > tonumber(ARGV[3]) then return 0 end
for i = 1, cost do redis.call('zadd', KEYS[1], ARGV[1], ARGV[5] .. ':' .. i) end
redis.call('pexpire', KEYS[1], math.ceil(ARGV[2]))
return 1
"""


def rate_key(kind: str, subject: int | str) -> str:
    return f"{PREFIX}:rate:{kind}:{subject}"


class RateLimiter:
    def __init__(self, redis: redis_async.Redis, guard: RedisGuard, *, window: float = 60.0) -> None:
        self.redis = redis
        self.guard = guard
        self.window = window

    async def allow(self, kind: str, subject: int | str, limit: int, cost: int = 1) -> bool:
        """Admit `cost` hits if the subject stays within `limit` per window; refused hits don't
        count. Without Redis nobody is limited: better to serve than to refuse everyone."""
        now_ms = time.time() * 1000

        async def op() -> bool:
            admitted = self.redis.eval(
                _SLIDING, 1, rate_key(kind, subject), now_ms, self.window * 1000, limit, cost,
                secrets.token_hex(6),
            )  # fmt: skip
            return bool(await cast(Awaitable[int], admitted))

        return await self.guard.call(op, True)

"""Rate limits on whatever a user (or a channel) makes the bot do: one sliding-window limiter in
Redis, shared by every process, that says how long to wait when it refuses."""

from __future__ import annotations

import math
import secrets
from collections.abc import Awaitable
from dataclasses import dataclass
from typing import cast

import redis.asyncio as redis_async

from bot.store.guard import RedisGuard
from bot.store.keys import PREFIX

# Drop hits older than the window, then admit `cost` hits only if they fit under the limit; when
# they don't, answer how many ms until enough old hits leave the window. Times come from the
# Redis server so processes on different hosts agree. 0 = admitted.
_SLIDING = """
local t = redis.call('time')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local window = tonumber(ARGV[1])
local limit = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
if cost > limit then return window end
redis.call('zremrangebyscore', KEYS[1], '-inf', now - window)
local count = redis.call('zcard', KEYS[1])
local excess = count + cost - limit
if excess > 0 then
  local oldest = redis.call('zrange', KEYS[1], excess - 1, excess - 1, 'WITHSCORES')
  return math.max(1, math.ceil(tonumber(oldest[2]) + window - now))
end
for i = 1, cost do redis.call('zadd', KEYS[1], now, ARGV[4] .. ':' .. i) end
redis.call('pexpire', KEYS[1], window)
return 0
"""


@dataclass(frozen=True)
class Rule:
    """At most ``limit`` hits of ``kind`` per ``window`` seconds for one subject."""

    kind: str
    limit: int
    window: float = 60.0


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int = 0  # whole seconds until the refused hits would fit (0 when allowed)
    grant: str = ""  # names the admitted hits, so some can be given back (``RateLimiter.refund``)


ALLOWED = Verdict(True)


def rate_key(kind: str, subject: str) -> str:
    return f"{PREFIX}:rate:{kind}:{subject}"


def user_subject(user_id: int) -> str:
    return f"u{user_id}"


def chat_subject(chat_id: int) -> str:
    """For updates with no person behind them (channel posts, anonymous admins)."""
    return f"c{chat_id}"


class RateLimiter:
    def __init__(self, redis: redis_async.Redis, guard: RedisGuard) -> None:
        self.redis = redis
        self.guard = guard

    async def allow(self, rule: Rule, subject: str, cost: int = 1) -> Verdict:
        """Admit ``cost`` hits if ``subject`` stays within ``rule``; refused hits don't count.
        Without Redis nobody is limited: better to serve than to refuse everyone."""
        window_ms = max(1, math.ceil(rule.window * 1000))

        async def op() -> Verdict:
            grant = secrets.token_hex(6)
            waited = self.redis.eval(_SLIDING, 1, rate_key(rule.kind, subject), window_ms, rule.limit, cost, grant)
            wait_ms = int(await cast(Awaitable[int], waited))
            return Verdict(True, grant=grant) if wait_ms <= 0 else Verdict(False, math.ceil(wait_ms / 1000))

        return await self.guard.call(op, ALLOWED)

    async def refund(self, rule: Rule, subject: str, verdict: Verdict, hits: int, *, first: int = 1) -> None:
        """Give back ``hits`` of the hits ``verdict`` admitted, from its ``first`` (1-based): work
        that turned out cheaper than counted."""
        if not verdict.grant or hits <= 0:
            return
        members = [f"{verdict.grant}:{i}" for i in range(first, first + hits)]

        async def op() -> None:
            await self.redis.zrem(rate_key(rule.kind, subject), *members)

        await self.guard.call(op, None)

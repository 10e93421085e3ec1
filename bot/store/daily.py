"""Today's figures (UTC), kept in Redis so every replica adds to the same totals.

One hash per day holds the counters (``bot.metrics`` adds to them), a HyperLogLog the distinct
users, and a second hash the LLM tokens per user — what the daily budgets are checked against.
Writes are fire-and-forget tasks: counting never delays or breaks a reply, and a lost increment
during a Redis outage only makes a figure a little low.

The budgets are the exception: an LLM call first holds its estimated tokens (a Lua script checks
the budgets and adds the hold in one step, so concurrent calls near a limit can't all pass), and
is settled to the tokens it really used once it answered.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, cast

import redis.asyncio as redis_async
from redis.exceptions import RedisError

from bot.metrics import TokenHold
from bot.store.keys import PREFIX

log = logging.getLogger(__name__)

KEEP_DAYS = 8  # a week of figures, then they expire
FIELDS = ("summaries", "errors", "cache_hits", "cache_misses", "llm_tokens", "llm_cost", "fallbacks",
          "budget_refusals")  # fmt: skip


def today() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d")


def _totals_key(day: str) -> str:
    return f"{PREFIX}:daily:{day}"


def _users_key(day: str) -> str:
    return f"{PREFIX}:daily:{day}:users"


def _user_tokens_key(day: str) -> str:
    return f"{PREFIX}:daily:{day}:user_tokens"


# KEYS: today's totals, today's tokens per user. ARGV: user ("" for none), tokens, user limit,
# global limit (0 = none), seconds to keep. Returns the budget without room, or "" once held.
_HOLD_SCRIPT = """
local user, tokens = ARGV[1], tonumber(ARGV[2])
local user_limit, global_limit, keep = tonumber(ARGV[3]), tonumber(ARGV[4]), tonumber(ARGV[5])
if global_limit > 0 and tonumber(redis.call('HGET', KEYS[1], 'llm_tokens') or '0') >= global_limit then
  return 'global'
end
if user ~= '' and user_limit > 0 and tonumber(redis.call('HGET', KEYS[2], user) or '0') >= user_limit then
  return 'user'
end
redis.call('HINCRBYFLOAT', KEYS[1], 'llm_tokens', tokens)
redis.call('EXPIRE', KEYS[1], keep)
if user ~= '' then
  redis.call('HINCRBY', KEYS[2], user, tokens)
  redis.call('EXPIRE', KEYS[2], keep)
end
return ''
"""


@dataclass(frozen=True)
class DayFigures:
    day: str
    users: int
    totals: dict[str, float]

    def __getitem__(self, field: str) -> float:
        return self.totals.get(field, 0.0)

    @property
    def cache_hit_rate(self) -> float | None:
        lookups = self["cache_hits"] + self["cache_misses"]
        return self["cache_hits"] / lookups if lookups else None


class DailyStats:
    """``bot.metrics.DailySink`` on Redis, plus the reads for /stats and the budgets."""

    def __init__(self, redis: redis_async.Redis, *, today: Callable[[], str] = today) -> None:
        self.redis = redis
        self.today = today
        self._pending: set[asyncio.Task[Any]] = set()

    def add(self, field: str, amount: float = 1, *, user: int | None = None) -> None:
        day = self.today()

        async def write() -> None:
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.hincrbyfloat(_totals_key(day), field, amount)
                pipe.expire(_totals_key(day), KEEP_DAYS * 86400)
                if user is not None and field == "llm_tokens":
                    pipe.hincrby(_user_tokens_key(day), str(user), int(amount))
                    pipe.expire(_user_tokens_key(day), KEEP_DAYS * 86400)
                await pipe.execute()

        self._spawn(write)

    async def hold_tokens(self, user: int | None, tokens: int, *, user_limit: int, global_limit: int) -> TokenHold:
        """Set ``tokens`` aside for one LLM call unless a budget (0 = none) is already reached.

        A call is let in while the tokens spent and held are below the limit, so the day ends at
        most one call's hold over it (the hold is the call's most: prompt estimate + max output)."""
        day = self.today()
        keys = [_totals_key(day), _user_tokens_key(day)]
        args: list[str | int] = ["" if user is None else str(user), tokens, user_limit, global_limit,
                                 KEEP_DAYS * 86400]  # fmt: skip
        refused = await cast(Awaitable[bytes | str | None], self.redis.eval(_HOLD_SCRIPT, len(keys), *keys, *args))
        if isinstance(refused, bytes):
            refused = refused.decode()
        if refused:
            return TokenHold(day=day, user=user, tokens=0, refused=refused)
        return TokenHold(day=day, user=user, tokens=tokens)

    def settle_tokens(self, hold: TokenHold, used: int) -> None:
        """Correct a hold to the tokens its call used (on the hold's day, even past midnight)."""
        delta = used - hold.tokens
        if not delta:
            return

        async def write() -> None:
            async with self.redis.pipeline(transaction=True) as pipe:
                pipe.hincrbyfloat(_totals_key(hold.day), "llm_tokens", delta)
                if hold.user is not None:
                    pipe.hincrby(_user_tokens_key(hold.day), str(hold.user), delta)
                await pipe.execute()

        self._spawn(write)

    def saw_user(self, user: int) -> None:
        day = self.today()

        async def write() -> None:
            async with self.redis.pipeline(transaction=False) as pipe:
                pipe.pfadd(_users_key(day), str(user))
                pipe.expire(_users_key(day), KEEP_DAYS * 86400)
                await pipe.execute()

        self._spawn(write)

    def _spawn(self, write: Callable[[], Awaitable[None]]) -> None:
        try:
            task = asyncio.get_running_loop().create_task(self._quietly(write))
        except RuntimeError:  # no event loop (a synchronous caller): nothing to count for
            return
        self._pending.add(task)
        task.add_done_callback(self._pending.discard)

    @staticmethod
    async def _quietly(write: Callable[[], Awaitable[None]]) -> None:
        try:
            await write()
        except (RedisError, OSError) as exc:
            log.debug("daily figures not written", extra={"error": str(exc)})

    async def flush(self) -> None:
        """Wait for the writes under way (shutdown, tests)."""
        if self._pending:
            await asyncio.gather(*list(self._pending), return_exceptions=True)

    async def figures(self, day: str | None = None) -> DayFigures:
        day = day or self.today()
        raw = await cast(Awaitable[dict[str, str]], self.redis.hgetall(_totals_key(day)))
        users = await self.redis.pfcount(_users_key(day))
        totals = {k: float(v) for k, v in raw.items()}
        return DayFigures(day=day, users=int(users), totals=totals)

    async def tokens_used(self, user: int | None) -> tuple[int, int]:
        """(this user's, everyone's) LLM tokens today."""
        day = self.today()
        total = await cast(Awaitable[str | None], self.redis.hget(_totals_key(day), "llm_tokens"))
        mine = None
        if user is not None:
            mine = await cast(Awaitable[str | None], self.redis.hget(_user_tokens_key(day), str(user)))
        return int(mine or 0), int(float(total or 0))

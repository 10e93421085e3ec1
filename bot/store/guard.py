"""Redis outages degrade the bot instead of breaking it.

Every Redis call goes through a `RedisGuard`: on a connection error it reports the outage (to the
process's `RedisOutage`, which logs its start and end once), skips Redis for a moment (so a dead
server doesn't add a connect timeout to every request), then tries again. Callers pick what an outage means:

* ``call``: a cache read or a best-effort write; the caller's default stands in for the result.
* ``write``: a write the user is told about; False when it was not saved.
* ``required`` (and the ``needs_store`` decorator): primary data that has no stand-in; raises
  `StoreUnavailable`, which the edge turns into "try again in a minute".
"""

from __future__ import annotations

import contextlib
import functools
import math
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Concatenate, ParamSpec, Protocol, TypeVar

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from bot.store.outage import PROCESS_OUTAGE, RedisOutage

T = TypeVar("T")
P = ParamSpec("P")

OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, ConnectionError, OSError)


class StoreUnavailable(Exception):
    """Redis is unreachable: nothing was read or written."""


class RedisGuard:
    def __init__(self, *, pause: float = 1.0, outage: RedisOutage = PROCESS_OUTAGE) -> None:
        self.pause = pause
        self.outage = outage
        self.down = False
        self._retry_at = 0.0

    @classmethod
    def off(cls) -> RedisGuard:
        """A guard that never lets a call through: the process runs without the shared cache."""
        guard = cls()
        guard.down, guard._retry_at = True, math.inf
        return guard

    @property
    def available(self) -> bool:
        return not self.down or time.monotonic() >= self._retry_at

    async def call(self, op: Callable[[], Awaitable[T]], default: T) -> T:
        try:
            return await self.required(op)
        except StoreUnavailable:
            return default

    async def write(self, op: Callable[[], Awaitable[object]]) -> bool:
        """Run a write; False when Redis was unreachable and nothing was saved."""
        try:
            await self.required(op)
        except StoreUnavailable:
            return False
        return True

    async def required(self, op: Callable[[], Awaitable[T]]) -> T:
        async with self.watching():
            return await op()

    @contextlib.asynccontextmanager
    async def watching(self) -> AsyncIterator[None]:
        """Redis calls made inside raise `StoreUnavailable` on an outage (and during the pause after one)."""
        if not self.available:
            raise StoreUnavailable
        try:
            yield
        except OUTAGE_ERRORS as exc:
            self._failed(exc)
            raise StoreUnavailable from exc
        self._succeeded()

    def _failed(self, exc: BaseException) -> None:
        self.outage.failed(exc, "store")
        self.down = True
        self._retry_at = time.monotonic() + self.pause

    def _succeeded(self) -> None:
        self.down = False
        self.outage.succeeded()


class Guarded(Protocol):
    guard: RedisGuard


G = TypeVar("G", bound=Guarded)


def needs_store(
    method: Callable[Concatenate[G, P], Awaitable[T]],
) -> Callable[Concatenate[G, P], Awaitable[T]]:
    """A service method on primary data: a Redis outage inside it raises `StoreUnavailable`."""

    @functools.wraps(method)
    async def guarded(self: G, /, *args: P.args, **kwargs: P.kwargs) -> T:
        async with self.guard.watching():
            return await method(self, *args, **kwargs)

    return guarded

"""Single-flight: one computation per key at a time, across tasks and across bot processes.

Within a process, concurrent callers share one task. Across processes, a Redis lock with an
expiry elects one holder; the holder keeps the lock alive while it works and writes its result to
the cache; the others poll the cache. If the holder dies its lock expires and a waiter takes over;
a waiter that waits too long does the work itself, so nobody waits forever on a stuck peer.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import redis.asyncio as redis_async

from bot.store.guard import RedisGuard
from bot.store.keys import PREFIX

log = logging.getLogger(__name__)

T = TypeVar("T")

# Compare-and-delete / compare-and-extend: only the holder may release or extend its lock.
_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"
_EXTEND = (
    "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) end"
    " return 0"
)


def lock_key(name: str) -> str:
    return f"{PREFIX}:lock:{name}"


class SingleFlight:
    def __init__(
        self, redis: redis_async.Redis, guard: RedisGuard, *, lock_ttl: float = 15.0, poll: float = 0.05
    ) -> None:
        self.redis = redis
        self.guard = guard
        self.lock_ttl = lock_ttl
        self.poll = poll
        self._local: dict[str, asyncio.Future[Any]] = {}

    async def run(
        self,
        name: str,
        lookup: Callable[[], Awaitable[T | None]],
        compute: Callable[[], Awaitable[T]],
        *,
        wait_timeout: float,
    ) -> T:
        """`lookup` returns a finished result (or raises a cached failure); `compute` makes and
        stores one. Returns the result, computed at most once across all callers."""
        shared = self._local.get(name)
        if shared is None:
            shared = asyncio.ensure_future(self._distributed(name, lookup, compute, wait_timeout))
            self._local[name] = shared
            shared.add_done_callback(lambda _f: self._local.pop(name, None))
        # shield: one impatient caller being cancelled must not cancel the work for the others
        return await asyncio.shield(shared)

    async def _distributed(
        self,
        name: str,
        lookup: Callable[[], Awaitable[T | None]],
        compute: Callable[[], Awaitable[T]],
        wait_timeout: float,
    ) -> T:
        key = lock_key(name)
        deadline = time.monotonic() + wait_timeout
        while True:
            found = await lookup()
            if found is not None:
                return found
            token = secrets.token_hex(8)
            acquired = await self.guard.call(
                lambda token=token: self.redis.set(key, token, nx=True, px=int(self.lock_ttl * 1000)), True
            )
            if acquired:
                return await self._hold(key, token, compute)
            released = await self._wait(key, lookup, deadline)
            if released is not None:
                return released
            if time.monotonic() >= deadline:
                log.warning("single-flight wait timed out, computing anyway key=%s", name)
                return await compute()
            log.info("single-flight lock released without a result, taking over key=%s", name)

    async def _hold(self, key: str, token: str, compute: Callable[[], Awaitable[T]]) -> T:
        keeper = asyncio.create_task(self._keep_alive(key, token))
        try:
            return await compute()
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper
            await self.guard.call(lambda: self.redis.eval(_RELEASE, 1, key, token), 0)

    async def _keep_alive(self, key: str, token: str) -> None:
        ttl_ms = int(self.lock_ttl * 1000)
        while True:
            await asyncio.sleep(self.lock_ttl / 3)
            await self.guard.call(lambda: self.redis.eval(_EXTEND, 1, key, token, ttl_ms), 0)

    async def _wait(
        self, key: str, lookup: Callable[[], Awaitable[T | None]], deadline: float
    ) -> T | None:
        """Poll until a result appears (return it), the lock goes away or the deadline passes (None)."""
        delay = self.poll
        while time.monotonic() < deadline:
            await asyncio.sleep(delay)
            delay = min(delay * 1.5, 0.5)
            found = await lookup()
            if found is not None:
                return found
            if not await self.guard.call(lambda: self.redis.exists(key), 0):
                return await lookup()
        return None

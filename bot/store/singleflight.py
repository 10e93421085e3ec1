"""Single-flight: one computation per key at a time, across tasks and across bot processes.

Within a process, concurrent callers share one task. Across processes, a Redis lock with an
expiry elects one holder; the holder keeps the lock alive while it works and writes its result to
the cache; the others poll the cache. If the holder dies its lock expires and a waiter takes over;
a waiter that waits too long does the work itself, so nobody waits forever on a stuck peer.

A caller that gives up does not stop the shared work (the others, and the cache, still want it),
unless it asks for that with ``stop_when_abandoned`` and nobody else in the process waits: a user
who stops a streamed reply stops the LLM writing it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import redis.asyncio as redis_async
from redis.asyncio.lock import Lock
from redis.exceptions import LockError

from bot import metrics
from bot.store.guard import RedisGuard
from bot.store.keys import PREFIX

log = logging.getLogger(__name__)

T = TypeVar("T")


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
        self._callers: dict[str, int] = {}

    async def run(
        self,
        name: str,
        lookup: Callable[[], Awaitable[T | None]],
        compute: Callable[[], Awaitable[T]],
        *,
        wait_timeout: float,
        stop_when_abandoned: bool = False,
    ) -> T:
        """`lookup` returns a finished result (or raises a cached failure); `compute` makes and
        stores one. Returns the result, computed at most once across all callers.
        ``stop_when_abandoned``: this caller cancelled while no other caller waits → the work stops."""
        shared = self._local.get(name)
        if shared is None:
            shared = asyncio.ensure_future(self._distributed(name, lookup, compute, wait_timeout))
            self._local[name] = shared
            shared.add_done_callback(lambda _f: self._local.pop(name, None))
        self._callers[name] = self._callers.get(name, 0) + 1
        try:
            # shield: one impatient caller being cancelled must not cancel the work for the others
            return await asyncio.shield(shared)
        except asyncio.CancelledError:
            if stop_when_abandoned and self._callers[name] == 1:
                shared.cancel()
            raise
        finally:
            self._callers[name] -= 1
            if not self._callers[name]:
                del self._callers[name]

    async def _distributed(
        self,
        name: str,
        lookup: Callable[[], Awaitable[T | None]],
        compute: Callable[[], Awaitable[T]],
        wait_timeout: float,
    ) -> T:
        deadline = time.monotonic() + wait_timeout
        while True:
            found = await lookup()
            if found is not None:
                return found
            # The lock expires lock_ttl after its holder stops keeping it alive (a dead process).
            lock = Lock(self.redis, lock_key(name), timeout=self.lock_ttl, blocking=False, thread_local=False)
            # Without Redis nobody can coordinate: compute, as if we held the lock.
            if await self.guard.call(lock.acquire, True):
                return await self._hold(lock, compute)
            released = await self._wait(lock, lookup, deadline)
            if released is not None:
                return released
            if time.monotonic() >= deadline:
                log.warning("single-flight wait timed out, computing anyway", extra={"key": name})
                return await compute()
            log.info("single-flight lock released without a result, taking over", extra={"key": name})

    async def _hold(self, lock: Lock, compute: Callable[[], Awaitable[T]]) -> T:
        keeper = asyncio.create_task(self._keep_alive(lock))
        try:
            return await compute()
        finally:
            keeper.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await keeper
            # LockError: never held (Redis was down) or expired and maybe taken over: not ours
            with contextlib.suppress(LockError):
                await self.guard.call(lock.release, None)

    async def _keep_alive(self, lock: Lock) -> None:
        while True:
            await asyncio.sleep(self.lock_ttl / 3)
            try:
                await self.guard.call(lock.reacquire, False)
            except LockError:  # expired during a stall (and maybe taken over): nothing left to keep
                return

    async def _wait(self, lock: Lock, lookup: Callable[[], Awaitable[T | None]], deadline: float) -> T | None:
        """Poll until a result appears (return it), the lock goes away or the deadline passes (None)."""
        metrics.flight_wait()
        delay = self.poll
        while time.monotonic() < deadline:
            await asyncio.sleep(delay)
            delay = min(delay * 1.5, 0.5)
            found = await lookup()
            if found is not None:
                return found
            if not await self.guard.call(lock.locked, False):
                return await lookup()
        return None

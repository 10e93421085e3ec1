"""Durable writes: a write, then ``WAITAOF 1 0 <timeout>`` on the same connection.

WAITAOF (Redis >= 7.2) blocks until the calling client's earlier writes are fsynced to the local
AOF, so a subscription we confirm to a user survives even a power loss (notes/security.md §f).
It only covers writes made *by the same connection*, and it doesn't block inside MULTI or a
script, so each durable write is one atomic command (a Lua script or a single HSET) sent in a
non-transactional pipeline with WAITAOF right behind it: one connection, one round trip.

Older servers (Debian bookworm ships 7.0.15) answer "unknown command"; a server without AOF
answers an error too. Either way we detect it once per store, log it (debug for an old server,
warning when AOF is off) and skip the wait:
acknowledged writes then still survive a crash of the Redis *process* (the AOF is written before
the reply), just not an OS crash inside the fsync second.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

import redis.asyncio as redis_async
from redis.asyncio.client import Pipeline
from redis.exceptions import ResponseError

log = logging.getLogger(__name__)

WAITAOF_TIMEOUT_MS = 1000


class DurableWriter:
    def __init__(self, redis: redis_async.Redis, *, timeout_ms: int = WAITAOF_TIMEOUT_MS) -> None:
        self.redis = redis
        self.timeout_ms = timeout_ms
        self.waitaof: bool | None = None  # None: not probed yet; False: this server can't

    async def run(self, queue: Callable[[Pipeline], Awaitable[Any]]) -> Any:
        """Queue one atomic write with ``queue(pipe)``, wait for the AOF fsync, return its result."""
        async with self.redis.pipeline(transaction=False) as pipe:
            await queue(pipe)
            waiting = self.waitaof is not False
            if waiting:
                pipe.execute_command("WAITAOF", 1, 0, self.timeout_ms)
            results = await pipe.execute(raise_on_error=False)
        if isinstance(results[0], Exception):
            raise results[0]
        if waiting:
            self._check(results[-1])
        return results[0]

    def _check(self, reply: Any) -> None:
        if isinstance(reply, ResponseError):
            if self.waitaof is None:
                # "unknown command": Redis < 7.2, expected. Anything else (AOF switched off) is a
                # deployment mistake for the subscription store: say so, once.
                level = logging.DEBUG if "unknown command" in str(reply).lower() else logging.WARNING
                log.log(level, "WAITAOF unavailable, skipping durability waits", extra={"error": str(reply)})
            self.waitaof = False
        elif isinstance(reply, Exception):
            log.warning("WAITAOF failed", extra={"error": repr(reply)})
        else:
            self.waitaof = True
            local = int(reply[0]) if isinstance(reply, list | tuple) and reply else 0
            if local < 1:
                log.warning("WAITAOF timed out: write acknowledged but not yet fsynced")

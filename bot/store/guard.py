"""Redis outages degrade the bot instead of breaking it.

Every cache/coalescing call goes through `RedisGuard.call`: on a connection error it logs the
outage once, returns the caller's default, and skips Redis for a few seconds (so a dead server
doesn't add a connect timeout to every request), then tries again and logs the recovery.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

log = logging.getLogger(__name__)

T = TypeVar("T")

OUTAGE_ERRORS = (RedisConnectionError, RedisTimeoutError, ConnectionError, OSError)


class RedisGuard:
    def __init__(self, *, pause: float = 1.0) -> None:
        self.pause = pause
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
        if not self.available:
            return default
        try:
            result = await op()
        except OUTAGE_ERRORS as exc:
            if not self.down:
                log.error("redis unavailable, continuing without cache error=%r", exc)
            self.down = True
            self._retry_at = time.monotonic() + self.pause
            return default
        if self.down:
            log.info("redis is back")
            self.down = False
        return result

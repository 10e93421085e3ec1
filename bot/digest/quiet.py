"""saq during a Redis outage: one line when it starts, one when it ends, nothing in between.

saq's workers poll Redis several times a second (upkeep timers, dequeue, the pubsub listener)
and log every failed attempt with a full traceback: a few KB twice a second for as long as Redis
is down. saq has no setting for this, so a filter on its logger turns the first outage error
into one line, drops the rest, and a watcher pings Redis until it answers, then logs the end
with the outage's duration and how many errors were dropped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable
from typing import cast

import redis.asyncio as redis_async

from bot.store.guard import OUTAGE_ERRORS

log = logging.getLogger(__name__)

SAQ_LOGGER = "saq"
PING_EVERY = 1.0


def is_outage(record: logging.LogRecord) -> bool:
    error = record.exc_info[1] if record.exc_info else None
    while error is not None:
        if isinstance(error, OUTAGE_ERRORS):
            return True
        error = error.__cause__ or error.__context__
    return False


class QuietOutages(logging.Filter):
    """Installed on saq's logger while the workers run (``watch`` must run beside it)."""

    def __init__(self, redis: redis_async.Redis) -> None:
        super().__init__()
        self.redis = redis
        self.dropped = 0
        self._since = 0.0
        self._down = asyncio.Event()

    def filter(self, record: logging.LogRecord) -> bool:
        if not is_outage(record):
            return True
        if not self._down.is_set():
            assert record.exc_info is not None
            log.error("digest queue: cannot reach redis", extra={"error": repr(record.exc_info[1])})
            self._since = time.monotonic()
            self._down.set()
        self.dropped += 1
        return False

    async def watch(self) -> None:
        """Ping Redis during an outage and log its end."""
        while True:
            await self._down.wait()
            with contextlib.suppress(*OUTAGE_ERRORS):
                await cast(Awaitable[bool], self.redis.ping())
                log.info("digest queue: reached redis again", extra={
                    "outage_s": round(time.monotonic() - self._since, 1), "errors_not_logged": self.dropped})
                self.dropped = 0
                self._down.clear()
                continue
            await asyncio.sleep(PING_EVERY)

"""saq during a Redis outage: its errors go to the process's outage log, nothing else.

saq's workers poll Redis several times a second (upkeep timers, dequeue, the pubsub listener)
and log every failed attempt with a full traceback: a few KB twice a second for as long as Redis
is down. saq has no setting for this, so a filter on its logger drops those errors and reports
them to the process's `RedisOutage` (one line where the outage starts, one where it ends), and a
watcher pings Redis until it answers, so the end is logged even when nothing else uses Redis.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable
from typing import cast

import redis.asyncio as redis_async

from bot.store.guard import OUTAGE_ERRORS
from bot.store.outage import PROCESS_OUTAGE, RedisOutage

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

    def __init__(self, redis: redis_async.Redis, outage: RedisOutage = PROCESS_OUTAGE) -> None:
        super().__init__()
        self.redis = redis
        self.outage = outage
        self._failing = asyncio.Event()

    def filter(self, record: logging.LogRecord) -> bool:
        if not is_outage(record):
            return True
        assert record.exc_info is not None
        self.outage.failed(record.exc_info[1] or Exception(record.getMessage()), "digest queue")
        self._failing.set()
        return False

    async def watch(self) -> None:
        """Ping Redis while it is out, until it answers (or another part of the process reached it)."""
        while True:
            await self._failing.wait()
            while self.outage.down:
                with contextlib.suppress(*OUTAGE_ERRORS):
                    await cast(Awaitable[bool], self.redis.ping())
                    self.outage.succeeded()
                    break
                await asyncio.sleep(PING_EVERY)
            self._failing.clear()

"""The scheduler's "now": the real UTC time, or (tests only) a time read from a Redis key.

With ``DIGEST_TEST_CLOCK_KEY`` set, every scheduling decision (which local day it is, whether a
digest is due, which items are new, when a feed is due for polling) reads epoch seconds from that
key, so an end-to-end test can walk several bot processes through days, time zones and DST
changes in seconds. Rate limits, pauses and timeouts always use real time.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import redis.asyncio as redis_async

log = logging.getLogger(__name__)


class Clock:
    def __init__(self, redis: redis_async.Redis | None = None, test_key: str | None = None) -> None:
        self.redis = redis
        self.test_key = test_key if redis is not None else None
        if self.test_key:
            log.warning("digest clock reads the time from redis key=%s (test only)", self.test_key)

    async def now(self) -> datetime:
        if self.test_key and self.redis is not None:
            raw = await self.redis.get(self.test_key)
            if raw:
                return datetime.fromtimestamp(float(raw), UTC)
        return datetime.now(UTC)

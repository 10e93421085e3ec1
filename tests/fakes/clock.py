"""A digest clock for end-to-end tests: "now" is read from a Redis key the test sets, so several
bot processes can be walked through days, time zones and DST changes in seconds."""

from __future__ import annotations

from datetime import UTC, datetime

import redis.asyncio as redis_async


class RedisClock:
    def __init__(self, redis_url: str, key: str) -> None:
        self.redis = redis_async.Redis.from_url(redis_url)
        self.key = key

    async def now(self) -> datetime:
        raw = await self.redis.get(self.key)
        return datetime.fromtimestamp(float(raw), UTC) if raw else datetime.now(UTC)

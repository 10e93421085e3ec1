"""Per-feed fetch state and the recent items of every feed (for building digests).

Keys (all under PREFIX; ``<feed>`` is ``bot.net.urls.url_key`` of the feed URL):

* ``feed:state:<feed>``        hash: etag, last_modified, last_success, failures, first_failure,
  backoff_until, last_error, reported (expires STATE_TTL after the last write)
* ``feed:items:<feed>``        zset: item hash -> item time (published, else first seen)
* ``feed:seen:<feed>``         zset: item hash -> last time the feed listed it (dedupe memory,
  longer than the item retention so an item lingering in a feed is never "new" twice)
* ``feed:item:<feed>:<item>``  string: the FeedItem as JSON, expires ITEM_TTL after first seen

This is rebuildable data (the next fetch refills it), so writes don't wait for fsync.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import redis.asyncio as redis_async

from bot.models import FeedItem, item_time
from bot.net.urls import url_key
from bot.store.keys import PREFIX

STATE_TTL = 30 * 24 * 3600
ITEM_TTL = 48 * 3600
SEEN_TTL = 7 * 24 * 3600
BACKOFF_BASE = 15 * 60
BACKOFF_CAP = 24 * 3600
MAX_ITEMS_PER_ADD = 300
MAX_ITEMS_KEPT = 200  # per feed, newest first: a feed rotating thousands of items a day stays small
MAX_SEEN_KEPT = 4 * MAX_ITEMS_KEPT  # item hashes remembered per feed (so old items aren't "new")
FUTURE_SLACK = timedelta(minutes=10)  # a "published" later than this is a bad clock: use now


def state_key(feed_url: str) -> str:
    return f"{PREFIX}:feed:state:{url_key(feed_url)}"


def items_key(feed_url: str) -> str:
    return f"{PREFIX}:feed:items:{url_key(feed_url)}"


def seen_key(feed_url: str) -> str:
    return f"{PREFIX}:feed:seen:{url_key(feed_url)}"


def item_key(feed_url: str, item_hash: str) -> str:
    return f"{PREFIX}:feed:item:{url_key(feed_url)}:{item_hash}"


def item_hash(item: FeedItem) -> str:
    return hashlib.sha256(item.key.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def _when(value: str | None) -> datetime | None:
    return datetime.fromtimestamp(float(value), UTC) if value else None


@dataclass(frozen=True, slots=True)
class FeedState:
    etag: str | None = None
    last_modified: str | None = None
    last_success: datetime | None = None
    failures: int = 0  # consecutive
    first_failure: datetime | None = None  # start of the current failure streak
    backoff_until: datetime | None = None
    last_error: str | None = None
    reported: bool = False  # subscribers were told this feed is failing

    def due(self, now: datetime) -> bool:
        """May the feed be fetched now (not backing off after failures)?"""
        return self.backoff_until is None or now >= self.backoff_until


def _state(raw: Any) -> FeedState:
    if isinstance(raw, list):  # a Lua HGETALL reply: flat [field, value, ...]
        raw = dict(zip(raw[::2], raw[1::2], strict=True))
    data: dict[str, str] = raw
    return FeedState(
        etag=data.get("etag"),
        last_modified=data.get("last_modified"),
        last_success=_when(data.get("last_success")),
        failures=int(data.get("failures", 0)),
        first_failure=_when(data.get("first_failure")),
        backoff_until=_when(data.get("backoff_until")),
        last_error=data.get("last_error"),
        reported=data.get("reported") == "1",
    )


# KEYS: state; ARGV: now, base, cap, error, ttl -> the state after the failure (HGETALL)
_FAILURE = """
local n = redis.call('HINCRBY', KEYS[1], 'failures', 1)
redis.call('HSETNX', KEYS[1], 'first_failure', ARGV[1])
local delay = math.min(tonumber(ARGV[3]), tonumber(ARGV[2]) * 2 ^ (n - 1))
local backoff = string.format('%.3f', tonumber(ARGV[1]) + delay)
redis.call('HSET', KEYS[1], 'backoff_until', backoff, 'last_error', ARGV[4])
redis.call('EXPIRE', KEYS[1], ARGV[5])
return redis.call('HGETALL', KEYS[1])
"""

_FAILURE_FIELDS = ("failures", "first_failure", "backoff_until", "last_error", "reported")


class FeedStateStore:
    def __init__(self, redis: redis_async.Redis) -> None:
        self.redis = redis
        self._failure = redis.register_script(_FAILURE)

    async def get(self, feed_url: str) -> FeedState:
        return _state(await cast(Awaitable[dict[str, str]], self.redis.hgetall(state_key(feed_url))))

    async def get_many(self, feed_urls: list[str]) -> dict[str, FeedState]:
        async with self.redis.pipeline(transaction=False) as pipe:
            for url in feed_urls:
                pipe.hgetall(state_key(url))
            raw = await pipe.execute()
        return {url: _state(data) for url, data in zip(feed_urls, raw, strict=True)}

    async def record_success(
        self,
        feed_url: str,
        *,
        now: datetime,
        etag: str | None = None,
        last_modified: str | None = None,
        not_modified: bool = False,
    ) -> FeedState:
        """A fetch worked (``not_modified`` for a 304: the stored validators stay).

        Clears the failure streak. Returns the state *before*, so a caller can tell subscribers
        "the feed works again" when ``previous.reported``.
        """
        key = state_key(feed_url)
        async with self.redis.pipeline(transaction=True) as pipe:
            pipe.hgetall(key)
            pipe.hdel(key, *_FAILURE_FIELDS)
            fields = {"last_success": f"{now.timestamp():.3f}"}
            if not not_modified:
                pipe.hdel(key, "etag", "last_modified")
                fields |= {"etag": etag or "", "last_modified": last_modified or ""}
            pipe.hset(key, mapping={k: v for k, v in fields.items() if v})
            pipe.expire(key, STATE_TTL)
            previous = (await pipe.execute())[0]
        return _state(previous)

    async def record_failure(
        self,
        feed_url: str,
        *,
        now: datetime,
        error: str,
        base: float = BACKOFF_BASE,
        cap: float = BACKOFF_CAP,
    ) -> FeedState:
        """Count a failed fetch; backoff doubles from ``base`` up to ``cap``. Returns the new state."""
        args: list[str | float] = [f"{now.timestamp():.3f}", base, cap, error[:300], STATE_TTL]
        return _state(await self._failure(keys=[state_key(feed_url)], args=args))

    async def mark_reported(self, feed_url: str) -> bool:
        """Flag the current failure streak as reported; True only for the first caller."""
        return bool(await cast(Awaitable[int], self.redis.hsetnx(state_key(feed_url), "reported", "1")))


# KEYS: items, seen, item key 1..n; ARGV: now, keep-after, seen-after, item ttl, seen ttl, items
# kept, hashes kept, item key prefix, then per item: hash, time, JSON. Returns the hashes of items
# new *and* stored. Past the caps the oldest go, item bodies with them.
_ADD_ITEMS = """
local fresh = {}
for i = 3, #KEYS do
  local at = 8 + (i - 3) * 3
  local h, score = ARGV[at + 1], ARGV[at + 2]
  local known = redis.call('ZSCORE', KEYS[2], h)
  redis.call('ZADD', KEYS[2], ARGV[1], h)
  if not known and tonumber(score) > tonumber(ARGV[2]) then
    redis.call('ZADD', KEYS[1], score, h)
    redis.call('SET', KEYS[i], ARGV[at + 3], 'EX', ARGV[4])
    fresh[#fresh + 1] = h
  end
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', '(' .. ARGV[3])
local excess = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[6])
if excess > 0 then
  local dropped = {}
  for _, h in ipairs(redis.call('ZRANGE', KEYS[1], 0, excess - 1)) do
    redis.call('DEL', ARGV[8] .. h)
    dropped[h] = true
  end
  redis.call('ZREMRANGEBYRANK', KEYS[1], 0, excess - 1)
  local kept = {}
  for _, h in ipairs(fresh) do if not dropped[h] then kept[#kept + 1] = h end end
  fresh = kept
end
local seen_excess = redis.call('ZCARD', KEYS[2]) - tonumber(ARGV[7])
if seen_excess > 0 then redis.call('ZREMRANGEBYRANK', KEYS[2], 0, seen_excess - 1) end
redis.call('EXPIRE', KEYS[1], ARGV[5])
redis.call('EXPIRE', KEYS[2], ARGV[5])
return fresh
"""


class ItemStore:
    """Items of the last ITEM_TTL seconds per feed, deduplicated by FeedItem.key."""

    def __init__(self, redis: redis_async.Redis) -> None:
        self.redis = redis
        self._add = redis.register_script(_ADD_ITEMS)

    async def add(self, feed_url: str, items: list[FeedItem], *, now: datetime) -> list[FeedItem]:
        """Store a fetch's items; returns the ones not seen before (older than ITEM_TTL: skipped)."""
        if not items:
            return []
        keep_after = now.timestamp() - ITEM_TTL
        keys = [items_key(feed_url), seen_key(feed_url)]
        args: list[Any] = [f"{now.timestamp():.3f}", keep_after, now.timestamp() - SEEN_TTL]
        args += [ITEM_TTL, SEEN_TTL, MAX_ITEMS_KEPT, MAX_SEEN_KEPT, item_key(feed_url, "")]
        by_hash: dict[str, FeedItem] = {}
        for item in items[:MAX_ITEMS_PER_ADD]:
            published = item.published
            if published is None or published > now + FUTURE_SLACK:
                published = None
            stored = dataclasses.replace(item, feed_url=feed_url, seen=now, published=published)
            digest = item_hash(item)
            by_hash.setdefault(digest, stored)
            when = item_time(stored) or now
            keys.append(item_key(feed_url, digest))
            args += [digest, f"{when.timestamp():.3f}", json.dumps(stored.to_dict())]
        fresh = await self._add(keys=keys, args=args)
        return [by_hash[h] for h in fresh]

    async def items_since(self, feed_urls: list[str], since: datetime) -> list[FeedItem]:
        """Items of these feeds published (or first seen) at or after ``since``, newest first."""
        urls = list(dict.fromkeys(feed_urls))
        if not urls:
            return []
        async with self.redis.pipeline(transaction=False) as pipe:
            for url in urls:
                pipe.zrangebyscore(items_key(url), since.timestamp(), "+inf")
            hashes = await pipe.execute()
        keys = [item_key(url, h) for url, found in zip(urls, hashes, strict=True) for h in found]
        if not keys:
            return []
        items = [FeedItem.from_dict(json.loads(raw)) for raw in await self.redis.mget(keys) if raw]
        epoch = datetime.min.replace(tzinfo=UTC)
        return sorted(items, key=lambda item: item_time(item) or epoch, reverse=True)

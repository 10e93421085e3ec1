"""Feed subscriptions and per-chat digest settings: the bot's primary data, not a cache.

Unlike the caches, nothing here degrades silently: a Redis error propagates, so the user is never
told "subscribed" when nothing was stored. Each mutation is one atomic command (a Lua script, or
a single HSET), followed by a durability wait (``bot.store.durable``).

Keys (all under PREFIX):

* ``subs:<chat>``      hash: feed identity (normalized URL) -> JSON {url, title, added}
* ``subs:chats``       set: chats with at least one subscription
* ``subs:feeds``       zset: feed identity -> number of subscribed chats
* ``subs:feedurls``    hash: feed identity -> the URL to fetch (as first subscribed)
* ``digest:chat:<chat>`` hash: tz, at, paused, parked, parked_reason, parked_at, last_day, skip_day, tz_asked,
  last_digest
* ``digest:parked``    set: parked chats (blocked the bot, kicked it, chat gone)
"""

from __future__ import annotations

import builtins
import json
import time as _time
from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time
from typing import Any, cast
from zoneinfo import ZoneInfo

import redis.asyncio as redis_async
from redis.asyncio.client import Pipeline

from bot.errors import NewsbotError
from bot.net.urls import normalize_url
from bot.store.durable import DurableWriter
from bot.store.keys import PREFIX
from bot.text.clean import clean_text

DEFAULT_LIMIT = 50
DEFAULT_TIMEZONE = "UTC"
DEFAULT_DIGEST_TIME = time(8, 0)
MAX_TITLE_CHARS = 200
MAX_REASON_CHARS = 200

CHATS_KEY = f"{PREFIX}:subs:chats"
FEEDS_KEY = f"{PREFIX}:subs:feeds"
FEED_URLS_KEY = f"{PREFIX}:subs:feedurls"
PARKED_KEY = f"{PREFIX}:digest:parked"


def subs_key(chat_id: int) -> str:
    return f"{PREFIX}:subs:{chat_id}"


def settings_key(chat_id: int) -> str:
    return f"{PREFIX}:digest:chat:{chat_id}"


# KEYS: subs, chats, feeds, feedurls; ARGV: chat, identity, payload, limit, url
# -> 1 added, 0 already subscribed, -1 over the limit
_ADD = """
if redis.call('HEXISTS', KEYS[1], ARGV[2]) == 1 then return 0 end
if redis.call('HLEN', KEYS[1]) >= tonumber(ARGV[4]) then return -1 end
redis.call('HSET', KEYS[1], ARGV[2], ARGV[3])
redis.call('SADD', KEYS[2], ARGV[1])
redis.call('ZINCRBY', KEYS[3], 1, ARGV[2])
redis.call('HSETNX', KEYS[4], ARGV[2], ARGV[5])
return 1
"""

# Shared by remove and migrate: one fewer subscriber of feed ARGV-given identity.
_RELEASE = """
local function release(feeds, urls, ident)
  if tonumber(redis.call('ZINCRBY', feeds, -1, ident)) <= 0 then
    redis.call('ZREM', feeds, ident)
    redis.call('HDEL', urls, ident)
  end
end
"""

# KEYS: subs, chats, feeds, feedurls; ARGV: chat, identity -> the removed payload or nil
_REMOVE = (
    _RELEASE
    + """
local payload = redis.call('HGET', KEYS[1], ARGV[2])
if not payload then return false end
redis.call('HDEL', KEYS[1], ARGV[2])
if redis.call('HLEN', KEYS[1]) == 0 then redis.call('SREM', KEYS[2], ARGV[1]) end
release(KEYS[3], KEYS[4], ARGV[2])
return payload
"""
)

# KEYS: settings, parked; ARGV: chat, reason, at -> 1 newly parked, 0 already parked
_PARK = """
local was = redis.call('HEXISTS', KEYS[1], 'parked')
redis.call('HSET', KEYS[1], 'parked', '1', 'parked_reason', ARGV[2], 'parked_at', ARGV[3])
redis.call('SADD', KEYS[2], ARGV[1])
return 1 - was
"""

# KEYS: settings, parked; ARGV: chat -> 1 was parked, 0 wasn't
_UNPARK = """
redis.call('SREM', KEYS[2], ARGV[1])
return redis.call('HDEL', KEYS[1], 'parked', 'parked_reason', 'parked_at') > 0 and 1 or 0
"""

# KEYS: old subs, new subs, old settings, new settings, chats, parked, feeds, feedurls
# ARGV: old chat, new chat -> number of subscriptions the new chat gained
_MIGRATE = (
    _RELEASE
    + """
local moved = 0
local subs = redis.call('HGETALL', KEYS[1])
for i = 1, #subs, 2 do
  if redis.call('HSETNX', KEYS[2], subs[i], subs[i + 1]) == 1 then
    moved = moved + 1
  else
    release(KEYS[7], KEYS[8], subs[i])  -- both chats had it: one subscriber fewer
  end
end
redis.call('DEL', KEYS[1])
redis.call('SREM', KEYS[5], ARGV[1])
if redis.call('HLEN', KEYS[2]) > 0 then redis.call('SADD', KEYS[5], ARGV[2]) end
local settings = redis.call('HGETALL', KEYS[3])
for i = 1, #settings, 2 do redis.call('HSETNX', KEYS[4], settings[i], settings[i + 1]) end
redis.call('DEL', KEYS[3])
redis.call('SREM', KEYS[6], ARGV[1])
if redis.call('HEXISTS', KEYS[4], 'parked') == 1 then redis.call('SADD', KEYS[6], ARGV[2])
else redis.call('SREM', KEYS[6], ARGV[2]) end
return moved
"""
)

# KEYS: settings; ARGV: day (ISO), digest id -> 1 recorded, 0 that day (or a later one) already
_MARK_SENT = """
local last = redis.call('HGET', KEYS[1], 'last_day')
if last and last >= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], 'last_day', ARGV[1], 'last_digest', ARGV[2])
return 1
"""


class SubscriptionLimitError(NewsbotError):
    code = "subscription_limit"

    def __init__(self, limit: int) -> None:
        super().__init__(
            f"You can follow at most {limit} feeds. Remove one with /unsubscribe first.",
            detail=f"limit={limit}",
        )
        self.limit = limit


@dataclass(frozen=True, slots=True)
class Subscription:
    url: str  # as the user (or OPML, or the curated list) gave it; fetch this
    key: str  # URL identity
    title: str
    added: datetime


@dataclass(frozen=True, slots=True)
class FeedSubscribers:
    url: str
    key: str
    subscribers: int


@dataclass(frozen=True, slots=True)
class ChatSettings:
    chat_id: int
    timezone: str = DEFAULT_TIMEZONE
    digest_time: time = DEFAULT_DIGEST_TIME
    paused: bool = False
    parked: bool = False
    parked_reason: str | None = None
    parked_at: datetime | None = None
    last_digest_day: date | None = None
    skip_day: date | None = None  # a schedule change made this local day's slot pass unsent

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def settled_day(self) -> date | None:
        """The last local day with nothing more to send: its digest went out, or was skipped."""
        days = [d for d in (self.last_digest_day, self.skip_day) if d is not None]
        return max(days) if days else None


def _subscription(key: str, payload: str) -> Subscription:
    data = json.loads(payload)
    return Subscription(
        url=data["url"],
        key=key,
        title=data.get("title", ""),
        added=datetime.fromtimestamp(float(data.get("added", 0)), UTC),
    )


def _settings(chat_id: int, data: dict[str, str]) -> ChatSettings:
    at = data.get("at")
    parked_at = data.get("parked_at")
    last_day = data.get("last_day")
    skip_day = data.get("skip_day")
    return ChatSettings(
        chat_id=chat_id,
        timezone=data.get("tz") or DEFAULT_TIMEZONE,
        digest_time=time.fromisoformat(at) if at else DEFAULT_DIGEST_TIME,
        paused=data.get("paused") == "1",
        parked="parked" in data,
        parked_reason=data.get("parked_reason"),
        parked_at=datetime.fromtimestamp(float(parked_at), UTC) if parked_at else None,
        last_digest_day=date.fromisoformat(last_day) if last_day else None,
        skip_day=date.fromisoformat(skip_day) if skip_day else None,
    )


class SubscriptionStore:
    def __init__(self, redis: redis_async.Redis, *, limit: int = DEFAULT_LIMIT) -> None:
        self.redis = redis
        self.limit = limit
        self.durable = DurableWriter(redis)
        self._add = redis.register_script(_ADD)
        self._remove = redis.register_script(_REMOVE)
        self._park = redis.register_script(_PARK)
        self._unpark = redis.register_script(_UNPARK)
        self._migrate = redis.register_script(_MIGRATE)
        self._mark_sent = redis.register_script(_MARK_SENT)

    async def _script(self, script: Any, keys: builtins.list[str], args: builtins.list[Any]) -> Any:
        async def queue(pipe: Pipeline) -> None:
            await script(keys=keys, args=args, client=pipe)

        return await self.durable.run(queue)

    # -- subscriptions -------------------------------------------------------------------------

    async def add(self, chat_id: int, feed_url: str, title: str, *, limit: int | None = None) -> bool:
        """Subscribe; False when already subscribed (same URL identity).

        Raises SubscriptionLimitError at the limit, FetchError(code="bad_url") for a bad URL.
        """
        ident = normalize_url(feed_url)
        limit = self.limit if limit is None else limit
        payload = json.dumps(
            {"url": feed_url, "title": clean_text(title)[:MAX_TITLE_CHARS], "added": _time.time()},
            ensure_ascii=False,
        )
        keys = [subs_key(chat_id), CHATS_KEY, FEEDS_KEY, FEED_URLS_KEY]
        result = int(await self._script(self._add, keys, [chat_id, ident, payload, limit, feed_url]))
        if result < 0:
            raise SubscriptionLimitError(limit)
        return result == 1

    async def list(self, chat_id: int) -> builtins.list[Subscription]:
        """The chat's subscriptions, oldest first (the order /unsubscribe numbers refer to)."""
        raw = await cast(Awaitable[dict[str, str]], self.redis.hgetall(subs_key(chat_id)))
        subs = [_subscription(key, payload) for key, payload in raw.items()]
        return sorted(subs, key=lambda s: (s.added, s.key))

    async def remove(self, chat_id: int, feed_url_or_index: str | int) -> Subscription | None:
        """Unsubscribe by URL, or by 1-based position in ``list()`` (an int or a digit string).

        Returns the removed subscription, or None when there was no such subscription. (A
        position is resolved just before the atomic removal; a concurrent change of the same
        chat's list in between can shift it, like any numbered list a user reads.)
        """
        target = feed_url_or_index
        if isinstance(target, int) or target.strip().isdigit():
            subs = await self.list(chat_id)
            index = int(target)
            if not 1 <= index <= len(subs):
                return None
            ident = subs[index - 1].key
        else:
            try:
                ident = normalize_url(target)
            except NewsbotError:
                return None
        keys = [subs_key(chat_id), CHATS_KEY, FEEDS_KEY, FEED_URLS_KEY]
        payload = await self._script(self._remove, keys, [chat_id, ident])
        return _subscription(ident, payload) if payload else None

    async def chats_with_subscriptions(self) -> builtins.list[int]:
        """Chats (not parked) with at least one subscription."""
        return sorted(int(m) for m in await cast(Awaitable[list[str]], self.redis.sdiff([CHATS_KEY, PARKED_KEY])))

    async def chats_following(self, feed_url: str) -> builtins.list[int]:
        """Chats (not parked) subscribed to this feed (by URL identity). A scan over the chats:
        fine for a once-in-days failure report, not for a hot path."""
        try:
            ident = normalize_url(feed_url)
        except NewsbotError:
            return []
        chats = await self.chats_with_subscriptions()
        found: builtins.list[int] = []
        for start in range(0, len(chats), 500):
            batch = chats[start : start + 500]
            async with self.redis.pipeline(transaction=False) as pipe:
                for chat in batch:
                    pipe.hexists(subs_key(chat), ident)
                flags = await pipe.execute()
            found += [chat for chat, flag in zip(batch, flags, strict=True) if flag]
        return found

    async def feeds(self) -> builtins.list[FeedSubscribers]:
        """Every subscribed feed (parked chats included) with its subscriber count, most first."""
        ranked = await self.redis.zrange(FEEDS_KEY, 0, -1, desc=True, withscores=True)
        if not ranked:
            return []
        urls = await cast(Awaitable[list[str | None]], self.redis.hmget(FEED_URLS_KEY, [key for key, _ in ranked]))
        return [
            FeedSubscribers(url=url or key, key=key, subscribers=int(score))
            for (key, score), url in zip(ranked, urls, strict=True)
        ]

    # -- digest settings ------------------------------------------------------------------------

    async def get_settings(self, chat_id: int) -> ChatSettings:
        return _settings(chat_id, await cast(Awaitable[dict[str, str]], self.redis.hgetall(settings_key(chat_id))))

    async def ask_timezone_once(self, chat_id: int) -> bool:
        """True the first time it is called for a chat that has no time zone yet (then we ask for
        one); False once the zone is set or the question was asked."""
        key = settings_key(chat_id)
        if await cast(Awaitable[bool], self.redis.hexists(key, "tz")):
            return False
        return bool(await cast(Awaitable[int], self.redis.hsetnx(key, "tz_asked", "1")))

    async def has_digest_time(self, chat_id: int) -> bool:
        return await cast(Awaitable[bool], self.redis.hexists(settings_key(chat_id), "at"))

    async def has_timezone(self, chat_id: int) -> bool:
        """The chat chose a time zone (/timezone), rather than having the UTC default."""
        return await cast(Awaitable[bool], self.redis.hexists(settings_key(chat_id), "tz"))

    async def _set(self, chat_id: int, field: str, value: str, *, skip_day: date | None = None) -> None:
        mapping = {field: value}
        if skip_day is not None:
            mapping["skip_day"] = skip_day.isoformat()

        async def queue(pipe: Pipeline) -> None:
            pipe.hset(settings_key(chat_id), mapping=mapping)  # one command: both or neither

        await self.durable.run(queue)

    async def set_timezone(self, chat_id: int, tz: str | ZoneInfo, *, skip_day: date | None = None) -> None:
        """Store an IANA zone (resolve user text with bot.digest.schedule.resolve_timezone).
        ``skip_day``: the local day whose slot the change moved into the past (no digest that day)."""
        zone = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)  # ValueError/KeyError if unknown
        await self._set(chat_id, "tz", zone.key, skip_day=skip_day)

    async def set_digest_time(self, chat_id: int, at: time, *, skip_day: date | None = None) -> None:
        await self._set(chat_id, "at", f"{at.hour:02d}:{at.minute:02d}", skip_day=skip_day)

    async def set_paused(self, chat_id: int, paused: bool) -> None:
        await self._set(chat_id, "paused", "1" if paused else "0")

    async def park(self, chat_id: int, reason: str, *, now: datetime | None = None) -> bool:
        """Stop digests to a chat that can't receive them (403 blocked/kicked, chat not found).

        Subscriptions are kept; ``unpark`` (e.g. on the next /start) resumes. True if newly parked.
        """
        at = (now or datetime.now(UTC)).timestamp()
        keys = [settings_key(chat_id), PARKED_KEY]
        args = [chat_id, clean_text(reason)[:MAX_REASON_CHARS], f"{at:.3f}"]
        return bool(int(await self._script(self._park, keys, args)))

    async def unpark(self, chat_id: int) -> bool:
        """Resume a parked chat; True if it was parked."""
        keys = [settings_key(chat_id), PARKED_KEY]
        return bool(int(await self._script(self._unpark, keys, [chat_id])))

    async def migrate_chat(self, old_chat_id: int, new_chat_id: int) -> int:
        """Move everything of a group that became a supergroup (400 migrate_to_chat_id).

        Atomic. Subscriptions and settings the new chat already has win over the old ones.
        Returns how many subscriptions the new chat gained.
        """
        if old_chat_id == new_chat_id:
            return 0
        keys = [
            subs_key(old_chat_id),
            subs_key(new_chat_id),
            settings_key(old_chat_id),
            settings_key(new_chat_id),
            CHATS_KEY,
            PARKED_KEY,
            FEEDS_KEY,
            FEED_URLS_KEY,
        ]
        return int(await self._script(self._migrate, keys, [old_chat_id, new_chat_id]))

    # -- digest bookkeeping ---------------------------------------------------------------------

    async def mark_digest_sent(self, chat_id: int, day: date, digest_id: str) -> bool:
        """Record the digest of local ``day``; False if that day (or a later one) is recorded.

        First writer wins (SET NX semantics, as a compare-and-set on the chat's last day), so
        of two workers racing for the same chat and day exactly one gets True. Not followed by a
        durability wait: it runs once per chat per day in the fan-out, where a ~1 s fsync wait
        per send would cost more than the rare duplicate after an OS crash.
        """
        keys = [settings_key(chat_id)]
        return bool(int(await self._mark_sent(keys=keys, args=[day.isoformat(), digest_id])))

"""Redis state of followed stories (bot/follow/).

Keys (under PREFIX ``follow:``):

* ``story:<key>`` hash — the story as last seen: url, title, text (JSON paragraphs), text_hash,
  etag, last_modified, started, last_change, version (material changes so far);
* ``fans:<key>`` set — chats following it; ``chat:<chat>`` hash — key → JSON {url, title, since};
* ``due`` zset — story key → epoch of its next check (one check per story, whoever follows it);
* ``inbox:<chat>`` hash — ``<key>|<version>`` → JSON update not yet delivered; ``outbox`` zset —
  chat → epoch from which its inbox may be sent (later at night);
* ``claim:<key>`` / ``sendclaim:<chat>`` — locks of a running check / delivery;
* ``seq`` — a counter ordering follows;
* ``night:<chat>`` — the chat wants updates at night too; ``lang:<chat>`` — its language at the
  last follow (when it never chose one with /language).

A check that found a change writes the new text, the version and every follower's inbox entry in
one transaction: a change is either recorded for all followers or (crash) found again next time.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any, cast

import redis.asyncio as redis_async
from redis.asyncio.lock import Lock

from bot.store.keys import PREFIX

CLAIM_TTL = 120.0  # a check fetches once (FETCH_TIMEOUT) and extracts; a dead worker's claim expires
SEND_CLAIM_TTL = 300.0  # the send job's timeout: a send waiting out 429 pauses keeps its chat


def _k(*parts: object) -> str:
    return ":".join([PREFIX, "follow", *map(str, parts)])


def _ts(moment: datetime | None) -> str:
    return f"{moment.timestamp():.3f}" if moment else ""


def _dt(raw: str | None) -> datetime | None:
    return datetime.fromtimestamp(float(raw), UTC) if raw else None


@dataclass
class Story:
    key: str
    url: str
    title: str
    paragraphs: list[str]
    text_hash: str
    started: datetime
    last_change: datetime | None = None
    etag: str = ""
    last_modified: str = ""
    version: int = 0

    def fields(self) -> dict[str, str]:
        return {"url": self.url, "title": self.title, "text": json.dumps(self.paragraphs, ensure_ascii=False),
                "text_hash": self.text_hash, "started": _ts(self.started), "last_change": _ts(self.last_change),
                "etag": self.etag, "last_modified": self.last_modified, "version": str(self.version)}  # fmt: skip


def _story(key: str, raw: dict[str, str]) -> Story | None:
    started = _dt(raw.get("started"))
    if not raw.get("url") or started is None:
        return None
    return Story(key=key, url=raw["url"], title=raw.get("title", ""), paragraphs=json.loads(raw.get("text") or "[]"),
                 text_hash=raw.get("text_hash", ""), started=started, last_change=_dt(raw.get("last_change")),
                 etag=raw.get("etag", ""), last_modified=raw.get("last_modified", ""),
                 version=int(raw.get("version") or 0))  # fmt: skip


@dataclass(frozen=True)
class Followed:
    key: str
    url: str
    title: str
    since: datetime


@dataclass(frozen=True)
class Update:
    """One material change of one story, as a follower's inbox keeps it until it is sent."""

    key: str
    version: int
    url: str
    old_title: str
    new_title: str
    facts: list[str] = field(default_factory=list)
    quotes: list[dict[str, str]] = field(default_factory=list)  # Quote.model_dump()
    removed: int = 0  # sentences that are gone
    whats_new: str = ""  # the LLM's short summary of the change, when there was one

    def dumps(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def loads(cls, raw: str) -> Update:
        data: dict[str, Any] = json.loads(raw)
        return cls(**data)


class FollowStore:
    def __init__(self, redis: redis_async.Redis, *, limit: int) -> None:
        self.redis = redis
        self.limit = limit

    # -- who follows what ---------------------------------------------------------------------------

    async def following(self, chat_id: int) -> list[Followed]:
        raw: dict[str, str] = await cast(Awaitable[dict[str, str]], self.redis.hgetall(_k("chat", chat_id)))
        entries = sorted(((key, json.loads(payload)) for key, payload in raw.items()), key=lambda e: e[1].get("seq", 0))
        return [Followed(key, data["url"], data.get("title", ""), _dt(data.get("since")) or datetime.now(UTC))
                for key, data in entries]  # fmt: skip

    async def count(self, chat_id: int) -> int:
        return int(await cast(Awaitable[int], self.redis.hlen(_k("chat", chat_id))))

    async def is_following(self, chat_id: int, key: str) -> bool:
        return bool(await cast(Awaitable[bool], self.redis.hexists(_k("chat", chat_id), key)))

    async def follow(self, chat_id: int, story: Story, now: datetime, first_check: datetime) -> None:
        """Add the follower; the story (with its baseline text) is created by the first follower."""
        seq = await self.redis.incr(_k("seq"))  # the order of follows, also within one clock tick
        entry = json.dumps({"url": story.url, "title": story.title, "since": _ts(now), "seq": seq}, ensure_ascii=False)
        created = await cast(Awaitable[bool], self.redis.hsetnx(_k("story", story.key), "url", story.url))
        pipe = self.redis.pipeline(transaction=True)
        if created:
            pipe.hset(_k("story", story.key), mapping=story.fields())
            pipe.zadd(_k("due"), {story.key: first_check.timestamp()})
        pipe.sadd(_k("fans", story.key), str(chat_id))
        pipe.hset(_k("chat", chat_id), story.key, entry)
        await pipe.execute()

    async def unfollow(self, chat_id: int, key: str) -> Followed | None:
        raw = await cast(Awaitable[str | None], self.redis.hget(_k("chat", chat_id), key))
        if raw is None:
            return None
        pending = await cast(Awaitable[list[str]], self.redis.hkeys(_k("inbox", chat_id)))
        pipe = self.redis.pipeline(transaction=True)
        pipe.hdel(_k("chat", chat_id), key)
        pipe.srem(_k("fans", key), str(chat_id))
        stale = [name for name in pending if name.startswith(f"{key}|")]  # no update after "unfollow"
        if stale:
            pipe.hdel(_k("inbox", chat_id), *stale)
        await pipe.execute()
        data = json.loads(raw)
        return Followed(key, data["url"], data.get("title", ""), _dt(data.get("since")) or datetime.now(UTC))

    async def fans(self, key: str) -> list[int]:
        return sorted(int(c) for c in await cast(Awaitable[set[str]], self.redis.smembers(_k("fans", key))))

    # -- stories ------------------------------------------------------------------------------------

    async def story(self, key: str) -> Story | None:
        return _story(key, await cast(Awaitable[dict[str, str]], self.redis.hgetall(_k("story", key))))

    async def due(self, now: datetime, limit: int = 1000) -> list[str]:
        return list(await self.redis.zrangebyscore(_k("due"), "-inf", now.timestamp(), start=0, num=limit))

    async def next_check_at(self, key: str) -> datetime | None:
        score = await self.redis.zscore(_k("due"), key)
        return datetime.fromtimestamp(float(score), UTC) if score is not None else None

    async def schedule(self, key: str, at: datetime) -> None:
        await self.redis.zadd(_k("due"), {key: at.timestamp()})

    def claim(self, key: str) -> Lock:
        return Lock(self.redis, _k("claim", key), timeout=CLAIM_TTL, blocking=False, thread_local=False)

    async def record(
        self, story: Story, *, next_check: datetime | None, updates: dict[int, Update] | None = None,
        deliver_at: datetime | None = None,
    ) -> None:  # fmt: skip
        """Store what a check saw (and, for a material change, every follower's inbox entry) at once."""
        pipe = self.redis.pipeline(transaction=True)
        pipe.hset(_k("story", story.key), mapping=story.fields())
        if next_check is not None:
            pipe.zadd(_k("due"), {story.key: next_check.timestamp()})
        at = (deliver_at or datetime.now(UTC)).timestamp()
        for chat, update in (updates or {}).items():
            pipe.hset(_k("inbox", chat), f"{update.key}|{update.version}", update.dumps())
            pipe.zadd(_k("outbox"), {str(chat): at}, lt=True)  # LT still adds a missing chat
        await pipe.execute()
        if next_check is None:
            await self.end(story.key)

    async def end(self, key: str) -> None:
        """Checking is over (too old, quiet too long, nobody follows): forget the story everywhere."""
        chats = await self.fans(key)
        pipe = self.redis.pipeline(transaction=True)
        pipe.zrem(_k("due"), key)
        pipe.delete(_k("story", key), _k("fans", key))
        for chat in chats:
            pipe.hdel(_k("chat", chat), key)
        await pipe.execute()

    # -- deliveries ---------------------------------------------------------------------------------

    async def ready_chats(self, now: datetime, limit: int = 1000) -> list[int]:
        return [int(c) for c in await self.redis.zrangebyscore(_k("outbox"), "-inf", now.timestamp(), start=0,
                                                                num=limit)]  # fmt: skip

    async def inbox(self, chat_id: int) -> dict[str, Update]:
        raw: dict[str, str] = await cast(Awaitable[dict[str, str]], self.redis.hgetall(_k("inbox", chat_id)))
        return {name: Update.loads(payload) for name, payload in raw.items()}

    async def delivered(self, chat_id: int, names: list[str]) -> None:
        """The updates ``names`` went out; the chat leaves the outbox when nothing else waits."""
        if names:
            await cast(Awaitable[int], self.redis.hdel(_k("inbox", chat_id), *names))
        await self.redis.eval(_DROP_IF_EMPTY, 2, _k("inbox", chat_id), _k("outbox"), str(chat_id))  # type: ignore[misc]

    async def postpone(self, chat_id: int, until: datetime) -> None:
        await self.redis.zadd(_k("outbox"), {str(chat_id): until.timestamp()}, xx=True)

    def send_claim(self, chat_id: int) -> Lock:
        return Lock(self.redis, _k("sendclaim", chat_id), timeout=SEND_CLAIM_TTL, blocking=False, thread_local=False)

    # -- preferences -------------------------------------------------------------------------------

    async def language(self, chat_id: int) -> str | None:
        value: str | None = await self.redis.get(_k("lang", chat_id))
        return value

    async def set_language(self, chat_id: int, language: str) -> None:
        await self.redis.set(_k("lang", chat_id), language)

    async def night(self, chat_id: int) -> bool:
        return bool(await self.redis.exists(_k("night", chat_id)))

    async def set_night(self, chat_id: int, on: bool) -> None:
        if on:
            await self.redis.set(_k("night", chat_id), "1")
        else:
            await self.redis.delete(_k("night", chat_id))


# KEYS: inbox, outbox; ARGV: chat
_DROP_IF_EMPTY = """
if redis.call('HLEN', KEYS[1]) == 0 then redis.call('ZREM', KEYS[2], ARGV[1]) end
return 1
"""

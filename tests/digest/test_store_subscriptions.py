from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, time

import pytest
import redis.asyncio as redis_async
from redis.exceptions import ResponseError

from bot.errors import FetchError
from bot.store.durable import DurableWriter
from bot.store.redis import connect
from bot.store.subscriptions import (
    CHATS_KEY,
    ChatSettings,
    SubscriptionLimitError,
    SubscriptionStore,
    settings_key,
    subs_key,
)
from tests.fakes.redis_server import RedisServer

BBC = "https://feeds.bbci.co.uk/news/world/rss.xml"
DW = "https://rss.dw.com/rdf/rss-en-world"
NPR = "https://feeds.npr.org/1004/rss.xml"


@pytest.fixture
async def redis(redis_url: str) -> AsyncIterator[redis_async.Redis]:
    client = connect(redis_url)
    yield client
    await client.aclose()


@pytest.fixture
def store(redis: redis_async.Redis) -> SubscriptionStore:
    return SubscriptionStore(redis, limit=5)


async def test_add_list_and_dedupe_by_url_identity(store: SubscriptionStore) -> None:
    assert await store.add(1, BBC, "BBC World")
    assert await store.add(1, DW, "  DW\u200b World \n")
    assert not await store.add(1, BBC + "?utm_source=x#frag", "BBC again")
    assert not await store.add(1, BBC.replace("feeds.bbci", "FEEDS.BBCI"), "BBC caps")
    subs = await store.list(1)
    assert [(s.url, s.title) for s in subs] == [(BBC, "BBC World"), (DW, "DW World")]
    assert subs[0].key == BBC and subs[0].added.tzinfo is UTC
    assert await store.list(2) == []


async def test_bad_url_is_refused(store: SubscriptionStore) -> None:
    with pytest.raises(FetchError):
        await store.add(1, "javascript:alert(1)", "x")
    assert await store.list(1) == []


async def test_limit(store: SubscriptionStore) -> None:
    for n in range(5):
        assert await store.add(1, f"https://feeds{n}.example.com/rss", f"Feed {n}")
    with pytest.raises(SubscriptionLimitError) as caught:
        await store.add(1, "https://one-too-many.example.com/rss", "x")
    assert caught.value.limit == 5 and "5" in caught.value.reason
    assert not await store.add(1, "https://feeds0.example.com/rss", "dupe at the limit is fine")
    assert await store.add(1, "https://per-call.example.com/rss", "x", limit=6)
    assert len(await store.list(1)) == 6


async def test_limit_holds_under_concurrency(store: SubscriptionStore) -> None:
    async def add(n: int) -> bool:
        try:
            return await store.add(7, f"https://c{n}.example.com/rss", "x")
        except SubscriptionLimitError:
            return False

    results = await asyncio.gather(*(add(n) for n in range(20)))
    assert sum(results) == 5
    assert len(await store.list(7)) == 5


async def test_remove_by_url_index_or_digit_string(store: SubscriptionStore) -> None:
    for url in (BBC, DW, NPR):
        await store.add(1, url, url)
    removed = await store.remove(1, DW + "?utm_medium=rss")
    assert removed is not None and removed.url == DW
    assert await store.remove(1, DW) is None
    assert (await store.remove(1, 2)).url == NPR  # type: ignore[union-attr]
    assert await store.remove(1, " 1 ") is not None
    assert await store.remove(1, 1) is None
    assert await store.remove(1, 0) is None
    assert await store.remove(1, "not a url at all") is None
    assert await store.list(1) == []
    assert await store.chats_with_subscriptions() == []
    assert await store.feeds() == []


async def test_feeds_and_chats_indexes(store: SubscriptionStore, redis: redis_async.Redis) -> None:
    await store.add(1, BBC, "BBC")
    await store.add(2, BBC + "?utm_source=tg", "BBC")
    await store.add(2, DW, "DW")
    await store.add(3, DW, "DW")
    await store.add(3, NPR, "NPR")
    await store.add(-100123, NPR, "NPR")
    feeds = {f.key: (f.url, f.subscribers) for f in await store.feeds()}
    assert feeds == {BBC: (BBC, 2), DW: (DW, 2), NPR: (NPR, 2)}
    assert await store.chats_with_subscriptions() == [-100123, 1, 2, 3]
    await store.remove(3, NPR)
    await store.remove(-100123, NPR)
    assert NPR not in {f.key for f in await store.feeds()}
    assert await store.chats_with_subscriptions() == [1, 2, 3]
    await store.park(2, "Forbidden: bot was blocked by the user")
    assert await store.chats_with_subscriptions() == [1, 3]
    assert await redis.smembers(CHATS_KEY) == {"1", "2", "3"}  # parked, but still subscribed


async def test_settings_defaults_and_updates(store: SubscriptionStore) -> None:
    assert await store.get_settings(5) == ChatSettings(chat_id=5)
    await store.set_timezone(5, "Europe/Berlin")
    await store.set_digest_time(5, time(7, 30))
    await store.set_paused(5, True)
    settings = await store.get_settings(5)
    assert (settings.timezone, settings.digest_time, settings.paused) == (
        "Europe/Berlin",
        time(7, 30),
        True,
    )
    assert settings.zone.key == "Europe/Berlin"
    await store.set_paused(5, False)
    assert not (await store.get_settings(5)).paused
    with pytest.raises((ValueError, KeyError)):
        await store.set_timezone(5, "Mars/Base")


async def test_park_and_unpark(store: SubscriptionStore) -> None:
    await store.add(9, BBC, "BBC")
    when = datetime(2026, 5, 5, 12, tzinfo=UTC)
    assert await store.park(9, "Forbidden: bot was blocked by the user", now=when)
    assert not await store.park(9, "again", now=when)
    settings = await store.get_settings(9)
    assert settings.parked and settings.parked_reason == "again" and settings.parked_at == when
    assert len(await store.list(9)) == 1  # subscriptions are kept
    assert await store.unpark(9)
    assert not await store.unpark(9)
    settings = await store.get_settings(9)
    assert not settings.parked and settings.parked_reason is None
    assert await store.chats_with_subscriptions() == [9]


async def test_mark_digest_sent_once_per_local_day(store: SubscriptionStore) -> None:
    day = date(2026, 3, 29)
    assert (await store.get_settings(4)).last_digest_day is None
    results = await asyncio.gather(*(store.mark_digest_sent(4, day, f"d{n}") for n in range(8)))
    assert sorted(results) == [False] * 7 + [True]
    assert (await store.get_settings(4)).last_digest_day == day
    assert not await store.mark_digest_sent(4, day, "retry")
    assert not await store.mark_digest_sent(4, date(2026, 3, 28), "late")  # never backwards
    assert await store.mark_digest_sent(4, date(2026, 3, 30), "next")
    assert (await store.get_settings(4)).last_digest_day == date(2026, 3, 30)


async def test_migrate_chat_moves_everything(store: SubscriptionStore, redis: redis_async.Redis) -> None:
    old, new = -4001, -1004001
    await store.add(old, BBC, "BBC")
    await store.add(old, DW, "DW")
    await store.add(new, DW, "DW already here")  # both have DW: counted once afterwards
    await store.set_timezone(old, "America/New_York")
    await store.set_digest_time(old, time(6, 15))
    await store.set_paused(new, True)
    await store.mark_digest_sent(old, date(2026, 5, 5), "d1")
    await store.park(old, "Bad Request: group chat was upgraded to a supergroup chat")

    assert await store.migrate_chat(old, new) == 1

    assert await store.list(old) == []
    assert {(s.url, s.title) for s in await store.list(new)} == {
        (BBC, "BBC"),
        (DW, "DW already here"),
    }
    settings = await store.get_settings(new)
    assert settings.timezone == "America/New_York" and settings.digest_time == time(6, 15)
    assert settings.paused  # the new chat's own value wins
    assert settings.last_digest_day == date(2026, 5, 5)
    assert settings.parked
    assert await store.get_settings(old) == ChatSettings(chat_id=old)
    assert await redis.smembers(CHATS_KEY) == {str(new)}
    assert {f.key: f.subscribers for f in await store.feeds()} == {BBC: 1, DW: 1}
    assert not await redis.exists(subs_key(old), settings_key(old))
    assert await store.migrate_chat(old, new) == 0  # idempotent
    assert await store.migrate_chat(new, new) == 0
    assert await redis.sismember(CHATS_KEY, str(new))


async def test_durable_writer_detects_missing_waitaof_once(
    store: SubscriptionStore, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="bot.store.durable")
    for n in range(3):
        await store.add(1, f"https://w{n}.example.com/rss", "x")
    # the redis_url server runs without AOF, which WAITAOF refuses too (on any version)
    assert store.durable.waitaof is False
    assert len([r for r in caplog.records if "WAITAOF unavailable" in r.message]) == 1
    assert len(await store.list(1)) == 3


class _RecordingPipeline:
    """Stands in for a redis pipeline: records commands, answers with canned replies."""

    def __init__(self, replies: list[object]) -> None:
        self.commands: list[tuple[object, ...]] = []
        self.replies = replies

    async def __aenter__(self) -> _RecordingPipeline:
        return self

    async def __aexit__(self, *exc: object) -> None:
        return None

    def execute_command(self, *args: object) -> _RecordingPipeline:
        self.commands.append(args)
        return self

    def hset(self, *args: object) -> _RecordingPipeline:
        return self.execute_command("HSET", *args)

    async def execute(self, raise_on_error: bool = True) -> list[object]:
        assert raise_on_error is False
        return self.replies[: len(self.commands)]


class _RecordingRedis:
    def __init__(self, replies: list[object]) -> None:
        self.replies = replies
        self.pipelines: list[_RecordingPipeline] = []

    def pipeline(self, transaction: bool = True) -> _RecordingPipeline:
        assert transaction is False  # WAITAOF must not be inside MULTI (it wouldn't block)
        self.pipelines.append(_RecordingPipeline(self.replies))
        return self.pipelines[-1]


async def _queue_hset(pipe: _RecordingPipeline) -> None:
    pipe.hset("k", "f", "v")


async def test_durable_writer_sends_waitaof_behind_the_write_on_one_connection(
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake = _RecordingRedis([1, [1, 0]])
    writer = DurableWriter(fake, timeout_ms=1000)  # type: ignore[arg-type]
    assert await writer.run(_queue_hset) == 1  # type: ignore[arg-type]
    assert fake.pipelines[0].commands == [("HSET", "k", "f", "v"), ("WAITAOF", 1, 0, 1000)]
    assert writer.waitaof is True

    fake.replies[1] = [0, 0]  # timed out before the fsync
    with caplog.at_level(logging.WARNING):
        await writer.run(_queue_hset)  # type: ignore[arg-type]
    assert "not yet fsynced" in caplog.text

    fake.replies[1] = ResponseError("ERR unknown command 'WAITAOF'")
    await writer.run(_queue_hset)  # type: ignore[arg-type]
    assert writer.waitaof is False
    await writer.run(_queue_hset)  # type: ignore[arg-type]
    assert fake.pipelines[-1].commands == [("HSET", "k", "f", "v")]  # not probed again

    fake.replies[0] = ResponseError("WRONGTYPE")
    with pytest.raises(ResponseError, match="WRONGTYPE"):
        await writer.run(_queue_hset)  # type: ignore[arg-type]


# -- durability against a real AOF server, kill -9 --------------------------------------------


async def _aof_store(url: str) -> tuple[redis_async.Redis, SubscriptionStore]:
    client = connect(url)
    return client, SubscriptionStore(client, limit=1000)


async def test_acknowledged_subscriptions_survive_kill_9(redis_aof: RedisServer) -> None:
    client, store = await _aof_store(redis_aof.url)
    acked: list[tuple[int, str]] = []

    async def subscribe(chat: int, n: int) -> None:
        url = f"https://feed{n}.example.com/rss"
        if await store.add(chat, url, f"Feed {n}"):
            acked.append((chat, url))

    await asyncio.gather(*(subscribe(chat, n) for chat in range(1, 6) for n in range(40)))
    info = await client.info("server")
    supports_waitaof = tuple(int(p) for p in info["redis_version"].split(".")[:2]) >= (7, 2)
    assert store.durable.waitaof is supports_waitaof
    redis_aof.kill()  # SIGKILL right after the last acknowledgement
    await client.aclose()
    redis_aof.restart()

    client, store = await _aof_store(redis_aof.url)
    try:
        assert len(acked) == 200
        for chat in range(1, 6):
            stored = {s.url for s in await store.list(chat)}
            assert stored == {url for c, url in acked if c == chat}
        assert await store.chats_with_subscriptions() == [1, 2, 3, 4, 5]
        assert all(f.subscribers == 5 for f in await store.feeds())
    finally:
        await client.aclose()


async def test_park_and_unpark_survive_restarts(redis_aof: RedisServer) -> None:
    client, store = await _aof_store(redis_aof.url)
    await store.add(42, BBC, "BBC")
    await store.park(42, "Forbidden: bot was kicked from the group chat")
    redis_aof.kill()
    await client.aclose()
    redis_aof.restart()

    client, store = await _aof_store(redis_aof.url)
    settings = await store.get_settings(42)
    assert settings.parked and settings.parked_reason == "Forbidden: bot was kicked from the group chat"
    assert await store.chats_with_subscriptions() == []
    assert await store.unpark(42)
    redis_aof.kill()
    await client.aclose()
    redis_aof.restart()

    client, store = await _aof_store(redis_aof.url)
    try:
        assert not (await store.get_settings(42)).parked
        assert await store.chats_with_subscriptions() == [42]
        assert [s.url for s in await store.list(42)] == [BBC]
    finally:
        await client.aclose()


async def test_same_store_keeps_working_after_a_redis_restart(redis_aof: RedisServer) -> None:
    """The Lua script cache is empty after a restart; scripts must be reloaded transparently."""
    client = connect(redis_aof.url)  # the bot's own client settings (retries on reconnect)
    store = SubscriptionStore(client)
    try:
        assert await store.add(1, BBC, "BBC")
        redis_aof.kill()
        redis_aof.restart()
        assert await store.add(1, DW, "DW")
        assert [s.url for s in await store.list(1)] == [BBC, DW]
        assert await store.mark_digest_sent(1, date(2026, 5, 5), "d")
        assert await store.park(1, "x")
    finally:
        await client.aclose()

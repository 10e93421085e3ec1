"""Helpers for the digest end-to-end tests (tests/digest/test_e2e_*.py).

Feeds and articles are served by the ``article_server`` fake; the bot's scheduler reads "now" from
the Redis key ``CLOCK_KEY`` (an injected test clock, tests/fakes/clock.py), ticks every second or two, and the curated
source list comes from a JSON file pointing at the local server (DIGEST_SOURCES_FILE).

"Nothing was sent" is only worth asserting once the scheduler has looked: ``DigestWorld.quiesce``
runs scheduler ticks at the clock as set and waits for every poll and send they queued.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path
from typing import Any, cast

import redis
import redis.asyncio as redis_async
from saq.queue.redis import RedisQueue

from bot.digest.jobs import FEEDS_QUEUE, SEND_QUEUE, TICK_QUEUE, digest_tick
from tests.fakes.article_server import ArticleServer
from tests.fakes.telegram_api import FakeTelegram, StoredMessage
from tests.fakes.waiting import wait_until

CLOCK_KEY = "nb:test:clock"
DIGEST_HEADER = "📰 Your daily digest"
EMPTY_LINE = "Nothing new from your sources today."


# saq's own names for the sets of pending and running jobs (poll and send queues)
PENDING = [RedisQueue(redis_async.Redis(), name=name).namespace("incomplete") for name in (FEEDS_QUEUE, SEND_QUEUE)]


@dataclass(frozen=True)
class Item:
    title: str
    path: str  # article path on the article server
    description: str
    published: datetime


def rss(title: str, site: str, items: Iterable[Item], base: str) -> str:
    entries = "".join(
        f"<item><title>{escape(i.title)}</title><link>{base}{i.path}</link>"
        f"<guid>{base}{i.path}</guid><description>{escape(i.description)}</description>"
        f"<pubDate>{format_datetime(i.published.astimezone(UTC), usegmt=True)}</pubDate></item>"
        for i in items
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel>'
        f"<title>{escape(title)}</title><link>{site}</link><description>{escape(title)}</description>"
        f"{entries}</channel></rss>"
    )


def article_html(title: str, body: str) -> str:
    paragraphs = "".join(f"<p>{escape(p)}</p>" for p in body.split("\n\n"))
    return (
        f"<!doctype html><html lang='en'><head><title>{escape(title)}</title></head>"
        f"<body><article><h1>{escape(title)}</h1>{paragraphs}</article></body></html>"
    )


def story_body(topic: str) -> str:
    return "\n\n".join(
        f"{topic}: paragraph {n} reports what officials said on Tuesday about the plan and its costs, "
        f"which several ministers described as a turning point for the region and its economy."
        for n in range(1, 6)
    )


def llm_responder(request: dict[str, Any]) -> dict[str, Any]:
    """A valid structured summary naming the article's title (so tests can see the LLM line)."""
    content = request["messages"][-1]["content"]
    match = re.search(r"^Title: (.*)$", content, re.M)
    title = match.group(1).strip() if match else "the story"
    if "news_summary" not in json.dumps(request.get("response_format", {})):
        return {"answer": f"About {title}.", "found": True, "quotes": []}
    return {"headline": title, "bullets": [f"LLM line about {title}.", "A second point."],
            "key_quotes": [], "questions": [], "language": "en"}  # fmt: skip


class DigestWorld:
    """The test side of a digest scenario: clock, feeds, articles, Redis and Telegram inspection."""

    def __init__(self, redis_url: str, fake: FakeTelegram, site: ArticleServer, tmp: Path) -> None:
        self.redis_url = redis_url
        self.redis = redis.Redis.from_url(redis_url, decode_responses=True)
        self.fake = fake
        self.site = site
        self.tmp = tmp
        self.sources_file = tmp / "sources.json"
        self.sources_file.write_text("[]", encoding="utf-8")

    def env(self, **extra: Any) -> dict[str, str]:
        env = {
            "DIGEST_TICK_SECONDS": "1",
            "NEWSBOT_TEST_CLOCK_KEY": CLOCK_KEY,
            "DIGEST_SOURCES_FILE": str(self.sources_file),
        }
        env.update({k: str(v) for k, v in extra.items()})
        return env

    # -- clock ---------------------------------------------------------------------------------

    def set_clock(self, moment: datetime) -> None:
        self.redis.set(CLOCK_KEY, f"{moment.timestamp():.3f}")

    def now(self) -> datetime:
        raw = cast(str | None, self.redis.get(CLOCK_KEY))
        return datetime.fromtimestamp(float(raw), UTC) if raw else datetime.now(UTC)

    # -- scheduler evidence ----------------------------------------------------------------------

    def quiesce(self, ticks: int = 1, timeout: float = 30.0, *, drain: bool = True) -> list[dict[str, int]]:
        """Run ``ticks`` scheduler ticks now and return once they and (``drain``) every feed poll and
        send they queued are done; returns what each tick found (``polls``, ``digests``, ``due``).

        Each tick is the bot's own ``digest_tick`` job, queued next to the cron's and run by a
        bot process's tick worker, so it reads the clock as set now. Waiting for the cron instead
        would cost seconds per check (saq schedules the next cron job only after the previous one
        ran: about one tick every two seconds).
        """

        async def run() -> list[dict[str, int]]:
            queue = RedisQueue.from_url(self.redis_url, name=TICK_QUEUE)
            try:
                return [await queue.apply(digest_tick.__qualname__, timeout=timeout, poll_interval=0.02)
                        for _ in range(ticks)]  # fmt: skip
            finally:
                await queue.disconnect()

        found = asyncio.run(run())
        if not drain:
            return found

        def idle() -> bool:
            pipe = self.redis.pipeline(transaction=True)  # one snapshot of both queues
            for key in PENDING:
                pipe.zcard(key)
            return not any(pipe.execute())

        wait_until(idle, timeout, "no pending or running feed polls and digest sends")
        return found

    def last_day(self, chat_id: int) -> str | None:
        """The local day of the chat's last recorded digest."""
        return cast(str | None, self.redis.hget(f"nb:v1:digest:chat:{chat_id}", "last_day"))

    # -- content ---------------------------------------------------------------------------------

    def article(self, path: str, title: str, topic: str | None = None) -> str:
        return self.site.add(path, article_html(title, story_body(topic or title)))

    def feed(self, path: str, title: str, items: list[Item]) -> str:
        for item in items:
            if not item.path.startswith("/missing"):
                self.article(item.path, item.title)
        return self.site.add(path, rss(title, self.site.base_url, items, self.site.base_url),
                             content_type="application/rss+xml")  # fmt: skip

    def presets(self, entries: list[dict[str, str]]) -> None:
        self.sources_file.write_text(json.dumps(entries), encoding="utf-8")

    # -- seeding many chats directly in Redis (the bot's own store code) --------------------------

    def seed(self, chats: Iterable[int], feeds: list[str], *, tz: str = "UTC", at: str = "08:00") -> None:
        from bot.store.redis import connect
        from bot.store.subscriptions import SubscriptionStore

        async def go() -> None:
            client = connect(self.redis_url)
            store = SubscriptionStore(client, limit=100)
            hh, mm = map(int, at.split(":"))
            from datetime import time as dtime

            async def one(chat: int) -> None:
                for url in feeds:
                    await store.add(chat, url, url.rsplit("/", 1)[-1])
                await store.set_timezone(chat, tz)
                await store.set_digest_time(chat, dtime(hh, mm))

            chat_list = list(chats)
            for start in range(0, len(chat_list), 100):
                await asyncio.gather(*(one(c) for c in chat_list[start : start + 100]))
            await client.aclose()

        asyncio.run(go())

    # -- Telegram side ---------------------------------------------------------------------------

    def digests(self, chat_id: int) -> list[StoredMessage]:
        return [m for m in self.fake.messages(chat_id)
                if (m.plain_text or "").startswith(DIGEST_HEADER) or m.plain_text == EMPTY_LINE]  # fmt: skip

    def wait_digests(self, chat_id: int, count: int = 1, timeout: float = 20.0) -> list[StoredMessage]:
        return self.fake.wait_for_messages(
            chat_id, count, timeout,
            predicate=lambda m: (m.plain_text or "").startswith(DIGEST_HEADER) or m.plain_text == EMPTY_LINE,
        )  # fmt: skip

    def command(self, chat_id: int, text: str, *, timeout: float = 15.0, **kwargs: Any) -> StoredMessage:
        """Send a command and return the bot's reply to it."""
        sent = self.fake.push_message(chat_id, text, **kwargs)
        [reply] = self.fake.wait_for_messages(
            chat_id, 1, timeout, predicate=lambda m: m.reply_to_message_id == sent["message_id"]
        )
        return reply


def at(day: str, hhmm: str, tz: str = "UTC") -> datetime:
    """An aware datetime from a local date and time: at("2026-03-02", "08:00", "Europe/Berlin")."""
    from zoneinfo import ZoneInfo

    return datetime.fromisoformat(f"{day}T{hhmm}").replace(tzinfo=ZoneInfo(tz)).astimezone(UTC)


def items_before(
    moment: datetime, prefix: str, titles: list[str], *, spacing: timedelta = timedelta(minutes=30)
) -> list[Item]:
    return [Item(title=t, path=f"/{prefix}/{n}.html", description=f"{t}. Short feed summary number {n}.",
                 published=moment - spacing * (n + 1)) for n, t in enumerate(titles)]  # fmt: skip

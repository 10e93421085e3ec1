"""Redis bytes per chat when every feed a chat follows is hostile: 20 feeds, each showing 100
brand-new items with the longest titles and summaries the parser keeps, polled every 15 minutes.

Runs the real ItemStore on a throwaway redis-server twice in one run: with the per-feed caps
(MAX_ITEMS_KEPT items, MAX_SEEN_KEPT hashes) and, as the baseline, with the caps lifted (what main
did: every item kept until ITEM_TTL). Items expire after ITEM_TTL, so the peak over that window is
what a month of such feeds costs; the uncapped run is extrapolated linearly to it.

It then polls the same chat's 20 feeds for a day, each fetch the largest body the fetcher takes
(FETCH_MAX_BYTES), through the real feed-bytes budget (DIGEST_FEED_BYTES_PER_CHAT_DAY): the bytes
fetched for the chat per day with and without it, and the Redis bytes of the day's counters.

    python -m bench.redis_bytes [--hours 6]
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime, timedelta

from bot.config import Settings
from bot.digest.feedbudget import FeedByteBudget
from bot.digest.feeds import SUMMARY_CHARS, TITLE_CHARS
from bot.models import FeedItem
from bot.net.urls import normalize_url
from bot.store import feeds as feed_store
from bot.store.feedbytes import FeedBytesStore, bytes_key, over_key
from bot.store.redis import connect
from bot.store.subscriptions import SubscriptionStore
from tests.fakes.redis_server import RedisServer

FEEDS_PER_CHAT = 20
ITEMS_PER_POLL = 100
POLL = timedelta(minutes=15)
CHATS = 10_000
START = datetime(2026, 3, 1, tzinfo=UTC)


def fetch(feed: str, poll: int, now: datetime) -> list[FeedItem]:
    return [
        FeedItem(key=f"{feed}/{poll}/{n}", guid=None, url=f"{feed}/{poll}/{n}", title=("T" * TITLE_CHARS),
                 summary=("S" * SUMMARY_CHARS), published=now - timedelta(seconds=n), feed_url=feed,
                 source="Hostile")
        for n in range(ITEMS_PER_POLL)
    ]  # fmt: skip


async def one_chat(url: str, hours: float, *, capped: bool) -> int:
    """Bytes of Redis memory used by one chat's feeds after ``hours`` of polling."""
    redis = connect(url)
    await redis.flushall()
    kept, seen = feed_store.MAX_ITEMS_KEPT, feed_store.MAX_SEEN_KEPT
    if not capped:
        feed_store.MAX_ITEMS_KEPT = feed_store.MAX_SEEN_KEPT = 10**9
    try:
        before = int((await redis.info("memory"))["used_memory"])
        store = feed_store.ItemStore(redis)
        feeds = [f"https://hostile{n}.example/feed" for n in range(FEEDS_PER_CHAT)]
        for poll in range(int(hours * 3600 / POLL.total_seconds())):
            now = START + POLL * poll
            for feed in feeds:
                await store.add(feed, fetch(feed, poll, now), now=now)
        return int((await redis.info("memory"))["used_memory"]) - before
    finally:
        feed_store.MAX_ITEMS_KEPT, feed_store.MAX_SEEN_KEPT = kept, seen
        await redis.aclose()


async def fetched_in_a_day(url: str) -> tuple[int, int, int, int]:
    """(polls made, polls a day without the budget, bytes fetched for the chat, Redis bytes of the
    day's counters) for one chat whose 20 feeds answer every poll with FETCH_MAX_BYTES."""
    redis = connect(url)
    await redis.flushall()
    fields = Settings.model_fields
    body = int(fields["fetch_max_bytes"].default)
    try:
        subs = SubscriptionStore(redis, limit=FEEDS_PER_CHAT)
        feeds = [f"https://hostile{n}.example/feed" for n in range(FEEDS_PER_CHAT)]
        for feed in feeds:
            await subs.add(1, feed, feed)
        limit = int(fields["digest_feed_bytes_per_chat_day"].default)
        budget = FeedByteBudget(FeedBytesStore(redis), subs, per_chat_day=limit, feeds_per_chat=FEEDS_PER_CHAT)
        polls = fetched = 0
        per_day = int(timedelta(days=1) / POLL)
        for poll in range(per_day):
            now = START + POLL * poll
            stopped = await budget.stopped_feeds(now)
            for feed in feeds:
                if normalize_url(feed) in stopped:
                    continue
                polls += 1
                fetched += body
                await budget.charge(feed, body, now)
        day = START.strftime("%Y-%m-%d")
        counters = 0
        for key in (bytes_key(day), over_key(day)):
            counters += int(await redis.memory_usage(key) or 0)
        return polls, per_day * FEEDS_PER_CHAT, fetched, counters
    finally:
        await redis.aclose()


def mib(n: float) -> str:
    return f"{n / 2**30:,.1f} GiB" if n >= 2**30 else f"{n / 2**20:,.1f} MiB"


async def main(hours: float) -> None:
    server = RedisServer().start()
    try:
        window = feed_store.ITEM_TTL / 3600
        capped = await one_chat(server.url, hours, capped=True)
        uncapped = await one_chat(server.url, hours, capped=False)
        uncapped_peak = uncapped * window / hours
        print(f"one chat, {FEEDS_PER_CHAT} hostile feeds x {ITEMS_PER_POLL} new items per poll, {hours:g} h")
        print(f"  baseline (no caps): {mib(uncapped)} after {hours:g} h -> ~{mib(uncapped_peak)} at the {window:g} h"
              " item TTL, held for the month")
        print(f"  capped ({feed_store.MAX_ITEMS_KEPT} items/feed): {mib(capped)} (flat once each feed holds its cap)")
        print(f"  {CHATS:,} chats x {FEEDS_PER_CHAT} distinct hostile feeds: baseline ~{mib(uncapped_peak * CHATS)},"
              f" capped ~{mib(capped * CHATS)}")
        polls, all_polls, fetched, counters = await fetched_in_a_day(server.url)
        body = int(Settings.model_fields["fetch_max_bytes"].default)
        print(f"feed bytes fetched for that chat in a day, every poll {mib(body)}: without the budget"
              f" {mib(all_polls * body)} ({all_polls} polls), with DIGEST_FEED_BYTES_PER_CHAT_DAY {mib(fetched)}"
              f" ({polls} polls, then its feeds are skipped until tomorrow)")
        print(f"  the day's byte counters: {counters:,} bytes of Redis for the chat (kept 2 days);"
              f" {CHATS:,} chats: ~{mib(2 * counters * CHATS)}")
    finally:
        server.stop()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--hours", type=float, default=6.0)
    asyncio.run(main(parser.parse_args().hours))

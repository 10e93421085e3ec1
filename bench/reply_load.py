"""Bench: reply throughput and latency under load, newsbot beside a bare python-telegram-bot floor.

Prints, for offered 10/20/30/60 updates/s of cache hits from distinct users (one process each, the
fake Bot API with Telegram's flood limits on: 30/s overall, 1/s per chat):
  replies/s achieved, p50/p99 latency (update pushed → reply recorded by the fake) and 429s, for
  the floor (bench/floor_bot.py: stock AIORateLimiter, 64 concurrent updates, one reply_text) and
  for newsbot (`newsbot run`, offline engine, the summary already cached);
and the event-loop probe: /start every 200 ms (each from a new user) while another user imports an OPML of three ~5 MB
feeds, probe p50/p99.

Usage: .venv/bin/python bench/reply_load.py [--seconds 4] [--rates 10,20,30,60] [--feed-mb 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.fakes.article_server import ArticleServer
from tests.fakes.big_feed import big_feed
from tests.fakes.bot_process import BotProcess
from tests.fakes.redis_server import RedisServer
from tests.fakes.telegram_api import FakeTelegram

PROBE_EVERY = 0.2
MAX_PROBES = 200  # 40 s of probing at most


class FloorBot(BotProcess):
    def _module(self) -> str:
        return "bench.floor_bot"


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def env_for(fake: FakeTelegram, redis: RedisServer, pages: ArticleServer, tmp: str) -> dict[str, str]:
    return {
        "TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_URL": fake.base_url, "REDIS_URL": redis.url,
        "FETCH_ALLOW_PRIVATE_NETWORKS": "true", "FETCH_ALLOWED_PORTS": f"80,443,{pages.port}",
        "LOG_LEVEL": "WARNING", "LINKS_PER_MINUTE": "100000", "NEWSBOT_ENV_FILE": f"{tmp}/none",
        "HEARTBEAT_FILE": f"{tmp}/hb", "DIGEST_WORKER": "false",
    }  # fmt: skip


def replied_at(fake: FakeTelegram, pushed: dict[int, float], timeout: float) -> dict[int, float]:
    """The time of each chat's first successful sendMessage after its update was pushed."""
    deadline = time.monotonic() + timeout
    found: dict[int, float] = {}
    while len(found) < len(pushed) and time.monotonic() < deadline:
        for call in fake.calls_of("sendMessage"):
            chat = call.params.get("chat_id")
            if call.ok and chat in pushed and chat not in found and call.time >= pushed[chat]:
                found[chat] = call.time
        time.sleep(0.05)
    return found


def offer(fake: FakeTelegram, rate: float, seconds: float, first_chat: int, text: str) -> dict[int, float]:
    pushed: dict[int, float] = {}
    start = time.monotonic()
    for n in range(int(rate * seconds)):
        time.sleep(max(0.0, start + n / rate - time.monotonic()))
        pushed[first_chat + n] = time.monotonic()
        fake.push_message(first_chat + n, text)
    return pushed


def load_row(fake: FakeTelegram, rate: float, seconds: float, first_chat: int, text: str) -> str:
    errors_before = fake.count_429
    pushed = offer(fake, rate, seconds, first_chat, text)
    replies = replied_at(fake, pushed, timeout=seconds * 3 + 30)
    if not replies:
        return "no replies"
    latency = [(replies[c] - pushed[c]) * 1000 for c in replies]
    span = max(replies.values()) - min(pushed.values())
    return (f"{len(replies) / span:5.1f} replies/s  p50 {statistics.median(latency):7.0f} ms  "
            f"p99 {pct(latency, 0.99):7.0f} ms  429s {fake.count_429 - errors_before}"
            f"{'' if len(replies) == len(pushed) else f'  MISSING {len(pushed) - len(replies)}'}")  # fmt: skip


def throughput(rates: list[float], seconds: float, redis: RedisServer, pages: ArticleServer, tmp: str) -> None:
    url = pages.url("/seed.html")
    rows: dict[str, list[str]] = {}
    for name in ("floor", "newsbot"):
        with FakeTelegram() as fake:
            fake.set_flood_limits(per_chat_per_second=1, overall_per_second=30, group_per_minute=20)
            kind = FloorBot if name == "floor" else BotProcess
            bot = kind(env_for(fake, redis, pages, tmp), args=() if name == "floor" else ("run",), name=name)
            try:
                bot.start()
                bot.wait_ready(fake)
                fake.push_message(1, url)  # newsbot makes the summary once: the load is cache hits
                fake.wait_for_messages(1, 1, timeout=60, predicate=lambda m: not (m.plain_text or "").startswith("⏳"))
                rows[name] = [load_row(fake, rate, seconds, 100_000 * (n + 1), url) for n, rate in enumerate(rates)]
            finally:
                bot.stop()
    print(f"reply load: cache hits from distinct users, {seconds:.0f} s per rate, fake Bot API with flood limits")
    for n, rate in enumerate(rates):
        print(f"  offered {rate:4.0f}/s  floor   {rows['floor'][n]}")
        print(f"                 newsbot {rows['newsbot'][n]}")


def probe(feed_bytes: int, redis: RedisServer, pages: ArticleServer, tmp: str) -> None:
    feeds = [pages.add(f"/big{n}.xml", big_feed(feed_bytes, name=f"big{n}"), content_type="application/rss+xml")
             for n in range(3)]  # fmt: skip
    opml = ('<?xml version="1.0"?><opml version="2.0"><head><title>big</title></head><body>'
            + "".join(f'<outline text="Big {n}" type="rss" xmlUrl="{url}"/>' for n, url in enumerate(feeds))
            + "</body></opml>").encode()  # fmt: skip
    with FakeTelegram() as fake:
        bot = BotProcess(env_for(fake, redis, pages, tmp), name="probe")
        try:
            bot.start()
            bot.wait_ready(fake)
            fake.add_file("big-opml", opml)
            fake.push_message(7, None, document={"file_id": "big-opml", "file_name": "feeds.opml",
                                                 "mime_type": "text/x-opml", "file_size": len(opml)})  # fmt: skip
            latency: list[float] = []
            imported_after = None
            for n in range(MAX_PROBES):
                sent = time.monotonic()
                # a new probe chat each time: one chat may only get ~1 message/s from a bot
                fake.push_command(8000 + n, "/start")
                latency.append((replied_at(fake, {8000 + n: sent}, 60)[8000 + n] - sent) * 1000)
                done = any("Imported" in (m.plain_text or "") for m in fake.messages(7))
                if done and imported_after is None:
                    imported_after = n + 1
                if imported_after is not None and n + 1 >= imported_after + 5:
                    break
                time.sleep(max(0.0, sent + PROBE_EVERY - time.monotonic()))
        finally:
            bot.stop()
    status = f"import done after probe {imported_after}" if imported_after else "import still running at the end"
    print(f"event-loop probe: /start every {PROBE_EVERY * 1000:.0f} ms during an OPML import of 3 x "
          f"{feed_bytes / 1e6:.1f} MB feeds ({status})")
    print(f"  probes {len(latency)}  p50 {statistics.median(latency):6.0f} ms  p99 {pct(latency, 0.99):6.0f} ms")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=4.0, help="load per offered rate")
    parser.add_argument("--rates", default="10,20,30,60")
    parser.add_argument("--feed-mb", type=float, default=5.0)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp()
    redis = RedisServer()
    redis.start()
    try:
        with ArticleServer() as pages:
            throughput([float(r) for r in args.rates.split(",")], args.seconds, redis, pages, tmp)
            probe(int(args.feed_mb * 1_000_000), redis, pages, tmp)
    finally:
        redis.cleanup()


if __name__ == "__main__":
    main()

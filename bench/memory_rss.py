"""Bench: memory of `newsbot run` over many summaries.

One `newsbot run` (offline engine) against the fakes makes SUMMARIES summaries of PAGES distinct pages
(each from a new user, a few in flight at once); the caches expire after a second, so pages are
summarized again and again rather than served from the cache. RSS of the bot process and, separately,
of its CPU-pool processes (the fork server and its workers) is sampled at every 10 % and printed,
with whether the bot's RSS is flat over the last half (goal: ≤ 300 MB, flat).

Usage: .venv/bin/python bench/memory_rss.py [--summaries 10000] [--pages 1000] [--in-flight 8]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.cold_overhead import PLACEHOLDER, article
from bench.reply_load import env_for
from tests.fakes.article_server import ArticleServer
from tests.fakes.bot_process import BotProcess
from tests.fakes.redis_server import RedisServer
from tests.fakes.telegram_api import FakeTelegram

FLAT = 0.10  # "flat": the last half grows by less than this share of its starting RSS
PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * PAGE / 1e6
    except OSError:
        return 0.0


def pss_mb(pid: int) -> float:
    """Proportional set size: shared pages (the fork server's preloaded modules) counted once overall."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii") as rollup:
            for line in rollup:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024 / 1e6
    except OSError:
        pass
    return rss_mb(pid)


def descendants(pid: int) -> list[int]:
    """Every process below ``pid`` (the CPU pool's fork server and its workers)."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", encoding="ascii", errors="replace") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(parent, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


class Finals:
    """Chats whose summary arrived (a final message, not the ⏳ placeholder), read incrementally."""

    def __init__(self, fake: FakeTelegram) -> None:
        self.fake = fake
        self.seen = 0
        self.done: set[int] = set()

    def update(self) -> set[int]:
        calls = self.fake.calls
        for call in calls[self.seen :]:
            text = str(call.params.get("text", ""))
            if call.ok and call.method in ("sendMessage", "editMessageText") and not text.startswith(PLACEHOLDER):
                self.done.add(int(call.params.get("chat_id", 0)))
        self.seen = len(calls)
        return self.done


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--summaries", type=int, default=10_000)
    parser.add_argument("--pages", type=int, default=1_000)
    parser.add_argument("--in-flight", type=int, default=8)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp()
    redis = RedisServer()
    redis.start()
    samples: list[tuple[int, float, float, float, int]] = []
    try:
        with ArticleServer() as pages, FakeTelegram() as fake:
            urls = [pages.add(f"/mem/{n}.html", article(n)) for n in range(args.pages)]
            env = env_for(fake, redis, pages, tmp) | {
                "OPENAI_BASE_URL": "", "OPENAI_API_KEY": "", "SUMMARY_CACHE_TTL": "1", "ARTICLE_CACHE_TTL": "1",
                "NEGATIVE_CACHE_TTL": "0",
            }  # fmt: skip
            bot = BotProcess(env, name="memory")
            try:
                bot.start()
                bot.wait_ready(fake)
                assert bot.pid is not None
                finals = Finals(fake)
                step = max(args.summaries // 10, 1)
                sent = 0
                started = time.monotonic()
                while len(samples) < 10:
                    while sent < args.summaries and sent - len(finals.done) < args.in_flight:
                        fake.push_message(1_000_000 + sent, urls[sent % len(urls)])
                        sent += 1
                    done = len(finals.update())
                    if done >= (len(samples) + 1) * step or done >= args.summaries:
                        pool = descendants(bot.pid)
                        samples.append((done, rss_mb(bot.pid), sum(rss_mb(p) for p in pool),
                                        sum(pss_mb(p) for p in pool), len(pool)))  # fmt: skip
                    if not bot.running:
                        raise RuntimeError(bot.logs()[-3000:])
                    time.sleep(0.02)
                elapsed = time.monotonic() - started
            finally:
                bot.stop()
    finally:
        redis.cleanup()
    print(f"memory: {args.summaries} summaries of {args.pages} distinct pages (offline engine, caches 1 s) "
          f"in {elapsed:.0f} s, {args.in_flight} in flight")  # fmt: skip
    for done, bot_mb, pool_mb, pool_pss, count in samples:
        print(f"  {done:6d} summaries  bot RSS {bot_mb:6.1f} MB   CPU pool RSS {pool_mb:6.1f} MB "
              f"(PSS {pool_pss:6.1f} MB) in {count} processes")  # fmt: skip
    half = [s[1] for s in samples[len(samples) // 2 - 1 :]]
    growth = (half[-1] - half[0]) / half[0] if half and half[0] else 0.0
    print(f"  bot RSS max {max(s[1] for s in samples):.1f} MB (goal ≤ 300); last half grew {growth:+.1%} "
          f"→ {'flat' if growth < FLAT else 'GROWING'}")  # fmt: skip


if __name__ == "__main__":
    main()

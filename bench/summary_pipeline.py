"""Bench for the link-summary journey, through the real bot process and local fakes.

Prints:
  (a) bot overhead per cache-hit reply (p50/p99): user message pushed → final answer edited;
      and per cold summary, minus the fake LLM's fixed latency (fetch is a local page, ~2 ms);
  (b) LLM calls and article fetches per unique URL with 100 concurrent senders on 2 bot processes.

Usage: .venv/bin/python bench/summary_pipeline.py [--hits 200] [--cold 20] [--llm-latency 0.2]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e.llm_scripts import responder
from tests.fakes.article_server import PAGES_DIR, ArticleServer
from tests.fakes.bot_process import BotProcess
from tests.fakes.openai_api import FakeOpenAI
from tests.fakes.redis_server import RedisServer
from tests.fakes.telegram_api import FakeTelegram


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def final_at(fake: FakeTelegram, chat: int, after: float, timeout: float = 60.0) -> float:
    """Time of the edit that turned the placeholder into the answer."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for call in fake.calls_of("editMessageText"):
            if call.params.get("chat_id") == chat and call.time >= after and call.ok:
                return call.time
        time.sleep(0.002)
    raise TimeoutError(f"no answer for chat {chat}")


def placeholder_at(fake: FakeTelegram, chat: int, after: float) -> float:
    for call in fake.calls_of("sendMessage"):
        if call.params.get("chat_id") == chat and call.time >= after and call.ok:
            return call.time
    raise LookupError(chat)


def env_for(fake: FakeTelegram, llm: FakeOpenAI, redis: RedisServer, pages: ArticleServer, tmp: str) -> dict:
    return {
        "TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_URL": fake.base_url, "REDIS_URL": redis.url,
        "OPENAI_BASE_URL": llm.base_url, "OPENAI_API_KEY": "x", "LLM_MODEL": "bench",
        "FETCH_ALLOW_PRIVATE_NETWORKS": "true", "FETCH_ALLOWED_PORTS": f"80,443,{pages.port}",
        "LOG_LEVEL": "WARNING", "LINKS_PER_MINUTE": "100000", "NEWSBOT_ENV_FILE": f"{tmp}/none",
        "HEARTBEAT_FILE": f"{tmp}/hb",
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hits", type=int, default=200)
    parser.add_argument("--cold", type=int, default=20)
    parser.add_argument("--llm-latency", type=float, default=0.2)
    args = parser.parse_args()
    seed = (PAGES_DIR / "seed.html").read_text()
    tmp = tempfile.mkdtemp()
    with FakeTelegram() as fake, FakeTelegram(token="777:SECOND-bench-token-XYZ") as fake2, \
            FakeOpenAI(latency=args.llm_latency) as llm, ArticleServer() as pages:
        redis = RedisServer()
        redis.start()
        llm.set_responder(responder())
        bots = [BotProcess(env_for(fake, llm, redis, pages, tmp), name="bench1"),
                BotProcess({**env_for(fake2, llm, redis, pages, tmp), "TELEGRAM_BOT_TOKEN": fake2.token,
                            "TELEGRAM_API_URL": fake2.base_url}, name="bench2")]
        try:
            bots[0].start()
            bots[0].wait_ready(fake)
            url = pages.url("/seed.html")
            # warm: one summary in the cache
            start = time.monotonic()
            fake.push_message(1, url)
            final_at(fake, 1, start)

            hit_ms: list[float] = []
            for i in range(args.hits):
                chat = 10_000 + i
                start = time.monotonic()
                fake.push_message(chat, url)
                hit_ms.append((final_at(fake, chat, start) - start) * 1000)
                # Each reply is 3 Bot API calls; stay under the 30 calls/s that the bot's
                # Telegram rate limiter enforces, so this measures the bot, not the throttle.
                time.sleep(max(0.0, 0.12 - (time.monotonic() - start)))

            cold_ms: list[float] = []
            placeholder_ms: list[float] = []
            for i in range(args.cold):
                path = f"/cold{i}.html"
                pages.add(path, seed.replace("<p>Ukraine has said", f"<p>Update number {i}.</p><p>Ukraine has said"),
                          content_type="text/html")
                chat = 20_000 + i
                start = time.monotonic()
                fake.push_message(chat, pages.url(path))
                cold_ms.append((final_at(fake, chat, start) - start) * 1000 - args.llm_latency * 1000)
                placeholder_ms.append((placeholder_at(fake, chat, start) - start) * 1000)

            print("(a) bot overhead, one bot process, fake Bot API and fake LLM on loopback")
            print(f"    cache-hit reply     n={len(hit_ms):4d}  p50={statistics.median(hit_ms):6.1f} ms  "
                  f"p99={pct(hit_ms, 0.99):6.1f} ms")
            print(f"    cold summary        n={len(cold_ms):4d}  p50={statistics.median(cold_ms):6.1f} ms  "
                  f"p99={pct(cold_ms, 0.99):6.1f} ms  (LLM latency {args.llm_latency*1000:.0f} ms subtracted;"
                  " includes local fetch + extraction)")

            print(f"    placeholder shown   n={len(placeholder_ms):4d}  "
                  f"p50={statistics.median(placeholder_ms):6.1f} ms  "
                  f"p99={pct(placeholder_ms, 0.99):6.1f} ms  (target: within 300 ms)")

            # (b) 100 concurrent senders over 10 unique stories, split across two processes
            bots[1].start()
            bots[1].wait_ready(fake2)
            llm_before, unique = llm.count, 10
            for i in range(unique):
                pages.add(f"/burst{i}.html", seed.replace("<p>Ukraine has said",
                          f"<p>Burst story {i}.</p><p>Ukraine has said"), content_type="text/html")
            start = time.monotonic()
            for sender in range(100):
                target = fake if sender % 2 == 0 else fake2
                target.push_message(30_000 + sender, pages.url(f"/burst{sender % unique}.html?utm_source=s{sender}"))
            for sender in range(100):
                target = fake if sender % 2 == 0 else fake2
                final_at(target, 30_000 + sender, start)
            elapsed = time.monotonic() - start
            fetches = sum(pages.hits(f"/burst{i}.html") for i in range(unique))
            calls = llm.count - llm_before
            print("(b) 100 concurrent senders, 10 unique URLs (with tracking params), 2 bot processes")
            print(f"    LLM calls per unique URL     = {calls / unique:.2f}  ({calls} calls)")
            print(f"    article fetches per unique URL = {fetches / unique:.2f}  ({fetches} fetches)")
            print(f"    all 100 answered in {elapsed:.2f} s")
        finally:
            for bot in bots:
                bot.stop()
            redis.cleanup()


if __name__ == "__main__":
    main()

"""Bench: three webhook replicas behind a round-robin load balancer, one shared send budget.

Three `newsbot run` processes in webhook mode (offline engine, one Redis), a tiny aiohttp balancer
written here that forwards each webhook POST to the next replica, and the fake Bot API (Telegram's
flood limits on: 30/s overall, 1/s per chat) delivering updates to the balancer. For offered
10/20/30/60 updates/s of cache hits from distinct users it prints: replies/s, p50/p99 (update pushed →
reply recorded by the fake), the most messages sent in any 1-s window across all replicas (goal ≤ 30)
and 429s (goal 0).

Usage: .venv/bin/python bench/cluster_load.py [--seconds 4] [--rates 10,20,30,60] [--replicas 3]
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import itertools
import sys
import tempfile
import threading
from pathlib import Path

import aiohttp
from aiohttp import web

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.reply_load import env_for, offer, pct, replied_at
from bot.telegram.ratelimit import SEND_METHODS
from tests.fakes.article_server import ArticleServer
from tests.fakes.bot_process import BotProcess
from tests.fakes.redis_server import RedisServer, free_port
from tests.fakes.telegram_api import FakeTelegram

SECRET = "bench-cluster-secret"
FORWARDED = ("Content-Type", "X-Telegram-Bot-Api-Secret-Token")


class Balancer:
    """Round-robin HTTP forwarding of ``POST /telegram`` to the replicas, on its own thread and loop."""

    def __init__(self, backends: list[str]) -> None:
        self.backends = itertools.cycle(backends)
        self.port = free_port()
        self.forwarded = 0
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._serve, name="balancer", daemon=True)
        self._stop: asyncio.Event | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/telegram"

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._session is not None
        body = await request.read()
        headers = {k: request.headers[k] for k in FORWARDED if k in request.headers}
        try:
            async with self._session.post(next(self.backends), data=body, headers=headers) as answer:
                self.forwarded += 1
                return web.Response(status=answer.status, body=await answer.read())
        except aiohttp.ClientError:  # a replica still starting: the Bot API delivers the update again
            return web.Response(status=502)

    def _serve(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._main())

    async def _main(self) -> None:
        self._stop = asyncio.Event()
        self._session = aiohttp.ClientSession()
        app = web.Application()
        app.router.add_post("/telegram", self._forward)
        runner = web.AppRunner(app, access_log=None)
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", self.port).start()
        self._ready.set()
        await self._stop.wait()
        await runner.cleanup()
        await self._session.close()

    def __enter__(self) -> Balancer:
        self._thread.start()
        self._ready.wait(10)
        return self

    def __exit__(self, *_: object) -> None:
        if self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)
        self._thread.join(10)


def busiest_second(times: list[float]) -> int:
    """The most sends inside any 1-s window (each window starting at a send)."""
    times = sorted(times)
    return max((bisect.bisect_left(times, t + 1.0) - i for i, t in enumerate(times)), default=0)


def warm_up(fake: FakeTelegram, url: str, tries: int = 3) -> None:
    """Have the link summarized once, so the load is cache hits; on a busy machine a cold start may
    miss the summary deadline, so try again."""
    for chat in range(1, tries + 1):
        fake.push_message(chat, url)
        [reply] = fake.wait_for_messages(chat, 1, timeout=120, predicate=lambda m: not m.plain_text.startswith("⏳"))
        if "Putin" in (reply.plain_text or ""):
            return
    raise RuntimeError(f"no summary of {url} after {tries} tries")


def row(fake: FakeTelegram, rate: float, seconds: float, first_chat: int, text: str) -> str:
    errors_before = fake.count_429
    calls_before = len(fake.calls)
    pushed = offer(fake, rate, seconds, first_chat, text)
    replies = replied_at(fake, pushed, timeout=seconds * 3 + 30)
    if not replies:
        return "no replies"
    latency = [(replies[c] - pushed[c]) * 1000 for c in replies]
    span = max(replies.values()) - min(pushed.values())
    sends = [c.time for c in fake.calls[calls_before:] if c.ok and c.method in SEND_METHODS]
    missing = len(pushed) - len(replies)
    return (f"{len(replies) / span:5.1f} replies/s  p50 {pct(latency, 0.5):6.0f} ms  p99 {pct(latency, 0.99):6.0f} ms  "
            f"max sends in 1 s {busiest_second(sends):3d}  429s {fake.count_429 - errors_before}"
            f"{f'  MISSING {missing}' if missing else ''}")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=4.0, help="load per offered rate")
    parser.add_argument("--rates", default="10,20,30,60")
    parser.add_argument("--replicas", type=int, default=3)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp()
    redis = RedisServer()
    redis.start()
    replicas: list[BotProcess] = []
    try:
        with ArticleServer() as pages, FakeTelegram() as fake:
            fake.set_flood_limits(per_chat_per_second=1, overall_per_second=30, group_per_minute=20)
            ports = [free_port() for _ in range(args.replicas)]
            with Balancer([f"http://127.0.0.1:{port}/telegram" for port in ports]) as balancer:
                for n, port in enumerate(ports):
                    env = env_for(fake, redis, pages, tmp) | {
                        "WEBHOOK_URL": balancer.url, "WEBHOOK_LISTEN": "127.0.0.1", "WEBHOOK_PORT": str(port),
                        "WEBHOOK_SECRET": SECRET, "HEARTBEAT_FILE": f"{tmp}/hb{n}",
                    }  # fmt: skip
                    replicas.append(BotProcess(env, name=f"replica{n}").start())
                for replica in replicas:
                    replica.wait_ready(fake, timeout=60)
                url = pages.url("/seed.html")
                warm_up(fake, url)
                rates = [float(r) for r in args.rates.split(",")]
                rows = [row(fake, rate, args.seconds, 100_000 * (n + 1), url) for n, rate in enumerate(rates)]
                print(f"cluster load: {args.replicas} webhook replicas behind a round-robin balancer "
                      f"({balancer.forwarded} updates forwarded), cache hits from distinct users, "
                      f"{args.seconds:.0f} s per rate, fake Bot API with flood limits")  # fmt: skip
                for rate, text in zip(rates, rows, strict=True):
                    print(f"  offered {rate:4.0f}/s  {text}")
    finally:
        for replica in replicas:
            replica.stop()
        redis.cleanup()


if __name__ == "__main__":
    main()

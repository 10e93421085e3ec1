"""Digest fan-out: time to deliver one digest to N subscribers against the fake Bot API, compared
with the configured send rate, and LLM calls per digest run.

    .venv/bin/python bench/digest_fanout.py [-n 10000] [--rate 25] [--workers 2] [--stories 10]

Starts a throwaway redis-server, the fake Telegram Bot API (flood control on: 1 msg/s per chat,
overall 20% above the configured rate), a feed with ``--stories`` articles on the fake article
site, the fake OpenAI server, and ``--workers`` real ``newsbot worker`` processes. Seeds N chats
following the feed, moves the test clock to their digest time and waits until every chat got its
digest. Prints the fan-out time, the ideal time at the configured rate (N-1)/rate and their ratio,
429 responses, and how many LLM calls the run made (one per distinct article, not per subscriber).
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.store.redis import connect
from bot.store.subscriptions import SubscriptionStore
from tests.digest.e2e_support import DigestWorld, items_before, llm_responder
from tests.fakes.article_server import ArticleServer
from tests.fakes.bot_process import BotProcess
from tests.fakes.openai_api import FakeOpenAI
from tests.fakes.redis_server import RedisServer
from tests.fakes.telegram_api import FakeTelegram

HEADLINES = [
    "Parliament passes budget after marathon overnight session",
    "Storm floods coastal towns as rivers burst banks",
    "Central bank holds interest rates amid cooling inflation",
    "Museum returns stolen bronze statues to Nigeria",
    "Wildfire forces thousands to evacuate mountain villages",
    "Tech startup unveils battery that charges in minutes",
    "Rail workers strike over pensions, halting trains nationwide",
    "Astronomers spot comet visible to naked eye next week",
    "Football champions sack manager after string of defeats",
    "Drought pushes coffee prices to record highs",
    "Vaccine trial shows strong protection against malaria",
    "Glacier collapse triggers avalanche warning in Alps",
    "Satellite launch delayed by faulty fuel valve",
    "Festival organisers cancel event after ticket fraud",
    "Treaty on plastic pollution stalls in final talks",
    "Factory fire sends smoke plume across industrial city",
]


def titles(count: int) -> list[str]:
    return [HEADLINES[n] if n < len(HEADLINES) else f"{HEADLINES[n % len(HEADLINES)]} (update {n})"
            for n in range(count)]  # fmt: skip


async def seed(redis_url: str, chats: range, feed: str) -> None:
    client = connect(redis_url)
    store = SubscriptionStore(client)
    from datetime import time as dtime

    async def one(chat: int) -> None:
        await store.add(chat, feed, "Bench Wire")
        await store.set_digest_time(chat, dtime(7, 0))

    for start in range(chats.start, chats.stop, 200):
        await asyncio.gather(*(one(c) for c in range(start, min(start + 200, chats.stop))))
    await client.aclose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", "--subscribers", type=int, default=10_000)
    parser.add_argument("--rate", type=float, default=25.0, help="DIGEST_SEND_RATE (messages/s overall)")
    parser.add_argument("--workers", type=int, default=2, help="`newsbot worker` processes")
    parser.add_argument("--stories", type=int, default=10, help="distinct articles in the feed")
    args = parser.parse_args()
    n = args.subscribers

    redis_server = RedisServer().start()
    tmp = Path(tempfile.mkdtemp(prefix="digest-bench-"))
    procs: list[BotProcess] = []
    with FakeTelegram() as fake, FakeOpenAI() as llm, ArticleServer() as site:
        try:
            llm.set_responder(llm_responder)
            world = DigestWorld(redis_server.url, fake, site, tmp)
            start = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
            world.set_clock(start)
            items = items_before(start, "b", titles(args.stories), spacing=timedelta(minutes=5))
            feed = world.feed("/feeds/bench.xml", "Bench Wire", items)
            began = time.monotonic()
            asyncio.run(seed(redis_server.url, range(1, n + 1), feed))
            print(f"seeded {n} subscribers in {time.monotonic() - began:.1f}s")
            fake.set_flood_limits(per_chat_per_second=1, overall_per_second=args.rate * 1.2, group_per_minute=20)
            env = {
                "TELEGRAM_BOT_TOKEN": fake.token, "TELEGRAM_API_URL": fake.base_url,
                "REDIS_URL": redis_server.url, "OPENAI_BASE_URL": llm.base_url, "OPENAI_API_KEY": "sk-bench",
                "LLM_MODEL": "fake-model", "FETCH_ALLOW_PRIVATE_NETWORKS": "true",
                "FETCH_ALLOWED_PORTS": f"80,443,{site.port}", "LOG_LEVEL": "WARNING",
                **world.env(DIGEST_SEND_RATE=args.rate, DIGEST_WORKER="true"),
            }  # fmt: skip
            for i in range(args.workers):
                procs.append(BotProcess(env, args=("worker",), name=f"bench-worker{i}").start())
            time.sleep(4)  # let them start
            world.set_clock(start + timedelta(hours=1))
            clock_set = time.monotonic()

            def delivered() -> int:
                return sum(1 for c in fake.calls_of("sendMessage") if c.ok)

            last, last_change = 0, time.monotonic()
            while last < n:
                time.sleep(5)  # look rarely: the fake serves requests on a thread of this process
                now_count = delivered()
                if now_count != last:
                    last, last_change = now_count, time.monotonic()
                elif time.monotonic() - last_change > 60:
                    print(f"stalled at {now_count}/{n}")
                    break
                print(f"  {now_count}/{n} after {time.monotonic() - clock_set:.0f}s", flush=True)
            sends = [c for c in fake.calls_of("sendMessage") if c.ok]
            chats = {c.params["chat_id"] for c in sends}
            span = sends[-1].time - sends[0].time
            ideal = (len(sends) - 1) / args.rate
            print(f"subscribers={n} workers={args.workers} configured rate={args.rate:g}/s")
            print(f"delivered {len(sends)} digests to {len(chats)} chats (duplicates: {len(sends) - len(chats)})")
            print(f"fan-out first→last send: {span:.1f}s; ideal at the configured rate: {ideal:.1f}s; "
                  f"ratio {span / ideal:.3f} (achieved {(len(sends) - 1) / span:.1f} msg/s)")  # fmt: skip
            print(f"clock at digest time → last send: {sends[-1].time - clock_set:.1f}s "
                  f"(includes the tick, enqueueing and composing)")  # fmt: skip
            print(f"429 responses: {fake.count_429}")
            for call in fake.calls_of("sendMessage"):
                if call.status == 429:
                    window = [c.time for c in sends if call.time - 1 <= c.time <= call.time]
                    gaps = [round((b - a) * 1000) for a, b in itertools.pairwise(window)]
                    print(f"  429 at +{call.time - sends[0].time:.1f}s: {len(window)} sends in the second before; "
                          f"smallest gaps (ms) {sorted(gaps)[:8]}")  # fmt: skip
            print(f"LLM calls for this digest run: {llm.count} (distinct articles: {args.stories}, "
                  f"subscribers: {n})")  # fmt: skip
        finally:
            for proc in procs:
                proc.stop()
            redis_server.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

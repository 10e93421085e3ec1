"""Followed stories: checks per hour per 1,000 followed URLs under the schedule, and Redis bytes
per followed URL.

    python -m bench.follow_checks [--stories 1000] [--followers 3] [--words 900]

Checks: the real ``bot.follow.schedule`` walked for 1,000 stories followed at the same moment,
hour by hour (5-minute checks in the first hour, 15-minute ones until hour 6, then hourly), for a
story that never changes (it stops after FOLLOW_IDLE_HOURS) and one that changes every 2 hours
(it runs to FOLLOW_STOP_HOURS); beside the naive "every 5 minutes for 72 hours". One check is one
conditional GET however many chats follow the URL, so these are also fetches per hour.

Redis: the real ``FollowStore`` on a throwaway redis-server: ``--stories`` stories of ``--words``
words (the baseline text a check compares with), each with ``--followers`` followers, due in the
check schedule; used_memory before and after, per story.
"""

from __future__ import annotations

import argparse
import asyncio
from datetime import UTC, datetime, timedelta

from bot.follow.schedule import checks_over_life, next_check
from bot.store.follows import FollowStore, Story
from bot.store.redis import connect
from tests.fakes.redis_server import RedisServer

STOP, IDLE = timedelta(hours=72), timedelta(hours=24)
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
SENTENCE = ("Regional officials said on Tuesday that rescue teams had reached {n} more homes in the flooded "
            "valley, where the water was still rising slowly. ")  # fmt: skip


def checks_by_hour(changes_every: timedelta | None, hours: int = 72) -> list[int]:
    """Checks of ONE story scheduled in each hour of its life."""
    per_hour = [0] * hours
    now, last_change = START, None
    while (nxt := next_check(START, last_change, now, stop_after=STOP, idle_after=IDLE)) is not None:
        per_hour[min(hours - 1, int((now - START).total_seconds() // 3600))] += 1
        now = nxt
        if changes_every is not None and (last_change is None or now - last_change >= changes_every):
            last_change = now
    return per_hour


def report_checks(urls: int) -> None:
    print(f"Checks per hour for {urls:,} URLs followed at the same moment (one check per URL):")
    print(f"{'hour of life':>14} {'never changes':>14} {'changes / 2 h':>14} {'naive 5 min':>12}")
    quiet, busy = checks_by_hour(None), checks_by_hour(timedelta(hours=2))
    for hour in (0, 1, 5, 6, 23, 24, 47, 71):
        print(f"{hour:>14} {quiet[hour] * urls:>14,} {busy[hour] * urls:>14,} {12 * urls:>12,}")
    for name, changes in (("never changes", None), ("changes / 2 h", timedelta(hours=2))):
        total = checks_over_life(stop_after=STOP, idle_after=IDLE, changes_every=changes)
        life = (IDLE if changes is None else STOP).total_seconds() / 3600
        print(f"  {name}: {total} checks per URL over {life:.0f} h = {total * urls / life:,.0f} checks/h "
              f"per {urls:,} URLs on average (naive: {12 * urls:,}/h, {864} checks per URL)")  # fmt: skip


async def redis_bytes(stories: int, followers: int, words: int) -> None:
    sentences = max(1, words // len(SENTENCE.split()))
    paragraphs = ["".join(SENTENCE.format(n=n * 10 + k) for k in range(3)).strip()
                  for n in range(max(1, sentences // 3))]  # fmt: skip
    text_bytes = len("\n\n".join(paragraphs).encode())
    with RedisServer() as server:
        redis = connect(server.url)
        try:
            await redis.flushall()
            before = int((await redis.info("memory"))["used_memory"])
            store = FollowStore(redis, limit=10)
            for n in range(stories):
                story = Story(key=f"{n:016x}", url=f"https://news.example/2026/03/02/story-{n}.html",
                              title=f"Dam breach floods valley villages, story {n}", paragraphs=paragraphs,
                              text_hash="0" * 32, started=START, etag='"5d8c72a5edda8"',
                              last_modified="Mon, 02 Mar 2026 09:00:00 GMT")  # fmt: skip
                for f in range(followers):
                    await store.follow(100_000 + n * followers + f, story, START, START + timedelta(minutes=5))
            used = int((await redis.info("memory"))["used_memory"]) - before
        finally:
            await redis.aclose()
    print(f"\nRedis: {stories:,} followed URLs, {followers} followers each, article text {text_bytes:,} bytes:")
    print(f"  {used / stories:,.0f} bytes per followed URL ({used / stories - text_bytes:,.0f} beyond the "
          f"stored text), {used / 2**20:,.1f} MiB in all")  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stories", type=int, default=1000)
    parser.add_argument("--followers", type=int, default=3)
    parser.add_argument("--words", type=int, default=900)
    args = parser.parse_args()
    report_checks(1000)
    asyncio.run(redis_bytes(args.stories, args.followers, args.words))


if __name__ == "__main__":
    main()

"""Bench: how soon a streamed LLM summary shows text, beside the full summary without streaming.

The real bot process, the fake Bot API and a fake LLM that writes at a fixed token rate. For fresh
(uncached) copies of the seed article, from the moment the user's message is queued:
  private chat (streamed): first draft (the ⏳ placeholder), first draft with summary text (the
      headline), the final message;
  group chat (drafts are private-only: placeholder-and-edit): the edit into the full summary.

Usage: .venv/bin/python bench/stream_first_text.py [--runs 3] [--token-rate 50]
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.summary_pipeline import env_for
from tests.e2e.llm_scripts import responder, seed_summary
from tests.fakes.article_server import PAGES_DIR, ArticleServer
from tests.fakes.bot_process import BotProcess
from tests.fakes.openai_api import FakeOpenAI
from tests.fakes.redis_server import RedisServer
from tests.fakes.telegram_api import FakeTelegram

HEADLINE = seed_summary()["headline"]


def first_time(found: Callable[[], float | None], timeout: float = 120.0) -> float:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        at = found()
        if at is not None:
            return at
        time.sleep(0.002)
    raise TimeoutError("the bot did not answer")


def draft_at(fake: FakeTelegram, chat: int, needle: str = "") -> float | None:
    return next((d["time"] for d in fake.drafts(chat) if needle in d["plain_text"]), None)


def summary_at(fake: FakeTelegram, chat: int) -> float | None:
    """When the summary itself reached the chat (a new message, or the placeholder's edit)."""
    calls = fake.calls_of("sendMessage") + fake.calls_of("editMessageText")
    return min((c.time for c in calls if c.params.get("chat_id") == chat and c.ok
                and HEADLINE in str(c.params.get("text"))), default=None)  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--token-rate", type=float, default=50.0)
    args = parser.parse_args()
    seed = (PAGES_DIR / "seed.html").read_text()
    tmp = tempfile.mkdtemp()
    with FakeTelegram() as fake, FakeOpenAI() as llm, ArticleServer() as pages:
        llm.token_rate = args.token_rate
        llm.set_responder(responder())
        redis = RedisServer()
        redis.start()
        bot = BotProcess({**env_for(fake, llm, redis, pages, tmp), "STREAM_REPLIES": "true"}, name="stream")
        figures: dict[str, list[float]] = {"placeholder": [], "first text": [], "final": [], "group final": []}
        try:
            bot.start()
            bot.wait_ready(fake)
            fake.push_message(1, pages.url("/seed.html"))  # warm-up (CPU workers start), not counted
            first_time(lambda: summary_at(fake, 1))
            for i in range(args.runs):
                for kind in ("private", "group"):
                    path = f"/{kind}{i}.html"
                    pages.add(path, seed.replace("<p>Ukraine has said", f"<p>Story {kind} {i}.</p><p>Ukraine has said"),
                              content_type="text/html")  # fmt: skip
                    chat = 40_000 + i if kind == "private" else -40_000 - i
                    start = time.monotonic()
                    if kind == "private":
                        fake.push_message(chat, pages.url(path))
                        figures["placeholder"].append(first_time(lambda c=chat: draft_at(fake, c)) - start)
                        figures["first text"].append(first_time(lambda c=chat: draft_at(fake, c, HEADLINE)) - start)
                        figures["final"].append(first_time(lambda c=chat: summary_at(fake, c)) - start)
                    else:
                        fake.push_message(chat, f"/summarize {pages.url(path)}")
                        figures["group final"].append(
                            first_time(lambda c=chat: summary_at(fake, c)) - start)
        finally:
            bot.stop()
            redis.cleanup()
    print(f"fake LLM writing {args.token_rate:.0f} tokens/s, {args.runs} fresh articles each; seconds after the update"
          f" (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)")
    print(f"  streamed (private):  ⏳ draft p50 {statistics.median(figures['placeholder']):5.2f}   "
          f"first summary text p50 {statistics.median(figures['first text']):5.2f} "
          f"(max {max(figures['first text']):5.2f}; goal ≤ 1 s)   "
          f"final message p50 {statistics.median(figures['final']):5.2f}")
    print(f"  not streamed (group): full summary p50 {statistics.median(figures['group final']):5.2f}")


if __name__ == "__main__":
    main()

"""Bench: what 15 presses of 🔄 Refresh in 5 seconds cost (issue H2), through the real bot process.

One link is summarized, then the same user presses Refresh 15 times, one press every 1/3 s. Prints
the article fetches and LLM calls the presses caused and how the presses were answered — once for
an unchanged article and once for an article that changes before every press (the worst case).
Before the fix each press was one fetch and one LLM call: 15 and 15.

Usage: .venv/bin/python bench/refresh_presses.py [--presses 15] [--seconds 5]
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.summary_pipeline import env_for
from bot.callbacks import Refresh, decode
from tests.e2e.llm_scripts import responder
from tests.fakes.article_server import PAGES_DIR, ArticleServer
from tests.fakes.bot_process import BotProcess
from tests.fakes.openai_api import FakeOpenAI
from tests.fakes.redis_server import RedisServer
from tests.fakes.telegram_api import FakeTelegram


def press_all(fake: FakeTelegram, llm: FakeOpenAI, pages: ArticleServer, chat: int, path: str, presses: int,
              seconds: float, *, change: bool) -> tuple[int, int, Counter[str]]:  # fmt: skip
    """(fetches, LLM calls, answers) caused by ``presses`` Refresh presses over ``seconds``."""
    seed = (PAGES_DIR / "seed.html").read_text()
    pages.add(path, seed, content_type="text/html")
    fake.push_message(chat, pages.url(path))
    [summary] = fake.wait_for_messages(chat, 1, timeout=60, predicate=lambda m: not m.plain_text.startswith("⏳"))
    data = next(b["callback_data"] for b in summary.buttons if isinstance(decode(b.get("callback_data")), Refresh))
    llm_before, fetches_before = llm.count, pages.hits(path)
    queries: list[str] = []
    start = time.monotonic()
    for n in range(presses):
        if change:
            pages.add(path, seed.replace("<p>Ukraine has said", f"<p>Update {n}.</p><p>Ukraine has said"),
                      content_type="text/html")  # fmt: skip
        time.sleep(max(0.0, start + n * seconds / presses - time.monotonic()))
        queries.append(fake.push_callback(chat, summary.message_id, data))
    answers: Counter[str] = Counter()
    for query in queries:
        call = fake.wait_for_call("answerCallbackQuery", timeout=60,
                                  predicate=lambda c, q=query: c.params.get("callback_query_id") == q)  # fmt: skip
        text = call.params.get("text") or "(no text)"
        answers[re.sub(r"\d+", "N", text)] += 1  # "No changes since N:N", "try again in N s"
    time.sleep(1.0)  # a refresh answered "Refreshing…" may still be summarizing: let it land
    return pages.hits(path) - fetches_before, llm.count - llm_before, answers


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--presses", type=int, default=15)
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    tmp = tempfile.mkdtemp()
    with FakeTelegram() as fake, FakeOpenAI(latency=0.2) as llm, ArticleServer() as pages:
        redis = RedisServer()
        redis.start()
        llm.set_responder(responder())
        env = env_for(fake, llm, redis, pages, tmp)
        env.pop("LINKS_PER_MINUTE")  # the default per-user link limit: refreshes count against it
        bot = BotProcess(env, name="bench-refresh")
        try:
            bot.start()
            bot.wait_ready(fake)
            print(f"{args.presses} Refresh presses in {args.seconds:g} s by one user, one bot process, defaults")
            for chat, change in ((1, False), (2, True)):
                fetches, calls, answers = press_all(fake, llm, pages, chat, f"/refresh{chat}.html", args.presses,
                                                    args.seconds, change=change)  # fmt: skip
                what = "article changes before every press" if change else "unchanged article"
                print(f"  {what}: {fetches} article fetches, {calls} LLM calls (before the fix: "
                      f"{args.presses} and {args.presses})")
                print("    answers: " + ", ".join(f"{n}× {text!r}" for text, n in answers.most_common()))
        finally:
            bot.kill()
            bot.cleanup()
            redis.stop()

if __name__ == "__main__":
    main()

"""Bench: what a cold summary costs beyond fetching and the LLM, and how soon the user sees something.

One `newsbot run` against the fakes: the article server answers every page after a fixed FETCH delay,
the fake LLM after a fixed LLM delay. Links to distinct, never-seen pages are sent one at a time
(each from a new user). For each it records, on the fake Bot API's clock:
  first visible reply: update pushed → the first message the user sees (goal ≤ 300 ms);
  overhead: update pushed → final summary, minus the fetch delay × the page's requests and the LLM
  delay × the LLM calls that summary made (goal p95 ≤ 100 ms). The fakes' own response time is in
  the overhead, so it is an upper bound.

Usage: .venv/bin/python bench/cold_overhead.py [--links 30] [--fetch-ms 200] [--llm-ms 400]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.reply_load import env_for, pct
from bot.playground.api_types import StoredMessage
from tests.e2e.llm_scripts import responder
from tests.fakes.article_server import ArticleServer
from tests.fakes.bot_process import BotProcess
from tests.fakes.openai_api import FakeOpenAI
from tests.fakes.redis_server import RedisServer
from tests.fakes.telegram_api import FakeTelegram

PLACEHOLDER = "⏳"
TOPICS = ["harbour", "railway", "library", "orchard", "bridge", "market", "school", "museum", "stadium", "canal"]


def article(n: int) -> bytes:
    """An original news page, different for every ``n``."""
    topic = TOPICS[n % len(TOPICS)]
    paragraphs = [
        f"The town council of Norbury voted on Tuesday to rebuild the old {topic}, project number {n}, "
        f"after a two-year debate over its cost of {n + 3} million pounds.",
        f'"We owe it to the next generation," said council leader Mara Ellison, who proposed plan {n}.',
        f"Opponents argued that the {topic} could be repaired for a third of the price, and that the "
        "money would be better spent on roads and the bus network.",
        f"Work on the {topic} is expected to start in the spring and to last about {n % 5 + 2} years, "
        "according to the council's engineers.",
        "Local businesses welcomed the decision, saying the project would bring visitors back to the "
        "town centre during the long building period and after it.",
        f"A public consultation on the design of the new {topic} will open next month, the council said.",
    ]
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f"<!doctype html><html><head><title>Norbury to rebuild the {topic} ({n})</title></head><body>"
            f"<nav>Home | News | Sport</nav><article><h1>Norbury votes to rebuild the {topic} ({n})</h1>"
            f"{body}</article><footer>© Norbury Gazette</footer></body></html>").encode()  # fmt: skip


def is_final(message: StoredMessage) -> bool:
    return not message.plain_text.startswith(PLACEHOLDER)


def texts_for(fake: FakeTelegram, chat: int) -> list[tuple[float, str]]:
    """What the chat was shown, in order: messages, their edits, and drafts being written."""
    return [(c.time, str(c.params.get("text", ""))) for c in fake.calls if c.ok and c.params.get("chat_id") == chat
            and c.method in ("sendMessage", "editMessageText", "sendMessageDraft")]  # fmt: skip


def final_time(fake: FakeTelegram, chat: int) -> float:
    """When the summary itself arrived: the first message or edit that isn't the placeholder."""
    return next(c.time for c in fake.calls if c.ok and c.params.get("chat_id") == chat
                and c.method in ("sendMessage", "editMessageText")
                and not str(c.params.get("text", "")).startswith(PLACEHOLDER))  # fmt: skip


def measure(links: int, fetch_s: float, llm_s: float, stream: bool) -> tuple[list[float], list[float], int]:
    """(first visible, overhead) in ms per summary, and LLM calls, for one bot process."""
    tmp = tempfile.mkdtemp()
    redis = RedisServer()
    redis.start()
    first: list[float] = []
    overhead: list[float] = []
    llm_calls = 0
    try:
        with ArticleServer() as pages, FakeTelegram() as fake, FakeOpenAI(latency=llm_s) as llm:
            llm.set_responder(responder())
            env = env_for(fake, redis, pages, tmp) | {
                "OPENAI_BASE_URL": llm.base_url, "OPENAI_API_KEY": "sk-bench", "LLM_MODEL": "fake-model",
                "STREAM_REPLIES": "true" if stream else "false",
            }  # fmt: skip
            bot = BotProcess(env, name="cold")
            try:
                bot.start()
                bot.wait_ready(fake)
                for n in range(links + 1):  # the first one warms the process up and isn't counted
                    path = f"/cold/{n}.html"
                    pages.add(path, article(n))
                    pages.delay(path, fetch_s)
                    chat = 200_000 + n
                    calls_before = llm.count
                    pushed = time.monotonic()
                    fake.push_message(chat, pages.url(path))
                    fake.wait_for_messages(chat, 1, timeout=60, predicate=is_final)
                    seen = texts_for(fake, chat)
                    final = final_time(fake, chat)
                    if n == 0:
                        continue
                    made = llm.count - calls_before
                    llm_calls += made
                    first.append((seen[0][0] - pushed) * 1000)
                    fetches = pages.hits(path)  # each one waited the fixed delay
                    overhead.append((final - pushed - fetches * fetch_s - made * llm_s) * 1000)
            finally:
                bot.stop()
    finally:
        redis.cleanup()
    return first, overhead, llm_calls


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--links", type=int, default=30)
    parser.add_argument("--fetch-ms", type=float, default=200.0)
    parser.add_argument("--llm-ms", type=float, default=400.0)
    args = parser.parse_args()
    fetch_s, llm_s = args.fetch_ms / 1000, args.llm_ms / 1000
    print(f"cold summaries: {args.links} distinct pages one at a time, fetch {args.fetch_ms:.0f} ms, "
          f"LLM {args.llm_ms:.0f} ms per call; first visible = first message, edit or draft")  # fmt: skip
    for label, stream in (("placeholder and edit (groups)", False), ("streamed into a draft (private)", True)):
        first, overhead, llm_calls = measure(args.links, fetch_s, llm_s, stream)
        print(f"  {label} ({llm_calls / max(len(overhead), 1):.1f} LLM calls per summary)")
        rows = (("first visible reply", first, "max ≤ 300"), ("overhead w/o fetch+LLM", overhead, "p95 ≤ 100"))
        for name, values, goal in rows:
            print(
                f"    {name:22s} p50 {pct(values, 0.5):6.0f} ms  p95 {pct(values, 0.95):6.0f} ms  "
                f"max {max(values):6.0f} ms  (goal {goal})"
            )


if __name__ == "__main__":
    main()

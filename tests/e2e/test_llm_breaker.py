"""Issue 12 F7 end to end: while the LLM hangs, the circuit breaker opens and summaries and
answers come from the extractive engine at once, without another request to the LLM."""

from __future__ import annotations

import itertools
import re

import httpx
import pytest

from tests.e2e.llm_scripts import responder
from tests.fakes.article_server import PAGES_DIR, ArticleServer
from tests.fakes.openai_api import FakeOpenAI
from tests.fakes.redis_server import free_port
from tests.fakes.telegram_api import FakeTelegram
from tests.fakes.waiting import wait_until

pytestmark = pytest.mark.e2e

CHAT = 12301
NOTE = "AI summarizer is unavailable"


def circuit_metrics(port: int) -> tuple[float, float]:
    """(newsbot_llm_circuit_open, newsbot_llm_circuit_opened_total) from the bot's /metrics."""
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text
    found = dict(re.findall(r"^(newsbot_llm_circuit_open|newsbot_llm_circuit_opened_total) (\S+)$", text, re.M))
    return float(found["newsbot_llm_circuit_open"]), float(found["newsbot_llm_circuit_opened_total"])


def test_open_circuit_answers_extractively_without_calling_the_llm(
    bot_process, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI, article_server: ArticleServer
) -> None:
    seed = (PAGES_DIR / "seed.html").read_bytes()
    for day in (b"Monday", b"Tuesday", b"Wednesday"):
        article_server.add(f"/{day.decode()}.html", seed.replace(b"Friday", day), content_type="text/html")
    fake_openai.push_fault("hang", seconds=60, times=10)
    port = free_port()
    bot = bot_process(LLM_TIMEOUT="1", LLM_MAX_RETRIES="0", LLM_BREAKER_FAILURES="2",
                      LLM_BREAKER_COOLDOWN="600", SUMMARY_DEADLINE="30", METRICS_PORT=str(port))  # fmt: skip

    for chat, day in enumerate(("Monday", "Tuesday"), CHAT):  # two timeouts open the circuit
        fake_telegram.push_message(chat, article_server.url(f"/{day}.html"))
        fake_telegram.wait_for_messages(chat, 1, timeout=30, predicate=lambda m: NOTE in m.plain_text)
    bot.wait_for_log("llm circuit open")
    assert fake_openai.count == 2
    assert circuit_metrics(port) == (1, 1)

    fake_telegram.push_message(CHAT + 2, article_server.url("/Wednesday.html"))
    fake_telegram.wait_for_messages(CHAT + 2, 1, timeout=30, predicate=lambda m: NOTE in m.plain_text)
    fake_telegram.push_message(CHAT + 2, "Where will the talks be held?")
    fake_telegram.wait_for_messages(CHAT + 2, 2, timeout=30)
    assert fake_openai.count == 2  # neither the summary nor the answer waited on the LLM


def test_circuit_probes_the_llm_after_the_cooldown_and_closes(
    bot_process, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI, article_server: ArticleServer
) -> None:
    seed = (PAGES_DIR / "seed.html").read_bytes()
    pages = (article_server.add(f"/day{n}.html", seed.replace(b"Friday", f"Day{n}".encode()), content_type="text/html")
             for n in itertools.count())  # fmt: skip
    fake_openai.set_responder(responder())
    fake_openai.push_fault("hang", seconds=60, times=2)  # two timeouts open it; then the LLM is fine
    port = free_port()
    bot = bot_process(LLM_TIMEOUT="1", LLM_MAX_RETRIES="0", LLM_BREAKER_FAILURES="2",
                      LLM_BREAKER_COOLDOWN="1", SUMMARY_DEADLINE="30", METRICS_PORT=str(port))  # fmt: skip
    chats = itertools.count(CHAT + 10)
    for chat in (next(chats), next(chats)):
        fake_telegram.push_message(chat, next(pages))
        fake_telegram.wait_for_messages(chat, 1, timeout=30, predicate=lambda m: NOTE in m.plain_text)
    bot.wait_for_log("llm circuit open")

    def summarized_by_the_llm() -> bool:
        chat = next(chats)
        fake_telegram.push_message(chat, next(pages))
        [reply] = fake_telegram.wait_for_messages(chat, 1, timeout=30,
                                                  predicate=lambda m: not m.plain_text.startswith("⏳"))  # fmt: skip
        return NOTE not in reply.plain_text

    # extractive answers while it is open; once the cool-down is over, one link probes the LLM
    wait_until(summarized_by_the_llm, 30, "a summary from the LLM after the cool-down")
    bot.wait_for_log("llm circuit closed")
    assert circuit_metrics(port) == (0, 1)

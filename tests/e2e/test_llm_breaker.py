"""Issue 12 F7 end to end: while the LLM hangs, the circuit breaker opens and summaries and
answers come from the extractive engine at once, without another request to the LLM."""

from __future__ import annotations

import pytest

from tests.fakes.article_server import PAGES_DIR, ArticleServer
from tests.fakes.openai_api import FakeOpenAI
from tests.fakes.telegram_api import FakeTelegram

pytestmark = pytest.mark.e2e

CHAT = 12301
NOTE = "AI summarizer is unavailable"


def test_open_circuit_answers_extractively_without_calling_the_llm(
    bot_process, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI, article_server: ArticleServer
) -> None:
    seed = (PAGES_DIR / "seed.html").read_bytes()
    for day in (b"Monday", b"Tuesday", b"Wednesday"):
        article_server.add(f"/{day.decode()}.html", seed.replace(b"Friday", day), content_type="text/html")
    fake_openai.push_fault("hang", seconds=60, times=10)
    bot = bot_process(LLM_TIMEOUT="1", LLM_MAX_RETRIES="0", LLM_BREAKER_FAILURES="2",
                      LLM_BREAKER_COOLDOWN="600", SUMMARY_DEADLINE="30")  # fmt: skip

    for chat, day in enumerate(("Monday", "Tuesday"), CHAT):  # two timeouts open the circuit
        fake_telegram.push_message(chat, article_server.url(f"/{day}.html"))
        fake_telegram.wait_for_messages(chat, 1, timeout=30, predicate=lambda m: NOTE in m.plain_text)
    bot.wait_for_log("llm circuit open")
    assert fake_openai.count == 2

    fake_telegram.push_message(CHAT + 2, article_server.url("/Wednesday.html"))
    fake_telegram.wait_for_messages(CHAT + 2, 1, timeout=30, predicate=lambda m: NOTE in m.plain_text)
    fake_telegram.push_message(CHAT + 2, "Where will the talks be held?")
    fake_telegram.wait_for_messages(CHAT + 2, 2, timeout=30)
    assert fake_openai.count == 2  # neither the summary nor the answer waited on the LLM

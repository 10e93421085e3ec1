"""Issue 12, F7 end to end: a question waiting for a slow LLM keeps showing "typing…"."""

from __future__ import annotations

import pytest

from tests.e2e.llm_scripts import answer, responder
from tests.fakes.article_server import ArticleServer
from tests.fakes.openai_api import FakeOpenAI
from tests.fakes.telegram_api import FakeTelegram

pytestmark = pytest.mark.e2e

CHAT = 7101


def test_typing_refreshed_until_a_slow_answer_arrives(
    bot_process, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI, article_server: ArticleServer
) -> None:
    fake_openai.set_responder(responder(reply=answer("Russia is ready to send a delegation to Minsk.")))
    bot_process()
    fake_telegram.push_message(CHAT, article_server.url("/seed.html"))
    fake_telegram.wait_for_messages(CHAT, 1, timeout=30, predicate=lambda m: not m.plain_text.startswith("⏳"))
    fake_openai.latency = 9.0  # more than two 4-second refreshes

    fake_telegram.push_message(CHAT, "Where will the talks be?")
    [_, reply] = fake_telegram.wait_for_messages(CHAT, 2, timeout=60)
    assert "Minsk" in reply.plain_text

    [sent] = [c for c in fake_telegram.calls_of("sendMessage") if "Minsk" in str(c.params.get("text"))]
    actions = [c for c in fake_telegram.calls_of("sendChatAction") if c.params.get("chat_id") == CHAT]
    assert len(actions) >= 2, actions
    assert all(c.params["action"] == "typing" and c.time < sent.time for c in actions)

"""A reply costs one Bot API call when the answer is ready, two when it takes a while."""

from __future__ import annotations

import pytest

from tests.e2e.llm_scripts import PUTIN_QUOTE, responder
from tests.fakes.article_server import ArticleServer
from tests.fakes.openai_api import FakeOpenAI
from tests.fakes.telegram_api import Call, FakeTelegram

pytestmark = pytest.mark.e2e

NO_LLM = {"OPENAI_BASE_URL": "", "OPENAI_API_KEY": ""}


def settled(fake: FakeTelegram, chat: int, count: int = 1):
    return fake.wait_for_messages(chat, count, timeout=30, predicate=lambda m: not m.plain_text.startswith("⏳"))


def calls_for(fake: FakeTelegram, chat: int) -> list[Call]:
    return [c for c in fake.calls if c.params.get("chat_id") == chat]


def test_cache_hit_is_one_send_message(bot_process, fake_telegram: FakeTelegram,
                                       article_server: ArticleServer) -> None:  # fmt: skip
    bot_process(env=NO_LLM)
    url = article_server.url("/seed.html")
    fake_telegram.push_message(1, url)
    settled(fake_telegram, 1)

    for user in (2, 3, 4):
        fake_telegram.push_message(user, url)
        [reply] = settled(fake_telegram, user)
        assert PUTIN_QUOTE in reply.plain_text and not reply.edits
        assert [c.method for c in calls_for(fake_telegram, user)] == ["sendMessage"]
        labels = [b["text"] for b in reply.buttons]
        assert "💬 Ask about this" in labels and "🔄 Refresh" in labels
        assert reply.reply_to_message_id is not None
    assert not fake_telegram.errors


def test_cold_summary_is_a_placeholder_and_one_edit(
    bot_process, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI, article_server: ArticleServer
) -> None:
    fake_openai.latency = 0.5  # longer than a reply's grace
    fake_openai.set_responder(responder())
    bot_process()
    fake_telegram.push_message(1, article_server.url("/seed.html"))
    [reply] = settled(fake_telegram, 1)
    assert PUTIN_QUOTE in reply.plain_text and reply.edits
    assert [c.method for c in calls_for(fake_telegram, 1)] == ["sendMessage", "editMessageText"]

    assert not fake_telegram.errors

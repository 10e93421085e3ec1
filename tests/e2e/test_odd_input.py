"""Issue 12 F4/F8 end to end: links that don't parse, edited commands, "@botname" alone, buttons
no handler takes — each gets a clear answer (or, for an edit, none), never an error."""

from __future__ import annotations

import pytest

from bot.net.urls import BAD_URL_REASON
from bot.telegram import texts
from tests.e2e.llm_scripts import PUTIN_QUOTE
from tests.fakes.article_server import ArticleServer
from tests.fakes.telegram_api import FakeTelegram

pytestmark = pytest.mark.e2e

CHAT = 12201
NO_LLM = {"OPENAI_BASE_URL": "", "OPENAI_API_KEY": ""}
BROKEN = "http://[::1"  # urlsplit raises ValueError on it


def test_unparsable_links_get_the_bad_link_reply(
    bot_process, fake_telegram: FakeTelegram, article_server: ArticleServer
) -> None:
    bot = bot_process(env=NO_LLM)
    text = "read this and that"
    fake_telegram.push_message(CHAT, text, entities=[
        FakeTelegram.entity(text, "this", url=BROKEN),
        FakeTelegram.entity(text, "that", url=article_server.url("/seed.html")),
    ])  # fmt: skip
    replies = fake_telegram.wait_for_messages(CHAT, 2, timeout=30,
                                              predicate=lambda m: not m.plain_text.startswith("⏳"))
    assert any(BAD_URL_REASON in m.plain_text for m in replies)
    assert any(PUTIN_QUOTE in m.plain_text for m in replies)  # the good link next to it is summarized

    fake_telegram.push_command(CHAT + 1, "/summarize", BROKEN)
    [reply] = fake_telegram.wait_for_messages(CHAT + 1, 1, timeout=15)
    assert BAD_URL_REASON in reply.plain_text
    assert "unhandled error" not in bot.logs()
    assert texts.INTERNAL_ERROR not in reply.plain_text


def test_edits_mentions_inline_buttons_and_blocked_chats(bot_process, fake_telegram: FakeTelegram) -> None:
    bot = bot_process(env=NO_LLM)
    command = fake_telegram.push_command(CHAT, "/help")
    fake_telegram.wait_for_messages(CHAT, 1)
    fake_telegram.push_command(CHAT, "/help", edited=True, extra={"message_id": command["message_id"]})
    fake_telegram.push_message(CHAT + 1, "@newsbot_test_bot")  # the name alone: the /help text
    [hint] = fake_telegram.wait_for_messages(CHAT + 1, 1)
    assert "How to use newsbot" in hint.plain_text

    # a button under a message sent inline (no chat message) and data no handler takes
    for data in ("r:abc", "garbage"):
        fake_telegram.push_inline_callback(CHAT + 2, data)
    fake_telegram.wait_for(lambda calls: len(fake_telegram.answered_callbacks) == 2, 10)

    fake_telegram.block_chat(CHAT + 3)
    for _ in range(3):
        fake_telegram.push_command(CHAT + 3, "/help")
    fake_telegram.wait_for(lambda calls: len([c for c in calls if c.params.get("chat_id") == CHAT + 3]) >= 3, 10)
    fake_telegram.push_command(CHAT + 4, "/help")  # after everything above: the bot is still answering
    fake_telegram.wait_for_messages(CHAT + 4, 1)
    assert len(fake_telegram.messages(CHAT)) == 1  # the edit ran nothing
    logs = bot.logs()
    assert logs.count("chat unreachable") == 1
    assert "unhandled error" not in logs

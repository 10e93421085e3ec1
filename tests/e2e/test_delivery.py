"""Issue 12 F2/F3 end to end: a summary reaches its reader whatever the Bot API does on the way,
and no "⏳ Reading …" placeholder stays on screen."""

from __future__ import annotations

import re

import pytest

from tests.e2e.llm_scripts import PUTIN_QUOTE
from tests.fakes.article_server import ArticleServer
from tests.fakes.telegram_api import FakeTelegram, StoredMessage
from tests.fakes.waiting import wait_until

pytestmark = pytest.mark.e2e

CHAT = 12101
NO_LLM = {"OPENAI_BASE_URL": "", "OPENAI_API_KEY": ""}


def summaries(fake: FakeTelegram, chat: int) -> list[StoredMessage]:
    """The bot's messages in ``chat`` that are on screen and carry the summary."""
    fake.wait_for_messages(chat, 1, timeout=30, predicate=lambda m: PUTIN_QUOTE in m.plain_text)
    return [m for m in fake.messages(chat, include_deleted=False) if m.from_bot and PUTIN_QUOTE in m.plain_text]


def placeholders(fake: FakeTelegram, chat: int) -> list[StoredMessage]:
    return [m for m in fake.messages(chat, include_deleted=False) if m.from_bot and m.plain_text.startswith("⏳")]


@pytest.mark.parametrize(
    ("status", "description", "times"),
    [(500, "Internal Server Error", 1), (502, "Bad Gateway", 2),
     (429, "Too Many Requests: retry after 1", 5)],  # 5 > the rate limiter's own 3 retries
)  # fmt: skip
def test_final_edit_failures_are_retried(
    bot_process, fake_telegram: FakeTelegram, article_server: ArticleServer, status: int, description: str, times: int
) -> None:
    bot = bot_process(env=NO_LLM)
    retry_after = 1 if status == 429 else None
    fake_telegram.fail_next("editMessageText", status, description, retry_after=retry_after, times=times)
    fake_telegram.push_message(CHAT, article_server.url("/seed.html"))
    [summary] = summaries(fake_telegram, CHAT)
    assert summary.edits and summary.edits[0].startswith("⏳")  # the placeholder, edited in place
    assert not placeholders(fake_telegram, CHAT)
    # the retries are one log line, once the edit went through, not one per attempt
    bot.wait_for_log(r'went through after retries" what=edit attempts=\d+')
    assert len(re.findall(r"telegram call .*what=edit", bot.logs())) == 1


def test_user_deleted_their_message_before_the_reply(
    bot_process, fake_telegram: FakeTelegram, article_server: ArticleServer
) -> None:
    bot_process(env=NO_LLM)
    sent = fake_telegram.push_message(CHAT, article_server.url("/seed.html"))
    fake_telegram.delete_message(CHAT, sent["message_id"])  # gone before the bot sees the update
    [summary] = summaries(fake_telegram, CHAT)
    assert summary.reply_to_message_id is None
    assert not placeholders(fake_telegram, CHAT)
    assert not [c for c in fake_telegram.errors if "replied not found" in (c.description or "")]


def test_placeholder_deleted_while_the_summary_is_made(
    bot_process, fake_telegram: FakeTelegram, article_server: ArticleServer
) -> None:
    article_server.delay("/seed.html", 1.5)
    bot_process(env=NO_LLM)
    fake_telegram.push_message(CHAT, article_server.url("/seed.html"))
    [placeholder] = fake_telegram.wait_for_messages(CHAT, 1, timeout=15)
    assert placeholder.plain_text.startswith("⏳")
    fake_telegram.delete_message(CHAT, placeholder.message_id)
    [summary] = summaries(fake_telegram, CHAT)
    assert summary.message_id != placeholder.message_id
    assert not placeholders(fake_telegram, CHAT)


def test_placeholder_too_old_to_edit_is_replaced(
    bot_process, fake_telegram: FakeTelegram, article_server: ArticleServer
) -> None:
    article_server.delay("/seed.html", 1.0)
    bot_process(env=NO_LLM)
    fake_telegram.fail_next("editMessageText", 400, "Bad Request: message can't be edited")
    fake_telegram.push_message(CHAT, article_server.url("/seed.html"))
    [summary] = summaries(fake_telegram, CHAT)
    assert not summary.edits  # a new message, not the placeholder edited
    wait_until(lambda: not placeholders(fake_telegram, CHAT), 10, "the placeholder to be deleted")


def test_summary_made_while_the_bot_api_is_down_is_delivered_when_it_returns(
    bot_process, fake_telegram: FakeTelegram, article_server: ArticleServer
) -> None:
    article_server.delay("/seed.html", 1.0)
    bot_process(env=NO_LLM)
    fake_telegram.push_message(CHAT, article_server.url("/seed.html"))
    fake_telegram.wait_for_messages(CHAT, 1, timeout=15, predicate=lambda m: m.plain_text.startswith("⏳"))
    fake_telegram.fail_next("*", 502, "Bad Gateway", times=6)  # every call, polling and the final edit
    [summary] = summaries(fake_telegram, CHAT)
    assert summary.edits and summary.edits[0].startswith("⏳")
    assert not placeholders(fake_telegram, CHAT)
    assert len([c for c in fake_telegram.errors if c.status == 502]) == 6  # the outage did happen

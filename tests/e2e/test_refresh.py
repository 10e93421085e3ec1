"""🔄 Refresh always answers: "No changes since HH:MM" for an unchanged article, the summary redone
and marked updated for a changed one, and never a 400 "message is not modified" from Telegram."""

from __future__ import annotations

import re

import pytest

from bot.callbacks import Refresh, decode
from tests.fakes.article_server import ArticleServer
from tests.fakes.telegram_api import FakeTelegram

pytestmark = pytest.mark.e2e

CHAT = 8301
NO_LLM = {"OPENAI_BASE_URL": "", "OPENAI_API_KEY": ""}
NO_CHANGES = re.compile(r"No changes since \d\d:\d\d UTC\.")


def page(lead: str) -> str:
    body = "".join(f"<p>{lead} Paragraph {i} adds what the harbour master told reporters on Tuesday.</p>"
                   for i in range(6))  # fmt: skip
    return ("<html lang='en'><head><title>Harbour reopens after storm</title></head><body><article>"
            f"<h1>Harbour reopens after storm</h1>{body}</article></body></html>")  # fmt: skip


def settled(fake: FakeTelegram, chat: int, count: int):
    return fake.wait_for_messages(chat, count, timeout=30, predicate=lambda m: not m.plain_text.startswith("⏳"))


def refresh_data(message) -> str:
    return next(b["callback_data"] for b in message.buttons if isinstance(decode(b.get("callback_data")), Refresh))


def test_refresh_unchanged_then_changed(
    bot_process, fake_telegram: FakeTelegram, article_server: ArticleServer
) -> None:
    url = article_server.add("/harbour.html", page("The harbour reopened to ships."), content_type="text/html")
    bot_process(env={**NO_LLM, "REFRESH_INTERVAL": "0"})  # fetch again on every press (it's once a minute)
    fake_telegram.push_message(CHAT, url)
    [summary] = settled(fake_telegram, CHAT, 1)

    edits = len(fake_telegram.calls_of("editMessageText"))
    query = fake_telegram.push_callback(CHAT, summary.message_id, refresh_data(summary))
    answered = fake_telegram.wait_for_call(
        "answerCallbackQuery", predicate=lambda c: c.params.get("callback_query_id") == query)
    if not NO_CHANGES.fullmatch(answered.params.get("text") or ""):  # a slow refresh: the note follows
        assert answered.params.get("text") == "Refreshing…"
        [_, note] = settled(fake_telegram, CHAT, 2)
        assert NO_CHANGES.fullmatch(note.plain_text)
    assert fake_telegram.message(CHAT, summary.message_id).plain_text == summary.plain_text  # not edited
    assert len(fake_telegram.calls_of("editMessageText")) == edits

    article_server.add("/harbour.html", page("The harbour reopened, but only to small boats."),
                       content_type="text/html")  # fmt: skip
    query = fake_telegram.push_callback(CHAT, summary.message_id, refresh_data(summary))
    fake_telegram.wait_for_call("answerCallbackQuery", predicate=lambda c: c.params.get("callback_query_id") == query)
    fake_telegram.wait_for(lambda _: "small boats" in fake_telegram.message(CHAT, summary.message_id).plain_text)
    updated = fake_telegram.message(CHAT, summary.message_id)
    assert "updated since it was first summarized" in updated.plain_text
    assert not fake_telegram.errors  # in particular no 400 "message is not modified"

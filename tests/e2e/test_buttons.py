"""Inline buttons end to end: every press is decoded by ``bot.callbacks``; a press the bot can't
read gets a friendly alert instead of silence or an error."""

from __future__ import annotations

import httpx
import pytest

from bot.callbacks import AskSuggested, EntrySummary, Refresh, decode
from bot.telegram import texts
from bot.telegram.catalog import t
from tests.e2e.llm_scripts import PUTIN_QUOTE, answer, responder, schema_name
from tests.fakes.article_server import PAGES_DIR
from tests.fakes.openai_api import FakeOpenAI
from tests.fakes.telegram_api import FakeTelegram

pytestmark = pytest.mark.e2e

CHAT = 7001


def settled(fake: FakeTelegram, chat: int, count: int, timeout: float = 30.0):
    return fake.wait_for_messages(chat, count, timeout=timeout,
                                  predicate=lambda m: not m.plain_text.startswith("⏳"))


def test_suggested_question_about_pasted_text(
    bot_process, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI
) -> None:
    fake_openai.set_responder(responder(reply=answer("TEXT ANSWER: the talks would be in Minsk.")))
    bot_process()
    fake_telegram.push_message(CHAT, (PAGES_DIR.parent / "seed-article.txt").read_text()[:2500])
    [summary] = settled(fake_telegram, CHAT, 1)
    pasted = [b["callback_data"] for row in summary.reply_markup["inline_keyboard"] for b in row
              if isinstance(decode(b.get("callback_data")), AskSuggested)]  # fmt: skip
    assert pasted and all(decode(d).key.startswith("text:") for d in pasted)

    fake_telegram.push_callback(CHAT, summary.message_id, pasted[0])
    [*_, reply] = settled(fake_telegram, CHAT, 2)
    assert reply.plain_text.partition("\n\n")[2] == "TEXT ANSWER: the talks would be in Minsk."
    request = [r for r in fake_openai.requests if schema_name(r) == "article_answer"][-1]
    user = request["messages"][1]["content"]
    assert "Where will the talks be held?" in user and PUTIN_QUOTE in user  # the question, about that text

    # the same button under a message the bot sent before the codec (its key keeps its colon)
    action = decode(pasted[0])
    assert isinstance(action, AskSuggested)
    question = next(b["text"] for row in summary.reply_markup["inline_keyboard"] for b in row
                    if b.get("callback_data") == pasted[0])  # fmt: skip
    legacy = f"q:{action.key}:{action.index}"
    old = httpx.post(f"{fake_telegram.api_url}/sendMessage", json={
        "chat_id": CHAT, "text": "an old summary",
        "reply_markup": {"inline_keyboard": [[{"text": question, "callback_data": legacy}]]},
    }).json()["result"]  # fmt: skip
    fake_telegram.push_callback(CHAT, old["message_id"], legacy)
    [*_, again] = settled(fake_telegram, CHAT, 4)
    assert again.reply_to_message_id == old["message_id"] and "\n\nTEXT ANSWER" in again.plain_text
    assert not fake_telegram.errors


def test_unknown_or_stale_button_data_gets_a_friendly_alert(
    bot_process, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI
) -> None:
    fake_openai.set_responder(responder())
    bot = bot_process()
    fake_telegram.push_message(CHAT, (PAGES_DIR.parent / "seed-article.txt").read_text()[:2500])
    [summary] = settled(fake_telegram, CHAT, 1)
    for data in ("garbage", "v9|r|0123456789abcdef", "v1|zz|0123456789abcdef", "v1|q|text:abc|x", "more:1"):
        query_id = fake_telegram.push_callback(CHAT, summary.message_id, data)
        call = fake_telegram.wait_for_call(
            "answerCallbackQuery", predicate=lambda c, q=query_id: c.params.get("callback_query_id") == q)
        assert call.ok and call.params.get("text") == texts.OUTDATED_BUTTON
        assert call.params.get("show_alert") is True
    assert len(fake_telegram.messages(CHAT)) == 1  # nothing sent, nothing edited into an error
    assert not fake_telegram.errors
    assert "unhandled error" not in bot.logs()


def test_buttons_of_an_expired_article_say_so_in_the_users_language(
    bot_process, fake_telegram: FakeTelegram, fake_openai: FakeOpenAI
) -> None:
    """🔄 and 📄 for an article the bot no longer remembers: an alert that says why (German for a
    German app), not a spinner or an error."""
    fake_openai.set_responder(responder())
    bot_process()
    fake_telegram.push_message(CHAT, (PAGES_DIR.parent / "seed-article.txt").read_text()[:2500], language_code="de")
    [summary] = settled(fake_telegram, CHAT, 1)
    gone = "0123456789abcdef0123456789abcdef"
    for action, expected in ((Refresh(gone), t("REFRESH_EXPIRED", "de")), (EntrySummary(gone), t("STORY_GONE", "de"))):
        query_id = fake_telegram.push_callback(CHAT, summary.message_id, action.encode(), language_code="de")
        call = fake_telegram.wait_for_call(
            "answerCallbackQuery", predicate=lambda c, q=query_id: c.params.get("callback_query_id") == q)
        assert call.ok and call.params.get("text") == expected and call.params.get("show_alert") is True
    assert t("REFRESH_EXPIRED", "de") != texts.REFRESH_EXPIRED
    assert len(fake_telegram.messages(CHAT)) == 1 and not fake_telegram.errors

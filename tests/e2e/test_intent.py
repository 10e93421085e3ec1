"""What a plain message means: questions about the active article are answered (naming it), chatter
gets a hint of what the bot does, and a failed link leaves no article to answer about."""

from __future__ import annotations

import pytest

from bot.callbacks import AskAbout, decode
from tests.fakes.article_server import ArticleServer
from tests.fakes.telegram_api import FakeTelegram

pytestmark = pytest.mark.e2e

CHAT = 8101
NO_LLM = {"OPENAI_BASE_URL": "", "OPENAI_API_KEY": ""}


def settled(fake: FakeTelegram, chat: int, count: int, timeout: float = 30.0):
    return fake.wait_for_messages(chat, count, timeout=timeout,
                                  predicate=lambda m: not m.plain_text.startswith("⏳"))


def test_chatter_gets_a_hint_and_questions_name_their_article(
    bot_process, fake_telegram: FakeTelegram, article_server: ArticleServer
) -> None:
    bot_process(env=NO_LLM)
    fake_telegram.push_message(CHAT, "hi")
    [hello] = settled(fake_telegram, CHAT, 1)
    assert hello.plain_text.startswith("Hi! 👋") and "Send me a link" in hello.plain_text

    fake_telegram.push_message(CHAT, article_server.url("/seed.html"))
    summary = settled(fake_telegram, CHAT, 2)[-1]
    headline = summary.plain_text.splitlines()[0]
    for n, chatter in enumerate(["asdfgh qwerty", "👍🔥😂", "thanks"], start=3):
        fake_telegram.push_message(CHAT, chatter)
        hint = settled(fake_telegram, CHAT, n)[-1]
        assert "cover" not in hint.plain_text and headline in hint.plain_text, chatter
        [ask] = [b for row in hint.reply_markup["inline_keyboard"] for b in row]
        assert isinstance(decode(ask["callback_data"]), AskAbout)

    fake_telegram.push_message(CHAT, "who is Peskov")  # no question mark: an interrogative
    answer = settled(fake_telegram, CHAT, 6)[-1]
    about, _, body = answer.plain_text.partition("\n\n")
    assert about == f"About: {headline}"
    assert "Dmitry Peskov" in body

    fake_telegram.push_message(CHAT, "What's the weather in Paris tomorrow?")
    first = settled(fake_telegram, CHAT, 7)[-1]
    assert f"I can only answer about the article “{headline}”" in first.plain_text
    fake_telegram.push_message(CHAT, "Who won the football match?")
    second = settled(fake_telegram, CHAT, 8)[-1]
    assert "doesn't seem to cover" in second.plain_text
    assert "I can only answer" not in second.plain_text  # said once, not every time
    assert not fake_telegram.errors


def test_a_failed_link_leaves_no_active_article(
    bot_process, fake_telegram: FakeTelegram, article_server: ArticleServer
) -> None:
    article_server.add("/paywalled.html", "gone", status=410, content_type="text/html")
    bot_process(env=NO_LLM)
    fake_telegram.push_message(CHAT, article_server.url("/seed.html"))
    settled(fake_telegram, CHAT, 1)
    fake_telegram.push_message(CHAT, article_server.url("/paywalled.html"))
    [_, failed] = settled(fake_telegram, CHAT, 2)
    assert failed.plain_text.startswith("⚠️")
    fake_telegram.push_message(CHAT, "Who is Peskov?")
    [*_, reply] = settled(fake_telegram, CHAT, 3)
    assert "Send me a link first" in reply.plain_text  # not an answer about the article before

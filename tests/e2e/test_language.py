"""Languages: the bot speaks the user's Telegram language, /language picks another with buttons, and
without an LLM it says that summaries stay in the article's language; the bot profile is set per
language at start."""

from __future__ import annotations

import pytest

from bot.callbacks import PickLanguage, decode
from tests.fakes.article_server import ArticleServer
from tests.fakes.telegram_api import FakeTelegram

pytestmark = pytest.mark.e2e

CHAT = 8401
NO_LLM = {"OPENAI_BASE_URL": "", "OPENAI_API_KEY": ""}


def last(fake: FakeTelegram, chat: int, count: int):
    return fake.wait_for_messages(chat, count, timeout=30, predicate=lambda m: not m.plain_text.startswith("⏳"))[-1]


def test_language_without_an_llm(bot_process, fake_telegram: FakeTelegram, article_server: ArticleServer) -> None:
    bot_process(env=NO_LLM)
    fake_telegram.push_command(CHAT, "/start", first_name="Ann", language_code="es")
    assert last(fake_telegram, CHAT, 1).plain_text.startswith("👋 ¡Hola, Ann! Soy newsbot.")

    fake_telegram.push_command(CHAT, "/language", "de", language_code="es")
    done = last(fake_telegram, CHAT, 2).plain_text
    assert done.startswith("Erledigt – ich schreibe dir ab jetzt auf Deutsch.")
    assert "bis ein LLM zum Übersetzen eingerichtet ist" in done  # no promise of German summaries
    fake_telegram.push_message(CHAT, article_server.url("/seed.html"), language_code="es")
    assert last(fake_telegram, CHAT, 3).plain_text.startswith("Putin")  # the article's own language
    fake_telegram.push_message(CHAT, "danke", language_code="es")
    assert last(fake_telegram, CHAT, 4).plain_text.startswith("Hallo! 👋")

    fake_telegram.push_command(CHAT, "/language", language_code="es")
    picker = last(fake_telegram, CHAT, 5)
    assert picker.plain_text.startswith("Ich schreibe dir auf Deutsch.")
    choices = {decode(b["callback_data"]).language: b["callback_data"] for b in picker.buttons
               if isinstance(decode(b.get("callback_data")), PickLanguage)}  # fmt: skip
    assert set(choices) == {"en", "de", "fr", "es", "ru", "auto"}
    fake_telegram.push_callback(CHAT, picker.message_id, choices["fr"])
    fake_telegram.wait_for(lambda _: "en français" in fake_telegram.message(CHAT, picker.message_id).plain_text)
    fake_telegram.push_command(CHAT, "/language", "auto", language_code="es")
    assert last(fake_telegram, CHAT, 6).plain_text == "Hecho: usaré el idioma de tu aplicación de Telegram."
    assert not fake_telegram.errors


def test_profile_is_set_per_language(bot_process, fake_telegram: FakeTelegram) -> None:
    bot_process(env=NO_LLM)
    assert {c["command"] for c in fake_telegram.commands} >= {"start", "help", "language", "subscribe"}
    german = {c["command"]: c["description"] for c in fake_telegram.commands_for(language_code="de")}
    assert german["new"] == "Aktuellen Artikel vergessen"
    described = {c.params.get("language_code", ""): c.params["description"]
                 for c in fake_telegram.calls_of("setMyDescription")}  # fmt: skip
    assert set(described) == {"", "de", "fr", "es", "ru"}
    assert described[""].startswith("Send me a link") and described["ru"].startswith("Пришлите мне ссылку")
    short = {c.params.get("language_code", "") for c in fake_telegram.calls_of("setMyShortDescription")}
    assert short == {"", "de", "fr", "es", "ru"}

"""The time-zone question with buttons from the user's language, and a German user reading German
on the subscription and digest paths: the real bot process, the fake Bot API, real Redis."""

from __future__ import annotations

import pytest

from bot.callbacks import MoreStories, PickZone, decode
from tests.digest.e2e_support import DigestWorld, at, items_before, llm_responder
from tests.fakes.telegram_api import FakeTelegram, StoredMessage

pytestmark = pytest.mark.e2e

DAY = "2026-03-02"  # winter: Vienna is UTC+01:00


def _zones(message: StoredMessage) -> list[str]:
    return [action.zone for data in message.callback_data if isinstance(action := decode(data), PickZone)]


def test_time_zone_question_has_buttons_for_the_users_language_and_a_press_sets_the_zone(
    bot_process, fake_telegram: FakeTelegram, article_server, redis_url, tmp_path
) -> None:
    world = DigestWorld(redis_url, fake_telegram, article_server, tmp_path)
    start = at(DAY, "06:00")
    world.set_clock(start)
    first = world.feed("/feeds/first.xml", "Erste Zeitung", items_before(start, "f", ["Haushalt beschlossen"]))
    second = world.feed("/feeds/second.xml", "Zweite Zeitung", items_before(start, "s", ["Sturm zieht auf"]))
    bot_process(env=world.env())
    german, spanish = 4101, 4102

    question = world.command(german, f"/subscribe {first}", language_code="de")
    assert "In welcher Zeitzone bist du?" in question.plain_text and "/timezone" in question.plain_text
    assert _zones(question) == ["Europe/Berlin", "Europe/Vienna", "Europe/Zurich"]
    assert [b["text"] for b in question.buttons] == ["Berlin", "Wien", "Zürich"]  # as a German writes them
    spanish_question = world.command(spanish, f"/subscribe {first}", language_code="es")
    assert _zones(spanish_question)[:3] == ["Europe/Madrid", "America/Mexico_City", "America/Argentina/Buenos_Aires"]
    assert [b["text"] for b in spanish_question.buttons][:3] == ["Madrid", "Ciudad de México", "Buenos Aires"]

    vienna = next(d for d in question.callback_data if decode(d) == PickZone("Europe/Vienna"))
    press = fake_telegram.push_callback(german, question.message_id, vienna, language_code="de")
    answer = fake_telegram.wait_for_call("answerCallbackQuery",
                                         predicate=lambda c: c.params.get("callback_query_id") == press)  # fmt: skip
    assert answer.status == 200
    [confirmation] = fake_telegram.wait_for_messages(
        german, 1, predicate=lambda m: (m.plain_text or "").startswith("Zeitzone auf")
    )
    assert "Europe/Vienna (UTC+01:00)" in confirmation.plain_text and "Nächste Übersicht" in confirmation.plain_text
    fake_telegram.wait_for_messages(german, 1, predicate=lambda m: m.message_id == question.message_id
                                    and not m.callback_data)  # fmt: skip  # the question's buttons are gone
    assert "Europe/Vienna" in world.command(german, "/timezone", language_code="de").plain_text
    again = world.command(german, f"/subscribe {second}", language_code="de")
    assert again.plain_text.startswith("✅ Zweite Zeitung abonniert") and "Zeitzone" not in again.plain_text
    assert not _zones(again)  # asked once
    assert not fake_telegram.errors


def test_a_german_user_reads_german_on_the_subscription_and_digest_paths(
    bot_process, fake_telegram: FakeTelegram, fake_openai, article_server, redis_url, tmp_path
) -> None:
    world = DigestWorld(redis_url, fake_telegram, article_server, tmp_path)
    start = at(DAY, "06:00")
    world.set_clock(start)
    titles = [f"Meldung Nummer {n}" for n in range(4)]
    feed = world.feed("/feeds/de.xml", "Tagesblatt", items_before(start, "d", titles))
    fake_openai.set_responder(llm_responder)
    bot_process(env=world.env(DIGEST_MAX_ITEMS="3"))
    chat = 4201

    def say(text: str) -> str:
        return world.command(chat, text, language_code="de").plain_text

    assert say("/subscribe").startswith("Schick /subscribe mit der Adresse")
    subscribed = say(f"/subscribe {feed}")
    assert subscribed.startswith("✅ Tagesblatt abonniert.") and "Deine Übersicht kommt täglich um" in subscribed
    listing = world.command(chat, "/subscriptions", language_code="de")
    assert listing.plain_text.startswith("Deine Feeds (1/") and listing.buttons[0]["text"].endswith("abbestellen")
    assert say("/digest_time 07:15").startswith("Erledigt – deine Übersicht kommt täglich um 07:15.")
    assert say("/digest später").startswith("/digest – deine Übersicht sofort")
    assert say("/digest off").startswith("⏸ Tägliche Übersicht pausiert.")
    assert say("/digest on").startswith("▶️ Tägliche Übersicht ist an. Nächste Übersicht:")
    fake_telegram.push_message(chat, "/gibtsnicht", language_code="de")
    fake_telegram.wait_for_messages(chat, 1, predicate=lambda m: m.plain_text.startswith("Den Befehl /gibtsnicht"))

    fake_telegram.push_message(chat, "/digest", language_code="de")
    [digest] = fake_telegram.wait_for_messages(
        chat, 1, 30, predicate=lambda m: (m.plain_text or "").startswith("📰 Deine tägliche Übersicht")
    )
    assert "Mo, 2. März · 3 Meldungen" in digest.plain_text
    assert digest.plain_text.endswith("+1 weitere Meldung")
    [next_page] = [b for b in digest.buttons if isinstance(decode(b.get("callback_data")), MoreStories)]
    assert next_page["text"] == "▶ Nächste 1"
    press = fake_telegram.push_callback(chat, digest.message_id, next_page["callback_data"], language_code="de")
    toast = fake_telegram.wait_for_call("answerCallbackQuery",
                                        predicate=lambda c: c.params.get("callback_query_id") == press)  # fmt: skip
    assert toast.params.get("text") == "Hier kommen die nächsten Meldungen…"
    fake_telegram.wait_for_messages(chat, 1, 30, predicate=lambda m: (m.plain_text or "").startswith(
        "📰 Deine tägliche Übersicht · Mo, 2. März · 1 Meldung"))  # fmt: skip
    assert say(f"/unsubscribe {feed}") == "Tagesblatt abbestellt."
    assert say("/subscriptions").startswith("Du folgst noch keinen Feeds.")
    assert not fake_telegram.errors

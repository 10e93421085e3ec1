"""The message catalog: every sentence the bot says exists in every language with the same
placeholders (a translation may drop English-only ones like the plural ``{s}``), no handler sends
English around the catalog, and Telegram's profile limits hold in each language."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

import bot
from bot.telegram import texts
from bot.telegram.catalog import DEFAULT, LANGUAGES, digest_words, summary_words, t, table, ui_language

TRANSLATED = [lang for lang in LANGUAGES if lang != DEFAULT]
USED = re.compile(r"""\bt\(\s*(?:f?["'])([A-Z_]+)["']""")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def used_keys() -> set[str]:
    keys: set[str] = set()
    for path in Path(bot.__file__).parent.rglob("*.py"):
        keys |= set(USED.findall(path.read_text(encoding="utf-8")))
    keys |= {f"COMMAND_{name.upper()}" for name in texts.COMMAND_NAMES}  # built with an f-string
    return keys


ENGLISH_ONLY = {"s"}  # the English plural ending; other languages phrase counts without it


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_key_is_translated_with_the_same_placeholders(lang: str) -> None:
    english, translated = table(DEFAULT), table(lang)
    assert used_keys() <= set(translated), sorted(used_keys() - set(translated))
    assert set(english) <= set(translated), f"{lang} lacks {sorted(set(english) - set(translated))}"
    for key, text in translated.items():
        assert key in english, f"{lang}: {key} is not an English key"
        expected = placeholders(english[key])
        assert expected - ENGLISH_ONLY <= placeholders(text) <= expected, f"{lang}: {key}"
        assert text.count("<b>") == english[key].count("<b>"), f"{lang}: {key} markup"


def test_all_languages_have_the_same_keys() -> None:
    keys = {lang: set(table(lang)) for lang in TRANSLATED}
    assert all(k == keys[TRANSLATED[0]] for k in keys.values())


@pytest.mark.parametrize("lang", LANGUAGES)
def test_profile_fits_telegram_limits(lang: str) -> None:
    assert len(t("BOT_SHORT_DESCRIPTION", lang)) <= 120
    assert len(t("BOT_DESCRIPTION", lang)) <= 512
    for name in texts.COMMAND_NAMES:
        assert 1 <= len(t(f"COMMAND_{name.upper()}", lang)) <= 256


def test_language_fallbacks() -> None:
    assert ui_language("de-AT") == "de" and ui_language("pt-BR") == "en" and ui_language(None) == "en"
    assert t("HELLO", "pt") == texts.HELLO
    assert t("WELCOME", "ru", name=", Ann").startswith("👋 <b>Привет, Ann!")
    assert t("OUTDATED_BUTTON", "pt-BR") == texts.OUTDATED_BUTTON  # no Portuguese table: English


SENT_AROUND_THE_CATALOG = re.compile(r"\btexts\.(?!COMMAND_NAMES\b|LANGUAGE_NAMES\b)[A-Z_]+")


def test_the_telegram_edge_says_everything_through_the_catalog() -> None:
    """``texts.X`` outside the catalog would be English for everyone: every sentence goes through ``t``."""
    edge = Path(bot.__file__).parent / "telegram"
    for path in edge.rglob("*.py"):
        if path.name in ("catalog.py", "texts.py"):
            continue
        found = SENT_AROUND_THE_CATALOG.findall(path.read_text(encoding="utf-8"))
        assert not found, f"{path.name} sends {found} around the catalog"


@pytest.mark.parametrize("lang", TRANSLATED)
def test_digest_and_summary_words_are_the_readers(lang: str) -> None:
    from datetime import date

    words = digest_words(lang)
    assert words.title == t("DIGEST_TITLE", lang) != digest_words("en").title
    assert len(words.weekdays.split()) == 7 and len(words.months.split()) == 12
    assert words.day_label(date(2026, 3, 2)) != digest_words("en").day_label(date(2026, 3, 2))
    assert summary_words(lang).key_quotes == t("SUMMARY_KEY_QUOTES", lang) != summary_words("en").key_quotes

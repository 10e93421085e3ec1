"""The message catalog: every key the bot says through it exists in every language with the same
placeholders, and Telegram's profile limits hold in each language."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

import bot
from bot.telegram import texts
from bot.telegram.catalog import DEFAULT, LANGUAGES, t, table, ui_language

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


@pytest.mark.parametrize("lang", TRANSLATED)
def test_every_used_key_is_translated_with_the_same_placeholders(lang: str) -> None:
    english, translated = table(DEFAULT), table(lang)
    assert used_keys() <= set(translated), sorted(used_keys() - set(translated))
    for key, text in translated.items():
        assert key in english, f"{lang}: {key} is not an English key"
        assert placeholders(text) == placeholders(english[key]), f"{lang}: {key}"
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
    assert t("OUTDATED_BUTTON", "de") == texts.OUTDATED_BUTTON  # not translated yet: English

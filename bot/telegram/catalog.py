"""The bot's words in the reader's language: ``t("WELCOME", "de", name=…)``.

English is ``bot.telegram.texts`` (every key is one of its names); other languages are tables in
``locales/<code>.json`` with the same keys and placeholders. A key a table lacks, or a language
without a table, falls back to English, so a new sentence can ship before its translations.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from bot.telegram import texts

LOCALES = Path(__file__).with_name("locales")
DEFAULT = "en"
LANGUAGES = ("en", "de", "fr", "es", "ru")  # what the UI speaks; summaries (with an LLM) speak any


def ui_language(code: str | None) -> str:
    """The UI language for a Telegram or chosen language code ("de-AT" → "de"; unknown → "en")."""
    base = (code or DEFAULT).lower().replace("_", "-").split("-")[0]
    return base if base in LANGUAGES else DEFAULT


@cache
def table(lang: str) -> dict[str, str]:
    if lang == DEFAULT:
        return {k: v for k, v in vars(texts).items() if k.isupper() and isinstance(v, str)}
    path = LOCALES / f"{lang}.json"
    loaded: dict[str, str] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return loaded


def t(key: str, lang: str | None, **values: object) -> str:
    """The sentence ``key`` in ``lang`` (English when it has none), with ``values`` filled in."""
    text = table(ui_language(lang)).get(key) or table(DEFAULT)[key]
    return text.format(**values) if values else text

"""The bot's words in the reader's language: ``t("WELCOME", "de", name=…)``.

English is ``bot.telegram.texts`` (every key is one of its names) plus the English defaults of the
word sets lower layers render with (``SUMMARY_*``: ``bot.render.SummaryWords``, ``DIGEST_*``:
``bot.digest.render.DigestWords``); other languages are tables in ``locales/<code>.json`` with the
same keys and placeholders. Reasons the lower layers give (a dead link, a paywall, a time that
isn't one) are English sentences; ``reason`` translates them by ``locales/reasons.<code>.json``
(English template → translation). A key a table lacks, or a language without a table, falls back to
English, so a new sentence can ship before its translations (tests/unit/test_catalog.py fails
until every language has it).
"""

from __future__ import annotations

import json
import re
from dataclasses import fields
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, TypeVar

from bot.digest.render import DigestWords
from bot.render import SummaryWords
from bot.telegram import texts

LOCALES = Path(__file__).with_name("locales")
DEFAULT = "en"
LANGUAGES = ("en", "de", "fr", "es", "ru")  # what the UI speaks; summaries (with an LLM) speak any
WORD_SETS: dict[str, type[Any]] = {"SUMMARY": SummaryWords, "DIGEST": DigestWords}

W = TypeVar("W")


def ui_language(code: str | None) -> str:
    """The UI language for a Telegram or chosen language code ("de-AT" → "de"; unknown → "en")."""
    base = (code or DEFAULT).lower().replace("_", "-").split("-")[0]
    return base if base in LANGUAGES else DEFAULT


def _english() -> dict[str, str]:
    table = {k: v for k, v in vars(texts).items() if k.isupper() and isinstance(v, str)}
    for prefix, kind in WORD_SETS.items():
        defaults = kind()
        table |= {f"{prefix}_{f.name.upper()}": getattr(defaults, f.name) for f in fields(kind)}
    return table


@cache
def table(lang: str) -> dict[str, str]:
    if lang == DEFAULT:
        return _english()
    path = LOCALES / f"{lang}.json"
    loaded: dict[str, str] = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    return loaded


def t(key: str, lang: str | None, **values: object) -> str:
    """The sentence ``key`` in ``lang`` (English when it has none), with ``values`` filled in."""
    text = table(ui_language(lang)).get(key) or table(DEFAULT)[key]
    return text.format(**values) if values else text


@cache
def _words(kind: type[W], prefix: str, lang: str) -> W:
    return kind(**{f.name: t(f"{prefix}_{f.name.upper()}", lang) for f in fields(kind)})  # type: ignore[arg-type]


def summary_words(lang: str | None) -> SummaryWords:
    return _words(SummaryWords, "SUMMARY", ui_language(lang))


def digest_words(lang: str | None) -> DigestWords:
    return _words(DigestWords, "DIGEST", ui_language(lang))


def weekday_date(day: date, lang: str | None) -> str:
    """"Mon 2 Mar" in ``lang``."""
    return digest_words(lang).day_label(day)


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def _pattern(template: str) -> re.Pattern[str]:
    parts = _PLACEHOLDER.split(template)  # text, name, text, name, …, text
    return re.compile("".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts)), re.S)


@cache
def _reasons(lang: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    path = LOCALES / f"reasons.{lang}.json"
    if lang == DEFAULT or not path.exists():
        return ()
    loaded: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return tuple((_pattern(english), translated) for english, translated in loaded.items())


def reason(text: str, lang: str | None) -> str:
    """A failure's reason, said in English by the layer that failed, in ``lang`` (as it is when
    the table has no translation for it)."""
    for pattern, translated in _reasons(ui_language(lang)):
        match = pattern.fullmatch(text)
        if match:
            return translated.format(**{k: reason(v, lang) for k, v in match.groupdict().items()})
    return text

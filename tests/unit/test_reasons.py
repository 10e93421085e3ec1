"""Reasons the lower layers give in English (a dead link, a paywall, a time that isn't one, why a
summary is extractive) reach every reader in their language: each one found in the code has a
translation in every locale's reasons table."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

import bot
from bot.extract.reasons import REASONS
from bot.telegram.catalog import DEFAULT, LANGUAGES, reason

ROOT = Path(bot.__file__).parent
# where sentences for users are raised or kept (configuration errors are for the operator)
SAID_BY = ["net", "extract", "llm", "digest/opml.py", "digest/polling.py", "digest/schedule.py", "timeofday.py",
           "store/subscriptions.py", "engines/policy.py", "engines/summary.py", "engines/retrieval.py"]  # fmt: skip
ERRORS = {"NewsbotError", "FetchError", "ExtractError", "SummarizeError", "OpmlError", "ValueError", "LimitReached"}
CONSTANTS = ("_REASON", "NOT_A_FEED", "NO_FEED_ON_PAGE", "_ENTITIES", "_NOTE", "NOT_COVERED", "ZONE_HELP", "TIME_HELP")
INTERNAL = ("expected an aware", "unknown content kind", "not a feed", "can't")  # messages no user sees


def _module(path: Path) -> object:
    return importlib.import_module(".".join(path.relative_to(ROOT.parent).with_suffix("").parts))


def _sample(node: ast.expr, module: object) -> str | None:
    """The text a call would raise, with a stand-in for each value filled in at run time."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if not isinstance(node, ast.JoinedStr):
        return None
    parts = []
    for value in node.values:
        if isinstance(value, ast.Constant):
            parts.append(str(value.value))
        elif isinstance(value, ast.FormattedValue) and isinstance(value.value, ast.Name) and value.value.id.isupper():
            parts.append(str(getattr(module, value.value.id)))  # a module constant: its English text
        else:
            parts.append("7")
    return "".join(parts)


def said_in_english() -> set[str]:
    found: set[str] = set(REASONS.values())
    for entry in SAID_BY:
        for path in sorted((ROOT / entry).rglob("*.py")) if (ROOT / entry).is_dir() else [ROOT / entry]:
            module = _module(path)
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ERRORS:
                    text = _sample(node.args[0], module) if node.args else None
                elif (isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
                      and node.targets[0].id.endswith(CONSTANTS)):  # fmt: skip
                    text = _sample(node.value, module)
                else:
                    continue
                if text and not text.startswith(INTERNAL) and text[0].isupper():
                    found.add(text)
    return found


def test_the_collector_finds_the_reasons() -> None:
    found = said_in_english()
    assert "That page doesn't exist (anymore)." in found and len(found) > 40
    assert "That site answered with an error (HTTP 7)." in found


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != DEFAULT])
def test_every_reason_is_translated(lang: str) -> None:
    missing = sorted(text for text in said_in_english() if reason(text, lang) == text)
    assert not missing, f"{lang} has no translation for {missing}"


def test_reasons_keep_their_values_and_stay_english_for_english() -> None:
    assert reason("That site answered with an error (HTTP 503).", "de") == (
        "Diese Website hat mit einem Fehler geantwortet (HTTP 503)."
    )
    assert reason("Unknown time zone “Berlinn”. Did you mean Europe/Berlin?", "ru").endswith("Europe/Berlin?")
    assert reason("That page doesn't exist (anymore).", "en") == "That page doesn't exist (anymore)."
    assert reason("Something no table knows.", "fr") == "Something no table knows."


@pytest.mark.parametrize("lang", [lang for lang in LANGUAGES if lang != DEFAULT])
def test_the_failing_feed_notice_is_translated_with_its_reason(lang: str) -> None:
    """Built in bot/digest/polling.py for all its chats, translated per chat when it is sent."""
    why = "That site took too long to answer."
    notice = (f"⚠️ The feed https://example.com/rss hasn't worked for 3 days ({why}). "
              "It stays in your list and I keep trying; send /subscriptions to remove it.")  # fmt: skip
    said = reason(notice, lang)
    assert said != notice and "https://example.com/rss" in said and reason(why, lang) in said

"""The time zones a chat is most likely in, from its Telegram language (bot/data/likely_zones.json):
offered as buttons when the bot asks where the chat is."""

from __future__ import annotations

import json
from functools import cache
from importlib.resources import files

MAX_ZONES = 6


@cache
def _table() -> dict[str, tuple[str, ...]]:
    raw = json.loads(files("bot").joinpath("data", "likely_zones.json").read_text(encoding="utf-8"))
    return {code: tuple(zones[:MAX_ZONES]) for code, zones in raw.items() if not code.startswith("_")}


def likely_zones(language: str | None) -> tuple[str, ...]:
    """Zone names for a Telegram language code ("pt-BR": Brazil's, "de-AT": German ones; unknown
    or none: English-speaking ones, the most common Telegram default)."""
    code = (language or "en").lower().replace("_", "-")
    table = _table()
    return table.get(code) or table.get(code.split("-")[0]) or table["en"]

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


@cache
def _names() -> dict[str, dict[str, str]]:
    raw = json.loads(files("bot").joinpath("data", "likely_zones.json").read_text(encoding="utf-8"))
    names: dict[str, dict[str, str]] = raw["_names"]
    return names


def city_name(zone: str, language: str | None) -> str:
    """A zone's city as ``language`` writes it ("Europe/Vienna", "de" → "Wien"); else the city
    of the zone's name ("America/Argentina/Buenos_Aires" → "Buenos Aires")."""
    base = (language or "").lower().replace("_", "-").split("-")[0]
    return _names().get(base, {}).get(zone) or zone.rsplit("/", 1)[-1].replace("_", " ")


def likely_zones(language: str | None) -> tuple[str, ...]:
    """Zone names for a Telegram language code ("pt-BR": Brazil's, "de-AT": German ones; unknown
    or none: English-speaking ones, the most common Telegram default)."""
    code = (language or "en").lower().replace("_", "-")
    table = _table()
    return table.get(code) or table.get(code.split("-")[0]) or table["en"]

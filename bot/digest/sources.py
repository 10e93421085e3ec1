"""The curated list of well-known news feeds users can subscribe to by name (bot/data/sources.json)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files


@dataclass(frozen=True, slots=True)
class Source:
    id: str
    name: str
    url: str


@lru_cache(maxsize=1)
def load_sources() -> tuple[Source, ...]:
    """All curated sources, in file order."""
    raw = files("bot").joinpath("data", "sources.json").read_text(encoding="utf-8")
    return tuple(Source(id=s["id"], name=s["name"], url=s["url"]) for s in json.loads(raw))

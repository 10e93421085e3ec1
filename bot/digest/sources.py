"""The curated list of well-known news feeds users can subscribe to by name (bot/data/sources.json)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib.resources import files

_SQUASH = re.compile(r"[\s_\-]+")


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


def _norm(text: str) -> str:
    return _SQUASH.sub(" ", text).strip().casefold()


def find_source(query: str) -> Source | None:
    """A curated source by id or name, case-insensitively ("bbc-world", "BBC World", "bbc world")."""
    wanted = _norm(query)
    if not wanted:
        return None
    for source in load_sources():
        if wanted in (_norm(source.id), _norm(source.name)):
            return source
    return None

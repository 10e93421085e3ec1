"""The curated sources users subscribe to by name: the packaged list, or (tests and development)
a JSON file named by ``DIGEST_SOURCES_FILE`` with the same shape."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from bot.digest.sources import Source, load_sources

_SQUASH = re.compile(r"[\s_\-]+")


@lru_cache(maxsize=4)
def _from_file(path: str) -> tuple[Source, ...]:
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    return tuple(Source(id=s["id"], name=s["name"], url=s["url"]) for s in raw)


def presets(sources_file: str | None = None) -> tuple[Source, ...]:
    return _from_file(sources_file) if sources_file else load_sources()


def _norm(text: str) -> str:
    return _SQUASH.sub(" ", text).strip().casefold()


def find_preset(query: str, sources_file: str | None = None) -> Source | None:
    """A curated source by id or name, case-insensitively ("bbc-world", "BBC World")."""
    wanted = _norm(query)
    if not wanted:
        return None
    for source in presets(sources_file):
        if wanted in (_norm(source.id), _norm(source.name)):
            return source
    return None

from __future__ import annotations

import json
from importlib.resources import files
from urllib.parse import urlsplit

from bot.digest.presets import find_preset
from bot.digest.sources import load_sources
from bot.net.urls import normalize_url


def test_curated_sources_are_well_formed() -> None:
    raw = json.loads(files("bot").joinpath("data", "sources.json").read_text(encoding="utf-8"))
    assert all(set(entry) == {"id", "name", "url"} for entry in raw)
    sources = load_sources()
    assert 8 <= len(sources) <= 20
    assert len({s.id for s in sources}) == len(sources)
    assert len({s.name.casefold() for s in sources}) == len(sources)
    assert len({normalize_url(s.url) for s in sources}) == len(sources)
    for source in sources:
        assert urlsplit(source.url).scheme == "https"
        assert source.id == source.id.lower() and " " not in source.id
    assert "reuters" not in " ".join(s.url for s in sources)  # no public RSS any more


def test_find_preset_by_id_or_name_case_insensitively() -> None:
    bbc = find_preset("bbc-world")
    assert bbc is not None and bbc.url == "https://feeds.bbci.co.uk/news/world/rss.xml"
    assert find_preset("BBC World") == bbc
    assert find_preset("  bbc   WORLD ") == bbc
    assert find_preset("BBC_World") == bbc
    assert find_preset("the guardian world") is not None
    assert find_preset("nope") is None
    assert find_preset("") is None

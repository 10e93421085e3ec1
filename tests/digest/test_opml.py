from __future__ import annotations

from pathlib import Path

import pytest

from bot.digest import opml
from bot.digest.opml import OpmlError, OpmlFeed, export_opml, parse_opml

DATA = Path(__file__).resolve().parent.parent / "data" / "feeds"
EXPECTED = [
    OpmlFeed("https://feeds.bbci.co.uk/news/world/rss.xml", "BBC World"),
    OpmlFeed("https://rss.dw.com/rdf/rss-en-world", "DW World"),
    OpmlFeed("https://tech.example.com/feed.xml", "Example Tech"),
    OpmlFeed("https://toplevel.example.com/rss", "Top-level feed"),
]


def load(name: str) -> bytes:
    return (DATA / name).read_bytes()


@pytest.fixture(params=["defusedxml", "lxml"])
def backend(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    if request.param == "defusedxml":
        pytest.importorskip("defusedxml")
    else:
        monkeypatch.setattr(opml, "_defused_fromstring", None)
    return request.param


def test_nested_outlines_case_insensitive_attrs_dedupe(backend: str) -> None:
    assert parse_opml(load("nested.opml"), limit=50) == EXPECTED


def test_limit_keeps_the_first_feeds(backend: str) -> None:
    assert parse_opml(load("nested.opml"), limit=2) == EXPECTED[:2]


@pytest.mark.parametrize("name", ["billion_laughs.opml", "xxe.opml"])
def test_entity_tricks_are_refused(backend: str, name: str) -> None:
    with pytest.raises(OpmlError):
        parse_opml(load(name), limit=50)


@pytest.mark.parametrize("name", ["billion_laughs.opml", "xxe.opml"])
def test_parsers_themselves_refuse_entities(name: str) -> None:
    """Without the cheap pre-check, each backend still refuses to expand anything."""
    pytest.importorskip("defusedxml")
    from defusedxml import DefusedXmlException

    with pytest.raises(DefusedXmlException):
        opml._parse_defused(load(name))
    with pytest.raises(Exception) as caught:  # lxml: a syntax error, or our OpmlError
        opml._parse_lxml(load(name))
    assert "lol" * 100 not in str(caught.value)


@pytest.mark.parametrize(
    "data",
    [b"", b"not xml", b"<html><body/></html>", b"<opml><body><outline", b"\xff\xfe<"],
)
def test_not_opml(data: bytes) -> None:
    with pytest.raises(OpmlError):
        parse_opml(data, limit=10)


def test_too_large() -> None:
    with pytest.raises(OpmlError, match="too large"):
        parse_opml(b" " * (opml.MAX_OPML_BYTES + 1), limit=10)


def test_export_round_trips_and_escapes() -> None:
    feeds = [
        OpmlFeed("https://a.example/feed?x=1&y=2", 'A & "B" <c>\x01'),
        OpmlFeed("https://b.example/rss", ""),
    ]
    data = export_opml(feeds, "My <feeds>")
    assert data.startswith(b"<?xml") and b"<c>" not in data
    assert parse_opml(data, limit=10) == [
        OpmlFeed("https://a.example/feed?x=1&y=2", 'A & "B" <c>'),
        OpmlFeed("https://b.example/rss", "https://b.example/rss"),
    ]

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


def test_nested_outlines_case_insensitive_attrs_dedupe() -> None:
    assert parse_opml(load("nested.opml"), limit=50) == EXPECTED


def test_limit_keeps_the_first_feeds() -> None:
    assert parse_opml(load("nested.opml"), limit=2) == EXPECTED[:2]


@pytest.mark.parametrize("name", ["billion_laughs.opml", "xxe.opml"])
def test_entity_tricks_are_refused(name: str) -> None:
    with pytest.raises(OpmlError):
        parse_opml(load(name), limit=50)


@pytest.mark.parametrize("name", ["billion_laughs.opml", "xxe.opml"])
def test_parser_itself_refuses_entities(name: str) -> None:
    """Without the cheap pre-check, the parser still refuses to expand anything."""
    from defusedxml import DefusedXmlException

    with pytest.raises(DefusedXmlException):
        opml._parse_xml(load(name))


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

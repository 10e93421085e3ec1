"""OPML import/export for subscription lists.

Imports are untrusted XML: parsed with defusedxml, which refuses entity declarations, external
entities and DTD tricks, so XXE and "billion laughs" never expand.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as defused_fromstring

from bot.digest.feeds import identity
from bot.errors import NewsbotError, boundary
from bot.text.clean import clean_text

MAX_OPML_BYTES = 2 * 1024 * 1024
MAX_TITLE_CHARS = 200
_ENTITIES = "This OPML file declares XML entities, which I don't accept."
_NOT_XML = "That file isn't valid OPML (XML)."
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


class OpmlError(NewsbotError, ValueError):
    """The file is not an OPML subscription list we accept; the message is user-facing."""

    code = "opml"


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    url: str
    title: str


def _parse_xml(data: bytes) -> Any:
    return defused_fromstring(data, forbid_dtd=False, forbid_entities=True, forbid_external=True)


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


@boundary(OpmlError, _NOT_XML, code="opml")
def parse_opml(data: bytes, *, limit: int) -> list[OpmlFeed]:
    """The feeds of an OPML file (nested folders included), at most ``limit``, in file order.

    Attribute names are matched case-insensitively (``xmlUrl``, ``xmlurl``…); only http(s) feed
    URLs are kept, deduplicated by URL identity. Raises OpmlError for anything that isn't OPML.
    """
    if len(data) > MAX_OPML_BYTES:
        raise OpmlError("This OPML file is too large.")
    if b"<!ENTITY" in data:  # cheap early answer; the parser refuses them regardless
        raise OpmlError(_ENTITIES)
    try:
        root = _parse_xml(data)
    except DefusedXmlException:
        raise OpmlError(_ENTITIES) from None
    except Exception:  # ParseError and friends: all mean "not valid XML"
        raise OpmlError(_NOT_XML) from None
    if _local(root.tag) != "opml":
        raise OpmlError("That file isn't OPML: it has no <opml> root element.")
    feeds: dict[str, OpmlFeed] = {}
    for node in root.iter():
        if len(feeds) >= limit:
            break
        if _local(node.tag) != "outline":
            continue
        attrs = {str(k).rsplit("}", 1)[-1].lower(): v for k, v in node.attrib.items()}
        url = (attrs.get("xmlurl") or "").strip()
        ident = identity(url) if url.lower().startswith(("http://", "https://")) else None
        if ident is None or ident in feeds:
            continue
        title = clean_text(attrs.get("title") or attrs.get("text") or "")[:MAX_TITLE_CHARS]
        feeds[ident] = OpmlFeed(url=url, title=title)
    return list(feeds.values())


def _xml_text(text: str) -> str:
    return _XML_ILLEGAL.sub("", text)


def export_opml(feeds: list[OpmlFeed], title: str) -> bytes:
    """An OPML 2.0 document (UTF-8 bytes) listing ``feeds``, readable by every feed reader."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = _xml_text(title)
    body = ET.SubElement(root, "body")
    for feed in feeds:
        name = _xml_text(feed.title or feed.url)
        ET.SubElement(body, "outline", type="rss", text=name, title=name, xmlUrl=_xml_text(feed.url))
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True) + b"\n"

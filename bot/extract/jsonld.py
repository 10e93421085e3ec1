"""JSON-LD: the schema.org article node publishers embed for search engines.

It supplies metadata (headline, dates, authors, language, paywall flag) and, through
``articleBody``, a fallback text when the HTML itself is a JavaScript shell.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import lxml.html
from lxml import etree

MAX_JSON_LD_CHARS = 1_000_000
_TAG = re.compile(r"<[^>]*>")
_SURROGATE = re.compile("[\ud800-\udfff]")  # "\\ud800" escapes in JSON: lxml silently drops the whole text
ARTICLE_TYPES = frozenset(
    {
        "Article",
        "NewsArticle",
        "ReportageNewsArticle",
        "AnalysisNewsArticle",
        "OpinionNewsArticle",
        "BackgroundNewsArticle",
        "ReviewNewsArticle",
        "BlogPosting",
        "Report",
    }
)


def json_ld_articles(tree: lxml.html.HtmlElement) -> Iterator[dict[str, Any]]:
    """Every article node in the page's ld+json scripts, in document order."""
    scripts = tree.xpath("//script[contains(translate(@type, 'LDJSON', 'ldjson'), 'ld+json')]")
    for script in scripts[:20]:
        raw = (script.text or "").strip()
        if not raw or len(raw) > MAX_JSON_LD_CHARS:
            continue
        raw = raw.removeprefix("<!--").removesuffix("-->").strip()
        try:
            data = json.loads(raw, strict=False)  # strict=False: raw newlines inside strings
        except ValueError:
            continue
        yield from _article_nodes(data, depth=0)


def _article_nodes(data: Any, depth: int) -> Iterator[dict[str, Any]]:
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data[:50]:
            yield from _article_nodes(item, depth + 1)
    elif isinstance(data, dict):
        types = data.get("@type")
        types = {types} if isinstance(types, str) else set(types or [])
        if types & ARTICLE_TYPES:
            yield data
        if "@graph" in data:
            yield from _article_nodes(data["@graph"], depth + 1)


def first_str(value: Any) -> str | None:
    """A JSON-LD value as one string: the first of a list, the name (or @id) of a node."""
    if isinstance(value, list):
        value = value[0] if value else None
    if isinstance(value, dict):
        value = value.get("name") or value.get("@id")
    return value.strip() if isinstance(value, str) and value.strip() else None


def ld_names(value: Any) -> str | None:
    """Names of one or several people/organisations, comma-separated."""
    items = value if isinstance(value, list) else [value]
    names = [name for item in items[:10] if (name := first_str(item))]
    return ", ".join(dict.fromkeys(names)) or None


def ld_paragraphs(ld: dict[str, Any]) -> list[str]:
    """articleBody split into paragraphs (some sites put HTML in it)."""
    body = ld.get("articleBody")
    if isinstance(body, list):
        body = "\n".join(str(part) for part in body)
    if not isinstance(body, str):
        return []
    body = _SURROGATE.sub("", body)
    if "<" in body and ">" in body:
        try:
            body = "\n".join(lxml.html.fragment_fromstring(body, create_parent="div").itertext())
        except (ValueError, etree.LxmlError):  # NUL bytes, lone surrogates: lxml takes only XML-safe text
            body = _TAG.sub("\n", body)
    return [p for p in re.split(r"\s*\n\s*", body) if p.strip()]

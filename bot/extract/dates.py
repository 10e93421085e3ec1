"""The publication date a page shows its readers, in the page's own language.

Publishers that give no machine-readable date still print one near the headline ("Publié le
26 août 2024", "3. März 2023"); trafilatura's date finder misses localized month names and then
falls back to a bare year, which it reports as 1 January. We read the elements the page marks as
a date (``<time>``, or a class/id/itemprop naming a date) and parse their text with dateparser
(which trafilatura already installs) in the page's language.
"""

from __future__ import annotations

import re
from datetime import date

import lxml.html
from lxml import etree

__all__ = ["MIN_YEAR", "date_texts", "iso_date", "localized_date"]

MIN_YEAR = 1990  # older "publication dates" are placeholders, not the web article's date
MAX_TEXTS = 6
MAX_CHARS = 80  # a date line, not a paragraph that happens to sit in a "date" box
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}", re.ASCII)
_DATE_HINT = etree.XPath(
    "//body//time | //body//*[re:test(@class|@id|@itemprop, 'date|publi|posted|timestamp', 'i')]",
    namespaces={"re": "http://exslt.org/regular-expressions"},
)


def date_texts(tree: lxml.html.HtmlElement) -> list[str]:
    """What the page marks as its date: ``<time datetime>`` values first, then short texts of
    date-like elements, in page order."""
    attrs, texts = [], []
    for node in _DATE_HINT(tree):
        if node.get("datetime"):
            attrs.append(node.get("datetime").strip())
        text = " ".join(node.text_content().split())
        if text and len(text) <= MAX_CHARS:
            texts.append(text)
    return list(dict.fromkeys(attrs + texts))[:MAX_TEXTS]


def iso_date(value: str) -> str | None:
    """``value``'s YYYY-MM-DD if it starts with a plausible ISO date: not the "0001-01-01" of an
    empty CMS field, not in the future."""
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        return None
    return value[:10] if MIN_YEAR <= int(value[:4]) <= date.today().year + 1 else None


def localized_date(texts: list[str], language: str | None) -> str | None:
    """The first full date (day, month and year) in ``texts``, read in ``language``."""
    for text in texts:
        found = iso_date(text) or _parse(text, language)
        if found:
            return found
    return None


def _parse(text: str, language: str | None) -> str | None:
    from dateparser.search import search_dates  # slow to import: only pages that need it pay

    settings = {"REQUIRE_PARTS": ["day", "month", "year"], "PREFER_DATES_FROM": "past"}
    try:
        found = search_dates(text, languages=[language] if language else None, settings=settings)
    except Exception:  # a shown date is a nicety: odd text must never cost the article
        return None
    for _phrase, when in found or []:
        iso = iso_date(when.date().isoformat())
        if iso:
            return iso
    return None

"""Step 6: the article's byline, date and site name. trafilatura's answer comes first where it
is usually right, the page's JSON-LD and meta tags where they are."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from bot.extract.jsonld import first_str, ld_names
from bot.extract.page import Page
from bot.text.clean import clean_text

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def title_of(extracted: dict[str, Any], page: Page) -> str:
    return clean_text(extracted.get("title") or first_str(page.ld.get("headline")) or page.meta.get("og:title") or "")


def published_of(extracted: dict[str, Any], page: Page) -> str | None:
    """The publication date as YYYY-MM-DD, from the first source that gives an ISO date."""
    candidates = (
        first_str(page.ld.get("datePublished")),
        page.meta.get("article:published_time"),
        extracted.get("date"),
    )
    return next((value[:10] for value in candidates if value and _ISO_DATE.match(value)), None)


def site_of(extracted: dict[str, Any], page: Page) -> str | None:
    site = (
        extracted.get("sitename")
        or page.meta.get("og:site_name")
        or first_str(page.ld.get("publisher"))
        or urlsplit(page.base_url).hostname
    )
    return (clean_text(site) or None) if site else None


def author_of(extracted: dict[str, Any], page: Page) -> str | None:
    author = extracted.get("author") or ld_names(page.ld.get("author"))
    return (clean_text(author) or None) if author else None

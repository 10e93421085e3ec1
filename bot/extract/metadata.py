"""Step 6: the article's byline, date and site name. trafilatura's answer comes first where it
is usually right, the page's JSON-LD and meta tags where they are."""

from __future__ import annotations

import re
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from bot.extract.jsonld import first_str, ld_names
from bot.extract.page import Page
from bot.extract.titles import clean_title
from bot.text.clean import clean_text

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
MIN_YEAR = 1990  # older "publication dates" are placeholders, not the web article's date


def title_of(extracted: dict[str, Any], page: Page) -> str:
    """The headline without the site's branding; "" when the page only names the site."""
    candidates = (extracted.get("title"), first_str(page.ld.get("headline")), page.meta.get("og:title"))
    sites = (page.meta.get("og:site_name"), first_str(page.ld.get("publisher")), extracted.get("sitename"))
    return clean_title(
        (clean_text(c) for c in candidates if c),
        h1=clean_text(page.h1),
        site_names=(clean_text(s) for s in sites if s),
        host=urlsplit(page.base_url).hostname,
    )


def published_of(extracted: dict[str, Any], page: Page) -> str | None:
    """The publication date as YYYY-MM-DD, from the first source that gives an ISO date."""
    candidates = (
        first_str(page.ld.get("datePublished")),
        page.meta.get("article:published_time"),
        extracted.get("date"),
    )
    return next((value[:10] for value in candidates if value and _plausible(value)), None)


def _plausible(value: str) -> bool:
    """An ISO date a news page can have: not the "0001-01-01" of an empty CMS field."""
    return bool(_ISO_DATE.match(value)) and MIN_YEAR <= int(value[:4]) <= date.today().year + 1


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

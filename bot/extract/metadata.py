"""Step 6: the article's byline, date and site name. trafilatura's answer comes first where it
is usually right, the page's JSON-LD and meta tags where they are."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from bot.extract.dates import iso_date, localized_date
from bot.extract.jsonld import first_str, ld_names
from bot.extract.page import Page
from bot.extract.titles import clean_title
from bot.text.clean import clean_text


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
    """The publication date as YYYY-MM-DD: what the page declares (JSON-LD, meta), else the date
    it shows, read in its language, else trafilatura's guess unless that is a bare year."""
    for value in (first_str(page.ld.get("datePublished")), page.meta.get("article:published_time")):
        if value and iso_date(value):
            return iso_date(value)
    shown = localized_date(page.date_texts, page.language)
    if shown:
        return shown
    guess = iso_date(extracted.get("date") or "")
    # htmldate reports a page where it found only a year as 1 January of that year.
    return guess if guess and not guess.endswith("-01-01") else None


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

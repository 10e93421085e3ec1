"""Step 2: what the page says about itself, read before anything is removed from it.

Meta tags, the JSON-LD article node, language, a canonical URL we can trust, and the visible
text and markup signals that later explain a page without an article (walls.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin

import lxml.html

from bot.errors import FetchError
from bot.extract.cleanup import visible_text
from bot.extract.dates import date_texts
from bot.extract.jsonld import first_str, json_ld_articles
from bot.net.sites import site
from bot.net.urls import parse_user_url
from bot.text.clean import clean_text

_LANG = re.compile(r"[a-z]{2,3}")


@dataclass
class Page:
    base_url: str
    language: str | None = None
    canonical: str | None = None
    meta: dict[str, str] = field(default_factory=dict)  # og:*, article:*, name=... (lowercase)
    ld: dict[str, Any] = field(default_factory=dict)  # the first JSON-LD article node
    h1: str = ""  # the first top-level heading of the body
    visible: str = ""  # the page's visible text (before hidden-stripping), for wall detection
    noscript: str = ""
    scripts: int = 0
    password_inputs: int = 0
    dom_markers: str = ""  # class and id tokens, for paywall markers
    date_texts: list[str] = field(default_factory=list)  # what the page marks as its date


def read_page(tree: lxml.html.HtmlElement, base_url: str) -> Page:
    page = Page(base_url=base_url)
    for node in tree.iter("meta"):
        key = (node.get("property") or node.get("name") or node.get("http-equiv") or "").lower()
        content = node.get("content")
        if key and content and key not in page.meta:
            page.meta[key] = content.strip()
    page.ld = next(json_ld_articles(tree), {})
    page.language = (
        lang_code(tree.get("lang") or tree.get("{http://www.w3.org/XML/1998/namespace}lang"))
        or lang_code(page.meta.get("og:locale"))
        or lang_code(page.meta.get("content-language"))
        or lang_code(first_str(page.ld.get("inLanguage")))
    )
    page.canonical = _canonical(tree, page.meta, base_url)
    page.h1 = next((clean_text(h.text_content()) for h in tree.iterfind(".//body//h1")), "")[:500]
    page.visible = clean_text(" ".join(visible_text(tree)))[:50_000]
    page.noscript = clean_text(" ".join(t for n in tree.iter("noscript") for t in n.itertext()))
    page.scripts = sum(1 for _ in tree.iter("script"))
    page.password_inputs = len(tree.xpath("//input[@type='password']"))
    page.dom_markers = " ".join(tree.xpath("//@class | //@id")).lower()[:200_000]
    page.date_texts = date_texts(tree)
    return page


def lang_code(value: str | None) -> str | None:
    """'en-GB' / 'en_SG' / 'EN' -> 'en'; anything else -> None."""
    if not value:
        return None
    primary = re.split(r"[-_]", value.strip().lower(), maxsplit=1)[0]
    return primary if _LANG.fullmatch(primary) else None


def _canonical(tree: lxml.html.HtmlElement, meta: dict[str, str], base_url: str) -> str | None:
    hrefs = [link.get("href") for link in tree.iter("link") if "canonical" in (link.get("rel") or "").lower().split()]
    for href in [*hrefs, meta.get("og:url")]:
        if not href:
            continue
        try:
            # Same validation as user links: a page must not hand us javascript: or internal URLs
            # as "the original". Fetching it later still goes through the Fetcher's guard.
            candidate = parse_user_url(urljoin(base_url, href.strip()))
        except FetchError:
            continue
        # The page chooses this value. A canonical on another site would let evil.example pass its
        # text off as bbc.com's ("original: bbc.com/…"), and the pipeline caches articles under
        # the canonical URL's key too, so it could plant content for someone else's link.
        if site(candidate) == site(base_url):
            return candidate
    return None

"""The article's own headline, without the site's branding.

Pages brand their ``<title>`` (and often og:title and the JSON-LD headline): "Story - Site",
"Site | Tagline: Story". What the site calls itself comes from og:site_name, the JSON-LD
publisher and the host name; the story's own words from the ``<h1>`` when the title contains it.
A title that is nothing but the site's name is no headline at all: the caller then has none.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["clean_title"]

# Separators between a headline and branding: spaced dashes, pipes, double colons, middle dots.
_SEPARATOR = re.compile(r"\s+(?:\||[-–—]{1,2}|::|·|»)\s+")
_MIN_H1_WORDS = 3


def _key(text: str) -> str:
    return re.sub(r"[\W_]+", "", text.casefold())


def _is_site(part: str, sites: set[str]) -> bool:
    return _key(part) in sites


def _site_keys(site_names: Iterable[str | None], host: str | None) -> set[str]:
    keys = {_key(name) for name in site_names if name}
    if host:
        host = host.lower().removeprefix("www.")
        keys.add(_key(host))  # "IGN.com"
        labels = host.split(".")
        keys.add(_key(labels[0]))  # "ign.com" -> "ign"
        if len(labels) > 1:
            keys.add(_key("".join(labels[:-1])))  # "harbour-gazette.co" -> "harbourgazette"
    return {k for k in keys if k}


def _unbranded(title: str, sites: set[str]) -> str:
    parts = _SEPARATOR.split(title)
    while len(parts) > 1 and _is_site(parts[-1], sites):
        parts.pop()
    while len(parts) > 1 and _is_site(parts[0], sites):
        parts.pop(0)
    separators = _SEPARATOR.findall(title)
    if len(parts) == len(separators) + 1:
        return title  # nothing was branding
    # Rejoin what is left with the separators it had (a headline may contain " - " itself).
    start = title.find(parts[0])
    end = title.rfind(parts[-1]) + len(parts[-1])
    kept = title[start:end] if start >= 0 and end > start else " ".join(parts)
    return "" if _is_site(kept, sites) else kept


def clean_title(
    candidates: Iterable[str | None], *, h1: str | None, site_names: Iterable[str | None], host: str | None
) -> str:
    """The first of ``candidates`` (title, JSON-LD headline, og:title…) that is more than the
    site's name, with the branding taken off; "" when none is."""
    sites = _site_keys(site_names, host)
    h1_text = (h1 or "").strip()
    h1_ok = len(h1_text.split()) >= _MIN_H1_WORDS and not _is_site(h1_text, sites)
    for raw in candidates:
        title = (raw or "").strip()
        if not title:
            continue
        if h1_ok and h1_text.casefold() in title.casefold() and h1_text.casefold() != title.casefold():
            return h1_text  # "Site | Tagline: Story" with <h1>Story</h1>
        cleaned = _unbranded(title, sites)
        if cleaned and not _is_site(cleaned, sites):
            return cleaned
    return h1_text if h1_ok else ""

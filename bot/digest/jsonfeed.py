"""JSON Feed 1.0/1.1 (https://jsonfeed.org/version/1.1), which feedparser 6 does not read."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

# (link, guid, title, summary, published): the fields of bot.digest.feeds.RawEntry
Entry = tuple[str | None, str | None, str | None, str | None, datetime | None]

VERSION_PREFIX = "https://jsonfeed.org/version/"


def looks_like_json(body: bytes, content_type: str | None) -> bool:
    mime = (content_type or "").split(";")[0].strip().lower()
    if mime in ("application/feed+json", "application/json"):
        return True
    return body.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"{"


def _date(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
        # 9999-12-31T23:59-05:00 is past datetime.max in UTC: OverflowError
        return parsed.astimezone(UTC) if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    except (ValueError, OverflowError):
        return None


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def parse_json_feed(body: bytes, max_items: int) -> tuple[dict[str, Any], list[Entry]] | None:
    """(feed metadata, entries), or None when the body is not a JSON Feed."""
    try:
        data = json.loads(body.decode("utf-8-sig", errors="replace"))
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith(VERSION_PREFIX):
        return None
    items = data.get("items")
    entries: list[Entry] = []
    for raw in items[:max_items] if isinstance(items, list) else []:
        if not isinstance(raw, dict):
            continue
        summary = _str(raw.get("summary")) or _str(raw.get("content_html"))
        summary = summary or _str(raw.get("content_text"))
        guid = raw.get("id")
        entries.append(
            (
                _str(raw.get("url")) or _str(raw.get("external_url")),
                str(guid) if isinstance(guid, str | int) else None,
                _str(raw.get("title")),
                summary,
                _date(raw.get("date_published") or raw.get("date_modified")),
            )
        )
    meta = {"title": _str(data.get("title")), "link": _str(data.get("home_page_url"))}
    return meta, entries

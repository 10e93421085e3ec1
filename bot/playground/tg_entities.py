"""Entities Telegram itself finds in text (urls, emails, mentions, commands, hashtags), with UTF-16
offsets, and the trimming it applies to every message."""

from __future__ import annotations

import re
from typing import Any

from bot.playground.tg_html import u16len

# Entity detection in incoming text (what Telegram adds to messages users send)

_TLDS = (
    "com|org|net|io|ai|app|dev|info|biz|news|blog|co|me|tv|us|uk|de|fr|es|it|nl|ru|jp|cn|in|br|"
    "au|ca|ch|se|no|fi|pl|eu|edu|gov|mil|int|ly|gl|be|at|cz|ua|kr|tw|hk|sg|nz|za|mx|ar|ir|tr|"
    "xyz|online|site|tech|store|top|world|today|media|press|global|page|link|club|live"
)
_WORD = r"[^\W_]"  # letter or digit
_URL_RE = re.compile(
    r"(?<![\w@./-])"
    r"(?:(?:https?|ftp)://(?:[\w-]+(?::[^\s@/]*)?@)?"
    r"(?:localhost|\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]|(?:[\w-]+\.)+[\w-]{2,})"
    rf"|(?:{_WORD}[\w-]*\.)+(?:{_TLDS})(?![\w-]))"
    r"(?::\d{1,5})?"
    r"(?:[/?#][^\s<>\"]*)?",
    re.IGNORECASE,
)
_EMAIL_RE = re.compile(r"(?<![\w.+-])[\w.+-]+@(?:[\w-]+\.)+[a-z]{2,}(?![\w-])", re.IGNORECASE)
_MENTION_RE = re.compile(r"(?<!\w)@([A-Za-z0-9_]{2,32})(?!\w)")
_COMMAND_RE = re.compile(r"(?<![\w/<>])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/<>])")
_HASHTAG_RE = re.compile(r"(?<![\w#])#(?=\w*[^\W\d_])\w{1,256}(?![\w#])")
_TRAILING = ".,;:!?'\"»…"


def _trim_url(url: str) -> str:
    while url:
        if url[-1] in _TRAILING:
            url = url[:-1]
        elif url[-1] == ")" and url.count("(") < url.count(")"):
            url = url[:-1]
        elif url[-1] == "]" and url.count("[") < url.count("]"):
            url = url[:-1]
        else:
            break
    return url


def detect_entities(text: str) -> list[dict[str, Any]]:
    """Entities Telegram attaches to text a user sends: url, email, mention, hashtag, bot_command.

    Offsets and lengths are in UTF-16 code units.
    """
    spans: list[tuple[int, int, str]] = []  # (start, end, type) in str indices

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e, _ in spans)

    for m in _EMAIL_RE.finditer(text):
        spans.append((m.start(), m.end(), "email"))
    for m in _URL_RE.finditer(text):
        url = _trim_url(m.group(0))
        start, end = m.start(), m.start() + len(url)
        if url and free(start, end):
            spans.append((start, end, "url"))
    for regex, kind in ((_COMMAND_RE, "bot_command"), (_MENTION_RE, "mention"), (_HASHTAG_RE, "hashtag")):
        for m in regex.finditer(text):
            if free(m.start(), m.end()):
                spans.append((m.start(), m.end(), kind))
    spans.sort()
    return [
        {"type": kind, "offset": u16len(text[:start]), "length": u16len(text[start:end])} for start, end, kind in spans
    ]


def merge_entities(detected: list[dict[str, Any]], given: list[dict[str, Any]] | None) -> list[dict[str, Any]]:
    """Given entities win; detected ones overlapping a given one are dropped."""
    given = [dict(e) for e in (given or [])]
    result = list(given)
    for ent in detected:
        a, b = ent["offset"], ent["offset"] + ent["length"]
        if all(b <= g["offset"] or a >= g["offset"] + g["length"] for g in given):
            result.append(ent)
    result.sort(key=lambda e: (e["offset"], -e["length"]))
    return result


def entity(text: str, substring: str, type: str = "text_link", occurrence: int = 0, **extra: Any) -> dict:
    """Build an entity covering ``substring`` of ``text`` with correct UTF-16 offset/length.

    >>> entity("see here", "here", url="https://x.y/")
    {'type': 'text_link', 'offset': 4, 'length': 4, 'url': 'https://x.y/'}
    """
    start = -1
    for _ in range(occurrence + 1):
        start = text.index(substring, start + 1)
    return {"type": type, "offset": u16len(text[:start]), "length": u16len(substring), **extra}


def strip_text(plain: str, entities: list[dict[str, Any]]) -> tuple[str, list[dict[str, Any]]]:
    """Telegram trims leading/trailing whitespace of a message; shift/clip entities accordingly."""
    stripped_left = plain.lstrip()
    lead = u16len(plain) - u16len(stripped_left)
    result = stripped_left.rstrip()
    total = u16len(result)
    fixed = []
    for ent in entities:
        start = max(ent["offset"] - lead, 0)
        end = min(ent["offset"] + ent["length"] - lead, total)
        if end > start:
            fixed.append({**ent, "offset": start, "length": end - start})
    return result, fixed

"""Wall-clock times as people type them ("8", "08:00", "7pm"): used by settings and /digest_time."""

from __future__ import annotations

import re
from datetime import time

TIME_HELP = "Send the time as HH:MM on a 24-hour clock, e.g. 08:00 or 19:30."

_HHMM = re.compile(r"(\d{1,2})(?:\s*[:.hH]\s*(\d{2}))?\s*(am|pm|a\.m\.|p\.m\.)?")
_HHMM_COMPACT = re.compile(r"(\d{2})(\d{2})")


def parse_hhmm(text: str) -> time:
    """A wall-clock time from what people type: "8", "08:00", "8.30", "0830", "7pm", "7:30 am"."""
    raw = text.strip().lower()
    match = _HHMM.fullmatch(raw) or _HHMM_COMPACT.fullmatch(raw)
    if not match:
        raise ValueError(f"I couldn't read “{text.strip()[:20]}” as a time. {TIME_HELP}")
    hour, minute = int(match.group(1)), int(match.group(2) or 0)
    suffix = match.group(3) if match.re is _HHMM else None
    if suffix:
        if not 1 <= hour <= 12:
            raise ValueError(f"With am/pm the hour must be 1-12. {TIME_HELP}")
        hour = hour % 12 + (12 if suffix.startswith("p") else 0)
    if hour > 23 or minute > 59:
        raise ValueError(f"“{text.strip()[:20]}” isn't a valid time of day. {TIME_HELP}")
    return time(hour, minute)

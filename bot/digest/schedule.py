"""When a chat's daily digest is due: pure, DST-correct functions over zoneinfo.

A chat picks a local wall-clock time ("08:00") and a time zone. Each local calendar day has
exactly one slot:

* on a spring-forward day a time inside the gap (02:30 in Europe/Berlin on 2026-03-29) does not
  exist; the slot is the first valid instant after it (03:00 local, the moment clocks jump);
* on a fall-back day a time inside the overlap (01:30 in America/New_York on 2026-11-01) happens
  twice; the slot is the first occurrence.

``is_due`` is true from the slot until the digest is recorded for that local day, so a digest
missed during downtime is still sent later the same day, and never twice in one local day.
"""

from __future__ import annotations

import difflib
import re
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

ZONE_HELP = "Send a zone name like Europe/Berlin, America/New_York or UTC."
_REGIONS = (
    "Africa/", "America/", "Antarctica/", "Arctic/", "Asia/", "Atlantic/", "Australia/",
    "Europe/", "Indian/", "Pacific/",
)  # fmt: skip
_NOT_ZONES = frozenset({"Factory", "localtime", "posixrules"})
_UTC_NAMES = frozenset({"utc", "gmt", "z", "zulu", "utc0", "gmt0", "etc/utc", "etc/gmt", "uct"})
_OFFSET = re.compile(r"(?:utc|gmt)?\s*([+-])\s*(\d{1,2})(?::?00)?")


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("expected an aware datetime (UTC)")


def local_day(now_utc: datetime, tz: ZoneInfo) -> date:
    """The calendar date at ``now_utc`` in ``tz``."""
    _require_aware(now_utc)
    return now_utc.astimezone(tz).date()


def _gap_end(before: datetime, after: datetime, tz: ZoneInfo) -> datetime:
    """The instant the offset changes between two UTC instants (a DST transition), to the second."""
    offset = before.astimezone(tz).utcoffset()
    low, high = 0, int((after - before).total_seconds())
    while low < high:  # first second whose offset differs from the one at ``before``
        mid = (low + high) // 2
        if (before + timedelta(seconds=mid)).astimezone(tz).utcoffset() == offset:
            low = mid + 1
        else:
            high = mid
    return before + timedelta(seconds=low)


def digest_due_at(day: date, at: time, tz: ZoneInfo) -> datetime:
    """The UTC instant of the digest slot for local ``day`` at wall time ``at`` in ``tz``."""
    wall = datetime.combine(day, at.replace(tzinfo=None, fold=0))
    first = wall.replace(tzinfo=tz, fold=0).astimezone(UTC)  # first occurrence when ambiguous
    if first.astimezone(tz).replace(tzinfo=None) == wall:
        return first
    # ``wall`` falls into a gap: both folds map to real instants on either side of the jump;
    # the first valid local time after the missing one is the moment of the jump itself.
    other = wall.replace(tzinfo=tz, fold=1).astimezone(UTC)
    return _gap_end(min(first, other), max(first, other), tz)


def is_due(now_utc: datetime, at: time, tz: ZoneInfo, last_sent_day: date | None) -> bool:
    """True when today's (local) slot has passed and no digest was recorded for today yet."""
    today = local_day(now_utc, tz)
    if last_sent_day is not None and last_sent_day >= today:
        return False
    return now_utc >= digest_due_at(today, at, tz)


def slot_passed_today(now_utc: datetime, at: time, tz: ZoneInfo, settled_day: date | None) -> date | None:
    """The local day to skip when the schedule changes to (``at``, ``tz``) at ``now_utc``: today,
    when its new slot is already over and today's digest has not gone out; else None. A change never
    fires a digest at once: a time that has passed today means tomorrow."""
    today = local_day(now_utc, tz)
    if settled_day is not None and settled_day >= today:
        return None
    return today if now_utc >= digest_due_at(today, at, tz) else None


def next_due_at(now_utc: datetime, at: time, tz: ZoneInfo, last_sent_day: date | None) -> datetime:
    """When the next digest should go out (UTC); at or before ``now_utc`` means "due now"."""
    today = local_day(now_utc, tz)
    if last_sent_day is not None and last_sent_day >= today:
        return digest_due_at(today + timedelta(days=1), at, tz)
    return digest_due_at(today, at, tz)


@lru_cache(maxsize=1)
def _zone_index() -> tuple[dict[str, str], dict[str, list[str]]]:
    """(lower-case name -> name, lower-case city -> names), regional zones first."""
    names = sorted(available_timezones() - _NOT_ZONES, key=lambda n: (not n.startswith(_REGIONS), n))
    by_name = {name.lower(): name for name in names}
    by_city: dict[str, list[str]] = {}
    for name in names:
        if name.startswith(_REGIONS):
            city = name.rsplit("/", 1)[-1].lower()
            by_city.setdefault(city, []).append(name)
    return by_name, by_city


def _fixed_offset(text: str) -> str | None:
    match = _OFFSET.fullmatch(text)
    if not match or int(match.group(2)) > 14:
        return None
    hours = int(match.group(2))
    if hours == 0:
        return "UTC"
    # POSIX-style Etc zones have inverted signs: UTC+3 is Etc/GMT-3.
    return f"Etc/GMT{'-' if match.group(1) == '+' else '+'}{hours}"


def zone_label(key: str) -> str:
    """A zone name as people read it: POSIX-style "Etc/GMT-3" is shown as "UTC+03:00"."""
    match = re.fullmatch(r"Etc/GMT([+-])(\d{1,2})", key)
    if not match:
        return key
    sign = "-" if match.group(1) == "+" else "+"  # Etc zones invert the sign
    return f"UTC{sign}{int(match.group(2)):02d}:00"


def offset_label(zone: ZoneInfo, at: datetime) -> str:
    """The zone's offset from UTC at ``at``, as "UTC+01:00" (DST included)."""
    offset = at.astimezone(zone).utcoffset() or timedelta(0)
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def zone_with_offset(key: str, at: datetime) -> str:
    """A zone as a confirmation shows it: "Europe/Berlin (UTC+01:00)"; a fixed offset just "UTC+03:00"."""
    label = zone_label(key)
    if label.startswith("UTC"):
        return label
    try:
        return f"{label} ({offset_label(ZoneInfo(key), at)})"
    except (ValueError, KeyError):
        return label


def resolve_timezone(name: str) -> ZoneInfo:
    """A ZoneInfo from a user's text: "Europe/Berlin", "europe/berlin", "Berlin", "new york",
    "UTC", "GMT", "UTC+3". Raises ValueError with the closest names as suggestions."""
    text = " ".join(name.strip().split())
    lowered = text.lower()
    if not text:
        raise ValueError(ZONE_HELP)
    if lowered in _UTC_NAMES:
        return ZoneInfo("UTC")
    offset_zone = _fixed_offset(lowered)
    if offset_zone:
        return ZoneInfo(offset_zone)
    by_name, by_city = _zone_index()
    key = lowered.replace(" ", "_")
    if key in by_name:
        return ZoneInfo(by_name[key])
    cities = by_city.get(key, [])
    if len(cities) == 1:
        return ZoneInfo(cities[0])
    suggestions = cities or _suggest(key, by_name, by_city)
    if suggestions:
        raise ValueError(f"Unknown time zone “{text[:40]}”. Did you mean {', '.join(suggestions)}?")
    raise ValueError(f"Unknown time zone “{text[:40]}”. {ZONE_HELP}")


def _suggest(key: str, by_name: dict[str, str], by_city: dict[str, list[str]]) -> list[str]:
    found: list[str] = []
    for match in difflib.get_close_matches(key, list(by_name), n=3, cutoff=0.6):
        found.append(by_name[match])
    for city in difflib.get_close_matches(key, list(by_city), n=3, cutoff=0.6):
        found.extend(by_city[city])
    return list(dict.fromkeys(found))[:3]

"""When a followed story is checked next, and when a follower may be pinged.

Checks: every 5 minutes in the story's first hour (breaking news moves fast), every 15 minutes
until it is 6 hours old, then hourly; never after FOLLOW_STOP_HOURS (72 h by default), nor once
FOLLOW_IDLE_HOURS (24 h) passed without a material change. Ages count from the first follow.

Night: a chat that set a digest time zone gets no update between 22:00 and 07:00 local time
(unless it opted in); what changed meanwhile goes out as one message at 07:00.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

STEPS: tuple[tuple[timedelta, timedelta], ...] = (
    (timedelta(hours=1), timedelta(minutes=5)),  # (age below, interval)
    (timedelta(hours=6), timedelta(minutes=15)),
)
LATE_INTERVAL = timedelta(hours=1)
NIGHT_START = time(22, 0)
NIGHT_END = time(7, 0)


def interval_at(age: timedelta) -> timedelta:
    for below, interval in STEPS:
        if age < below:
            return interval
    return LATE_INTERVAL


def next_check(started: datetime, last_change: datetime | None, now: datetime, *, stop_after: timedelta,
               idle_after: timedelta) -> datetime | None:  # fmt: skip
    """The next check of a story first followed at ``started``; None when checking is over."""
    age = now - started
    if age >= stop_after or now - max(started, last_change or started) >= idle_after:
        return None
    return now + interval_at(age)


def checks_over_life(*, stop_after: timedelta, idle_after: timedelta, changes_every: timedelta | None) -> int:
    """How many checks one story gets from its first follow to its end (for the bench)."""
    started = now = datetime(2026, 1, 1)
    last_change: datetime | None = None
    checks = 0
    while True:
        nxt = next_check(started, last_change, now, stop_after=stop_after, idle_after=idle_after)
        if nxt is None:
            return checks
        now = nxt
        checks += 1
        if changes_every is not None and (last_change is None or now - last_change >= changes_every):
            last_change = now


def night_until(now: datetime, zone: ZoneInfo) -> datetime | None:
    """When the night around ``now`` ends in ``zone`` (aware, UTC-comparable); None by day."""
    local = now.astimezone(zone)
    clock = local.time()
    if NIGHT_END <= clock < NIGHT_START:
        return None
    day = local.date() if clock < NIGHT_END else local.date() + timedelta(days=1)
    return datetime.combine(day, NIGHT_END, tzinfo=zone)

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.digest.schedule import (
    digest_due_at,
    is_due,
    local_day,
    next_due_at,
    resolve_timezone,
)
from bot.timeofday import parse_hhmm

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.mark.parametrize(
    ("day", "at", "tz", "expected"),
    [
        # ordinary days: 08:00 CET = 07:00Z, 08:00 CEST = 06:00Z
        (date(2026, 1, 15), time(8), BERLIN, utc(2026, 1, 15, 7)),
        (date(2026, 7, 15), time(8), BERLIN, utc(2026, 7, 15, 6)),
        (date(2026, 1, 15), time(8), NEW_YORK, utc(2026, 1, 15, 13)),
        (date(2026, 7, 15), time(8), NEW_YORK, utc(2026, 7, 15, 12)),
        # Europe springs forward 2026-03-29 02:00 CET -> 03:00 CEST (01:00Z)
        (date(2026, 3, 29), time(8), BERLIN, utc(2026, 3, 29, 6)),
        (date(2026, 3, 29), time(2, 30), BERLIN, utc(2026, 3, 29, 1)),  # gap -> 03:00 local
        (date(2026, 3, 29), time(1, 59), BERLIN, utc(2026, 3, 29, 0, 59)),
        (date(2026, 3, 29), time(3, 0), BERLIN, utc(2026, 3, 29, 1)),
        # US springs forward 2026-03-08 02:00 EST -> 03:00 EDT (07:00Z)
        (date(2026, 3, 8), time(8), NEW_YORK, utc(2026, 3, 8, 12)),
        (date(2026, 3, 8), time(2, 30), NEW_YORK, utc(2026, 3, 8, 7)),  # gap -> 03:00 local
        # US falls back 2026-11-01 02:00 EDT -> 01:00 EST: 01:30 happens twice, take the first
        (date(2026, 11, 1), time(1, 30), NEW_YORK, utc(2026, 11, 1, 5, 30)),
        (date(2026, 11, 1), time(8), NEW_YORK, utc(2026, 11, 1, 13)),
        # Europe falls back 2026-10-25 03:00 CEST -> 02:00 CET: 02:30 twice
        (date(2026, 10, 25), time(2, 30), BERLIN, utc(2026, 10, 25, 0, 30)),
        # a 30-minute DST gap (Lord Howe Island: 02:00 -> 02:30 on 2026-10-04)
        (date(2026, 10, 4), time(2, 15), ZoneInfo("Australia/Lord_Howe"), utc(2026, 10, 3, 15, 30)),
    ],
)
def test_digest_due_at(day: date, at: time, tz: ZoneInfo, expected: datetime) -> None:
    due = digest_due_at(day, at, tz)
    assert due == expected
    assert due.tzinfo is UTC
    assert local_day(due, tz) == day


def test_local_day_crosses_midnight() -> None:
    assert local_day(utc(2026, 1, 15, 23, 30), BERLIN) == date(2026, 1, 16)
    assert local_day(utc(2026, 1, 15, 3, 0), NEW_YORK) == date(2026, 1, 14)
    with pytest.raises(ValueError):
        local_day(datetime(2026, 1, 15, 3, 0), NEW_YORK)


def simulate(tz: ZoneInfo, at: time, start: datetime, days: int, step: timedelta) -> list[datetime]:
    """Run a scheduler tick every ``step``; return the UTC times a digest went out.

    The start day's digest counts as already sent."""
    sent: list[datetime] = []
    last: date | None = local_day(start, tz)
    now = start
    while now < start + timedelta(days=days):
        if is_due(now, at, tz, last):
            sent.append(now)
            last = local_day(now, tz)
        now += step
    return sent


@pytest.mark.parametrize(
    ("tz", "at", "start"),
    [
        (BERLIN, time(8), utc(2026, 3, 26)),
        (BERLIN, time(2, 30), utc(2026, 3, 26)),
        (BERLIN, time(2, 30), utc(2026, 10, 22)),
        (NEW_YORK, time(8), utc(2026, 3, 5)),
        (NEW_YORK, time(2, 30), utc(2026, 3, 5)),
        (NEW_YORK, time(1, 30), utc(2026, 10, 29)),
        (NEW_YORK, time(8), utc(2026, 10, 29)),
        (NEW_YORK, time(0, 0), utc(2026, 10, 29)),
        (NEW_YORK, time(23, 59), utc(2026, 10, 29)),
    ],
)
def test_exactly_one_digest_per_local_day_across_dst(tz: ZoneInfo, at: time, start: datetime) -> None:
    sent = simulate(tz, at, start, days=7, step=timedelta(minutes=1))
    days = [local_day(moment, tz) for moment in sent]
    assert len(days) == len(set(days))  # never two in one local day
    first_full = local_day(start, tz) + timedelta(days=1)
    expected = {first_full + timedelta(days=n) for n in range(6)}
    assert expected <= set(days)  # and one on every day
    for moment in sent:  # each one at (within a tick of) its slot
        slot = digest_due_at(local_day(moment, tz), at, tz)
        assert slot <= moment < slot + timedelta(minutes=1)


def test_berlin_spring_forward_0230_is_sent_once_at_0300_local() -> None:
    sent = simulate(BERLIN, time(2, 30), utc(2026, 3, 28, 12), days=1, step=timedelta(minutes=1))
    assert sent == [utc(2026, 3, 29, 1, 0)]
    assert sent[0].astimezone(BERLIN).strftime("%H:%M %Z") == "03:00 CEST"


def test_new_york_fall_back_0130_is_sent_once_at_first_occurrence() -> None:
    sent = simulate(NEW_YORK, time(1, 30), utc(2026, 10, 31, 12), days=1, step=timedelta(minutes=1))
    assert sent == [utc(2026, 11, 1, 5, 30)]
    assert sent[0].astimezone(NEW_YORK).strftime("%H:%M %Z") == "01:30 EDT"


def test_missed_digest_is_still_due_later_that_day_but_not_the_next() -> None:
    at = time(8)
    # the bot was down from 07:00 to 15:00 local
    assert is_due(utc(2026, 7, 15, 13), at, BERLIN, date(2026, 7, 14))
    assert not is_due(utc(2026, 7, 15, 13), at, BERLIN, date(2026, 7, 15))
    # down for a whole day: next morning it's one digest, at the slot, not a catch-up at midnight
    assert not is_due(utc(2026, 7, 16, 0, 5), at, BERLIN, date(2026, 7, 14))
    assert is_due(utc(2026, 7, 16, 6, 0), at, BERLIN, date(2026, 7, 14))
    assert not is_due(utc(2026, 7, 15, 5, 59), at, BERLIN, None)
    assert is_due(utc(2026, 7, 15, 6, 0), at, BERLIN, None)


def test_next_due_at() -> None:
    at = time(8)
    assert next_due_at(utc(2026, 7, 15, 5), at, BERLIN, None) == utc(2026, 7, 15, 6)
    assert next_due_at(utc(2026, 7, 15, 9), at, BERLIN, date(2026, 7, 15)) == utc(2026, 7, 16, 6)
    assert next_due_at(utc(2026, 3, 28, 9), time(2, 30), BERLIN, date(2026, 3, 28)) == utc(2026, 3, 29, 1)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("08:00", time(8)),
        ("8:05", time(8, 5)),
        (" 8 ", time(8)),
        ("20.30", time(20, 30)),
        ("20h30", time(20, 30)),
        ("0830", time(8, 30)),
        ("00:00", time(0)),
        ("23:59", time(23, 59)),
        ("7pm", time(19)),
        ("7:30 am", time(7, 30)),
        ("12am", time(0)),
        ("12 PM", time(12)),
    ],
)
def test_parse_hhmm(text: str, expected: time) -> None:
    assert parse_hhmm(text) == expected


@pytest.mark.parametrize("text", ["", "24:00", "8:60", "13pm", "noon", "8:5", "123", "-1"])
def test_parse_hhmm_rejects_with_a_friendly_message(text: str) -> None:
    with pytest.raises(ValueError, match="HH:MM"):
        parse_hhmm(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("berlin", "Europe/Berlin"),
        ("Berlin", "Europe/Berlin"),
        ("new york", "America/New_York"),
        ("New_York", "America/New_York"),
        ("UTC", "UTC"),
        ("utc", "UTC"),
        ("GMT", "UTC"),
        ("UTC+3", "Etc/GMT-3"),
        ("gmt-5", "Etc/GMT+5"),
        ("Asia/Kolkata", "Asia/Kolkata"),
        ("tokyo", "Asia/Tokyo"),
        ("US/Eastern", "US/Eastern"),
    ],
)
def test_resolve_timezone(text: str, expected: str) -> None:
    assert resolve_timezone(text).key == expected


@pytest.mark.parametrize(
    ("text", "suggestion"),
    [
        ("Europe/Berlinn", "Europe/Berlin"),
        ("Berln", "Europe/Berlin"),
        ("america/new york city", "America/New_York"),
        ("Tokio", "Asia/Tokyo"),
    ],
)
def test_resolve_timezone_suggests_close_names(text: str, suggestion: str) -> None:
    with pytest.raises(ValueError, match="Did you mean") as caught:
        resolve_timezone(text)
    assert suggestion in str(caught.value)


@pytest.mark.parametrize("text", ["", "   ", "Mars/Olympus_Mons_Base", "../../etc/passwd", "localtime"])
def test_resolve_timezone_rejects_junk(text: str) -> None:
    with pytest.raises(ValueError, match=r"Europe/Berlin|Did you mean"):
        resolve_timezone(text)


def test_slot_passed_today_only_when_the_new_slot_is_over_and_today_is_open() -> None:
    from bot.digest.schedule import slot_passed_today

    utc = ZoneInfo("UTC")
    now = datetime(2026, 3, 2, 5, 57, tzinfo=UTC)
    assert slot_passed_today(now, time(5, 47), utc, None) == date(2026, 3, 2)
    assert slot_passed_today(now, time(6, 0), utc, None) is None  # still ahead today
    assert slot_passed_today(now, time(5, 47), utc, date(2026, 3, 2)) is None  # today already sent
    # the zone decides what "today" is: 05:57 UTC is already 10:57 in Karachi
    assert slot_passed_today(now, time(9, 0), ZoneInfo("Asia/Karachi"), None) == date(2026, 3, 2)

"""The scheduler's "now".

Every scheduling decision (which local day it is, whether a digest is due, which items are new,
when a feed is due for polling) asks a ``Clock``, so tests can inject one that walks several bot
processes through days, time zones and DST changes in seconds. Production uses ``SystemClock``.
Rate limits, pauses and timeouts always use real time.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    async def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...


class SystemClock:
    async def now(self) -> datetime:
        return datetime.now(UTC)

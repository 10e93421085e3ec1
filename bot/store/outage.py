"""A Redis outage is two log lines per process: one where it starts, one (with its duration) where it ends.

Three parts of a process talk to Redis on their own: the store's guard, saq's digest workers and
the shared send budget. Each used to log the outage in its own words, so one outage gave two or
three "started" lines. They all report here instead; the first failure logs the start, the first
success after it logs the end, and the failures in between are only counted.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class RedisOutage:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.since: float | None = None  # when the current outage began; None while Redis answers
        self.failures = 0

    @property
    def down(self) -> bool:
        return self.since is not None

    def failed(self, exc: BaseException, where: str) -> None:
        """A call to Redis failed for want of Redis (``where``: which part of the bot noticed)."""
        if self.since is None:
            log.error("redis unreachable, running without it until it is back",
                      extra={"noticed_by": where, "error": repr(exc)})
            self.since = self.clock()
        self.failures += 1

    def succeeded(self) -> None:
        if self.since is not None:
            log.info("redis is back", extra={"outage_s": round(self.clock() - self.since, 1),
                                             "failed_calls": self.failures})
            self.since, self.failures = None, 0


# The process's one tracker: every Redis client of the process reports to it.
PROCESS_OUTAGE = RedisOutage()

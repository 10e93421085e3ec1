"""A Bot API outage is two log lines: one when calls start failing, one when they work again.

Every call the bot makes (getUpdates, replies, edits) reports here; during an outage the polling
loop and every pending reply fail again and again, and a line per failure would bury the log.
"""

from __future__ import annotations

import logging
import time

from telegram.error import BadRequest, NetworkError, RetryAfter

log = logging.getLogger(__name__)


def unreachable(exc: BaseException) -> bool:
    """The Bot API (or the way to it) is down: not a refused request, not flood control."""
    return isinstance(exc, NetworkError) and not isinstance(exc, BadRequest | RetryAfter)


class ApiOutage:
    def __init__(self) -> None:
        self.since: float | None = None  # monotonic time of the first failure, None while up
        self.failures = 0

    def failed(self, exc: BaseException) -> None:
        if self.since is None:
            log.warning("telegram unreachable", extra={"error": repr(exc)})
            self.since = time.monotonic()
        self.failures += 1

    def succeeded(self) -> None:
        if self.since is not None:
            log.info("telegram is back",
                     extra={"outage_s": round(time.monotonic() - self.since, 1), "failed_calls": self.failures})
            self.since, self.failures = None, 0

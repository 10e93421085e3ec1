"""Retrying a Bot API call that must get through: a 5xx, a timeout, a dropped connection or a
429 beyond the rate limiter's own retries is retried with backoff for a bounded window, so a
summary made while the Bot API had a hiccup still reaches its reader."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from telegram.error import BadRequest, NetworkError, RetryAfter

log = logging.getLogger(__name__)

T = TypeVar("T")

WINDOW = 30.0  # seconds a reply keeps trying after it is ready
FIRST_DELAY = 0.5
MAX_DELAY = 8.0


def _retry_after(exc: RetryAfter) -> float:
    wait = exc.retry_after
    return wait.total_seconds() if isinstance(wait, timedelta) else float(wait)


def transient(exc: BaseException) -> bool:
    """A failure worth retrying: the Bot API or the way to it, not the request itself."""
    return isinstance(exc, RetryAfter) or (isinstance(exc, NetworkError) and not isinstance(exc, BadRequest))


async def persist(call: Callable[[], Awaitable[T]], what: str, *, window: float = WINDOW) -> T:
    """``call()``, retried on transient failures until ``window`` seconds have passed; the last
    failure is raised. A timed-out send may have arrived: a repeat beats a lost reply. A call that
    needed retries is one log line, when it went through or was given up, not one per attempt
    (an outage behind the failures is logged where calls fail, see ``bot.telegram.outage``)."""
    started = time.monotonic()
    give_up_at = started + window
    delay = FIRST_DELAY
    attempt = 1
    while True:
        try:
            result = await call()
        except (RetryAfter, NetworkError) as exc:
            if not transient(exc):
                raise
            wait = _retry_after(exc) if isinstance(exc, RetryAfter) else delay
            if time.monotonic() + wait > give_up_at:
                log.warning("telegram call failed, giving up", extra={
                    "what": what, "attempts": attempt, "after_s": round(time.monotonic() - started, 1),
                    "error": str(exc)})  # fmt: skip
                raise
            await asyncio.sleep(wait)
            delay = min(delay * 2, MAX_DELAY)
            attempt += 1
            continue
        if attempt > 1:
            log.info("telegram call went through after retries", extra={
                "what": what, "attempts": attempt, "after_s": round(time.monotonic() - started, 1)})  # fmt: skip
        return result

"""Waiting on a condition instead of sleeping: tests poll for evidence, with a deadline."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")

POLL_INTERVAL = 0.05


def wait_until(check: Callable[[], T], timeout: float, what: str | Callable[[], str]) -> T:
    """Call ``check`` until it returns something truthy and return that; after ``timeout`` seconds
    raise TimeoutError naming ``what`` (a string, or a function building one from the state)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise TimeoutError(f"timed out after {timeout} s waiting for {what if isinstance(what, str) else what()}")
        time.sleep(POLL_INTERVAL)


async def await_until(check: Callable[[], T], timeout: float, what: str) -> T:  # noqa: ASYNC109
    """Async twin of ``wait_until`` for tests whose event loop must keep running."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise TimeoutError(f"timed out after {timeout} s waiting for {what}")
        await asyncio.sleep(POLL_INTERVAL / 5)


__all__ = ["await_until", "wait_until"]
